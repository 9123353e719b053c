/** How money, days and dates read on pages and in CSV files. */
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const moment = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

export const formatPence = (pence: number): string => pounds.format(pence / 100);
export const formatDay = (date: Date): string => day.format(date);
export const formatMoment = (date: Date): string => moment.format(date);
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
