import { milesText, straightLineMiles, type GridReference } from '../../lib/grid-distance';
import type { SchoolPlace } from '../schools/school-places';
import type { DirectoryDocument } from './directory-document';

/**
 * How far a provider is from the school a search measures from (its origin), in a straight line between
 * GIAS grid references. A provider with no employing school (an LA team) has no single base: it works
 * across the areas it covers, so a distance limit keeps it (after every provider with a base), and its
 * card names its areas instead of miles. A provider whose school GIAS does not place cannot be said to be
 * within any distance, so a limit leaves it out.
 */
export type ProviderDistance =
  | { kind: 'miles'; miles: number; atOrigin: boolean }
  | { kind: 'no-single-base' }
  | { kind: 'not-known' };

/** The miles a search may be limited to ("within 5 miles"); any other value is ignored. */
export const WITHIN_MILES = [5, 10, 20] as const;
export type WithinMiles = (typeof WITHIN_MILES)[number];

/** What a search measures from, and how far it may reach (null: any distance). */
export type DistanceRequest = { origin: SchoolPlace; within: WithinMiles | null };

export function distanceOf(document: DirectoryDocument, origin: SchoolPlace, baseGrid: GridReference | null | undefined): ProviderDistance {
  if (!document.employingSchoolId) return { kind: 'no-single-base' };
  if (document.employingSchoolId === origin.id) return { kind: 'miles', miles: 0, atOrigin: true };
  if (!baseGrid) return { kind: 'not-known' };
  return { kind: 'miles', miles: straightLineMiles(origin.grid, baseGrid), atOrigin: false };
}

export function isWithin(distance: ProviderDistance, within: WithinMiles | null): boolean {
  if (within === null) return true;
  if (distance.kind === 'miles') return distance.miles <= within;
  return distance.kind === 'no-single-base';
}

const TIER: Record<ProviderDistance['kind'], number> = { miles: 0, 'no-single-base': 1, 'not-known': 2 };

/** Nearest first: providers with a base by miles, then those with no single base, then those not placed. */
export function byDistance(a: ProviderDistance, b: ProviderDistance): number {
  const tiers = TIER[a.kind] - TIER[b.kind];
  if (tiers !== 0 || a.kind !== 'miles' || b.kind !== 'miles') return tiers;
  return a.miles - b.miles;
}

/** What a result shows and a CSV row holds: "3.2 miles from Oakfield Primary School", and the miles to one decimal place. */
export type DistanceView = { text: string; miles: number | null };

export function distanceView(distance: ProviderDistance, origin: SchoolPlace, areas: readonly string[]): DistanceView {
  if (distance.kind === 'miles') {
    const miles = Math.round(distance.miles * 10) / 10;
    return { text: distance.atOrigin ? `Based at ${origin.name}` : `${milesText(distance.miles)} from ${origin.name}`, miles };
  }
  if (distance.kind === 'no-single-base') return { text: areas.length > 0 ? `No single base: covers ${areas.join(', ')}` : 'No single base', miles: null };
  return { text: 'Distance not known: GIAS gives no location for its school', miles: null };
}
