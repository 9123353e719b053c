import type { TermKind } from './term-kinds';

/** Which listing field holds slugs of which list. Needs are referenced by school priorities, not listings. */
export const LISTING_FIELD_FOR_KIND = {
  category: 'expertise',
  phase: 'phases',
  subject: 'subjects',
  context: 'contexts',
  offer: 'offers',
} as const satisfies Partial<Record<TermKind, string>>;

export type ListingTermKind = keyof typeof LISTING_FIELD_FOR_KIND;
export type ListingTermField = (typeof LISTING_FIELD_FOR_KIND)[ListingTermKind];

export function listingFieldFor(kind: TermKind): ListingTermField | undefined {
  return (LISTING_FIELD_FOR_KIND as Partial<Record<TermKind, ListingTermField>>)[kind];
}

/**
 * What the taxonomy needs from the listings that use its terms: how many use each, and moving them from a
 * merged term to its target. The listings feature provides it (listingTermUsage); createApp passes it in.
 */
export type TermUsage = {
  countsByTerm(field: ListingTermField): Promise<{ _id: string; count: number }[]>;
  /** Replaces source by target in the field and in waiting revisions; how many listings' own field changed. */
  replaceTerm(field: ListingTermField, source: string, target: string): Promise<number>;
};
