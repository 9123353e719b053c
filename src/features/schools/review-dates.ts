/**
 * Support levels are reviewed termly by default: the next review falls at the end of the current
 * school term. English term dates vary by LA and year, so these are the usual ends, close enough
 * for a default the person setting the level can change: autumn ends 20 December, spring 31 March
 * (around Easter), summer 20 July.
 */
const TERM_ENDS: { month: number; day: number }[] = [
  { month: 2, day: 31 },
  { month: 6, day: 20 },
  { month: 11, day: 20 },
];

/** The first end of term strictly after `from` (a date in UTC, at midnight). */
export function nextTermlyReview(from: Date): Date {
  const year = from.getUTCFullYear();
  for (const candidateYear of [year, year + 1]) {
    for (const end of TERM_ENDS) {
      const date = new Date(Date.UTC(candidateYear, end.month, end.day));
      if (date.getTime() > from.getTime()) return date;
    }
  }
  throw new Error('unreachable: a term ends within a year');
}
