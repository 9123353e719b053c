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

/** The years a date typed into a form may fall in: outside them it is a slip (1850, 9999), never a real plan. */
export const FORM_YEARS = { from: 2000, to: 2100 } as const;

/**
 * A GOV.UK date input (`name-day`, `name-month`, `name-year`) as a UTC midnight date: 'blank' when all
 * three boxes are empty, 'invalid' when they do not make a real day in FORM_YEARS (or are not text).
 */
export function formDate(body: Record<string, unknown>, name: string): Date | 'blank' | 'invalid' {
  const [day, month, year] = ['day', 'month', 'year'].map((part) => {
    const value = body[`${name}-${part}`] ?? '';
    return typeof value === 'string' ? value.trim() : undefined;
  });
  if (day === '' && month === '' && year === '') return 'blank';
  if (!/^\d{1,2}$/.test(day ?? '') || !/^\d{1,2}$/.test(month ?? '') || !/^\d{4}$/.test(year ?? '')) return 'invalid';
  if (Number(year) < FORM_YEARS.from || Number(year) > FORM_YEARS.to) return 'invalid';
  return calendarDate(Number(year), Number(month), Number(day)) ?? 'invalid';
}

/**
 * The same day `months` later, at UTC midnight; a day the later month lacks becomes its last day
 * (31 January + 1 month = 28 or 29 February), never a day of the month after.
 */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

/** The UTC midnight that begins this moment's day: "today" as the stored dates count it. */
export function startOfUtcDay(moment: Date): Date {
  return new Date(Date.UTC(moment.getUTCFullYear(), moment.getUTCMonth(), moment.getUTCDate()));
}
