import { stringify } from 'csv-stringify/sync';

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) is prefixed with a
 * single quote, as OWASP advises for CSV injection; numbers are left as numbers.
 */
export function neutraliseFormula(cell: string | number): string | number {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** A CSV file with a byte-order mark, so Excel reads it as UTF-8 (£, accents and curly quotes survive). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return stringify([header.map(neutraliseFormula), ...rows.map((row) => row.map(neutraliseFormula))], { bom: true });
}
