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
