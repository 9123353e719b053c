/**
 * The LA's reporting calendar. Terms: autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar, summer 1 Apr–31 Aug;
 * the academic year runs September to August. Keys sort in calendar order ("2025-26-1" is autumn 2025).
 * Dates are read in UTC: every date the app stores is a calendar day at midnight UTC.
 */
export type Term = { key: string; label: string; academicYear: string };

const TERM_NAMES = ['Autumn', 'Spring', 'Summer'] as const;

export function academicYearFor(date: Date): string {
  const year = date.getUTCFullYear();
  const startYear = date.getUTCMonth() >= 8 ? year : year - 1;
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

export function termFor(date: Date): Term {
  const month = date.getUTCMonth();
  const index = month >= 8 ? 0 : month <= 2 ? 1 : 2;
  return termFromKey(`${academicYearFor(date)}-${index + 1}`)!;
}

/** The term a key names, or undefined for anything that is not a term key. */
export function termFromKey(key: string): Term | undefined {
  const match = /^(\d{4})-(\d{2})-([123])$/.exec(key);
  if (!match) return undefined;
  const startYear = Number(match[1]);
  if ((startYear + 1) % 100 !== Number(match[2])) return undefined;
  const index = Number(match[3]) - 1;
  const calendarYear = index === 0 ? startYear : startYear + 1;
  return { key, label: `${TERM_NAMES[index]} ${calendarYear}`, academicYear: `${match[1]}-${match[2]}` };
}

export function academicYearLabel(academicYear: string): string {
  return academicYear.replace('-', '/');
}

/** The term `count` terms after the one a key names (0 is the term itself). */
export function termAfter(key: string, count: number): Term {
  const term = termFromKey(key);
  if (!term) throw new Error(`Not a term key: ${key}`);
  const index = Number(key.slice(-1)) - 1 + count;
  const startYear = Number(key.slice(0, 4)) + Math.floor(index / 3);
  return termFromKey(`${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}-${(index % 3) + 1}`)!;
}

/** The last day of a term (31 December, 31 March, 31 August), at midnight UTC. */
export function termEndDate(key: string): Date {
  const term = termFromKey(key);
  if (!term) throw new Error(`Not a term key: ${key}`);
  const startYear = Number(key.slice(0, 4));
  const index = Number(key.slice(-1)) - 1;
  return [new Date(Date.UTC(startYear, 11, 31)), new Date(Date.UTC(startYear + 1, 2, 31)), new Date(Date.UTC(startYear + 1, 7, 31))][index]!;
}

/** The three terms of an academic year ("2026-27"), autumn first. */
export function termsOfYear(academicYear: string): Term[] {
  return [1, 2, 3].map((index) => termFromKey(`${academicYear}-${index}`)!);
}

/** An academic year ("2026-27") is well formed: two consecutive years. */
export function isAcademicYear(text: string): boolean {
  return termFromKey(`${text}-1`) !== undefined;
}

/** The academic year before this one. */
export function previousAcademicYear(academicYear: string): string {
  const startYear = Number(academicYear.slice(0, 4)) - 1;
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}
