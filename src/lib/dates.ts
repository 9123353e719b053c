/** A UTC midnight date for these calendar numbers, or null when there is no such day (31 February). */
export function calendarDate(year: number, month: number, day: number): Date | null {
  if (![year, month, day].every(Number.isInteger) || year < 1800 || year > 2200) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** "31-08-1992" (the DfE's DD-MM-YYYY) as a date, or null. "/" separators are accepted too. */
export function parseDayMonthYear(text: string): Date | null {
  const match = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(text.trim());
  return match ? calendarDate(Number(match[3]), Number(match[2]), Number(match[1])) : null;
}
