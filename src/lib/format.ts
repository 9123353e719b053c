const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 0, maximumFractionDigits: 2 });

/** "4 March 2026", as GOV.UK writes dates. */
export function formatDate(date: Date): string {
  return longDate.format(date);
}

/** "£450" or "£450.50" from pence. */
export function formatPence(pence: number): string {
  return pounds.format(pence / 100);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
