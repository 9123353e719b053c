const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

/** "3 March 2026" (dates are stored as UTC midnight). */
export function formatDate(date: Date | string | null | undefined): string {
  return date ? longDate.format(new Date(date)) : '';
}

export function formatDateTime(date: Date | string | null | undefined): string {
  return date ? dateTime.format(new Date(date)) : '';
}

/** "£450" or "£450.50" from pence. */
export function formatPounds(pence: number): string {
  const pounds = pence / 100;
  return `£${Number.isInteger(pounds) ? pounds.toLocaleString('en-GB') : pounds.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
