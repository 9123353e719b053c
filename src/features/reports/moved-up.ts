import { termAfter, termEndDate, termFor } from '../../lib/academic-calendar';
import { levelMove } from '../schools/level-order';

/**
 * "Schools supported that moved up a level within N terms", per provider: did a school's support level
 * improve after support from this provider? N is 3 terms (one academic year) after the term the support
 * was completed in: South Gloucestershire reviews levels termly and agrees them annually.
 */
export const MOVED_UP_TERMS = 3;
/** A share is shown only of this many schools or more; below it, only the counts. */
export const SHARE_FROM = 5;

/** One completed piece of support: which provider (listing), which school, when it started and was completed. */
export type SupportEpisode = { listing: string; listingName: string; school: string; startOn: Date; completedAt: Date };
export type LevelSet = { level: string; setAt: Date };

export type Outcome = 'moved_up' | 'not_moved' | 'waiting' | 'unknown';

/**
 * What happened to the school's level after one piece of support. "Before" is the level in force when the
 * support started; it moved up if any level set from then until the end of the Nth term after completion
 * is higher in the scheme (levelMove). Not yet moved with that time still running is 'waiting'; with no
 * level before, or levels the scheme no longer orders, the data does not say ('unknown').
 */
export function outcomeOf(episode: SupportEpisode, history: readonly LevelSet[], order: readonly string[], now: Date, terms = MOVED_UP_TERMS): Outcome {
  const sorted = [...history].sort((a, b) => a.setAt.getTime() - b.setAt.getTime());
  const before = sorted.filter((decision) => decision.setAt.getTime() <= episode.startOn.getTime()).pop();
  if (!before) return 'unknown';
  const windowEnd = termEndDate(termAfter(termFor(episode.completedAt).key, terms).key);
  const after = sorted.filter((decision) => decision.setAt.getTime() > episode.startOn.getTime() && decision.setAt.getTime() <= windowEnd.getTime());
  const moves = after.map((decision) => levelMove(order, before.level, decision.level));
  if (moves.includes('up')) return 'moved_up';
  if (windowEnd.getTime() > now.getTime()) return 'waiting';
  if (!order.includes(before.level) || moves.includes('unknown')) return 'unknown';
  return 'not_moved';
}

const RANK: Record<Outcome, number> = { moved_up: 3, waiting: 2, not_moved: 1, unknown: 0 };

export type ProviderMovement = { listing: string; listingName: string; supported: number; movedUp: number; waiting: number };

/**
 * Per provider, each school it supported counted once, by the best of its outcomes: moved up after any
 * piece of support, else still waiting, else not moved. `supported` counts schools with a known outcome.
 */
export function movedUpByProvider(
  episodes: readonly SupportEpisode[],
  histories: ReadonlyMap<string, readonly LevelSet[]>,
  order: readonly string[],
  now: Date,
  terms = MOVED_UP_TERMS,
): ProviderMovement[] {
  const best = new Map<string, Map<string, Outcome>>();
  const names = new Map<string, string>();
  for (const episode of episodes) {
    names.set(episode.listing, episode.listingName);
    const outcome = outcomeOf(episode, histories.get(episode.school) ?? [], order, now, terms);
    const schools = best.get(episode.listing) ?? new Map<string, Outcome>();
    const previous = schools.get(episode.school);
    if (!previous || RANK[outcome] > RANK[previous]) schools.set(episode.school, outcome);
    best.set(episode.listing, schools);
  }
  return [...best]
    .map(([listing, schools]) => {
      const outcomes = [...schools.values()];
      return {
        listing,
        listingName: names.get(listing)!,
        supported: outcomes.filter((outcome) => outcome === 'moved_up' || outcome === 'not_moved').length,
        movedUp: outcomes.filter((outcome) => outcome === 'moved_up').length,
        waiting: outcomes.filter((outcome) => outcome === 'waiting').length,
      };
    })
    .filter((row) => row.supported + row.waiting > 0)
    .sort((a, b) => b.supported - a.supported || a.listingName.localeCompare(b.listingName));
}

/** The share that moved up, only of five schools or more: a share of a few schools says little and points at them. */
export function movedUpPercent(movedUp: number, supported: number): number | undefined {
  return supported >= SHARE_FROM ? Math.round((100 * movedUp) / supported) : undefined;
}
