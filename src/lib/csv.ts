import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab or carriage return first) gets a
 * leading apostrophe, so it shows as the text it is (OWASP's advice on CSV injection).
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** A CSV file Excel opens correctly: UTF-8 with a byte-order mark, CRLF line ends, every text cell made inert. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const cell = (value: CsvCell) => (typeof value === 'string' ? neutraliseFormula(value) : value);
  return stringify([header.map(neutraliseFormula), ...rows.map((row) => row.map(cell))], { bom: true, record_delimiter: 'windows' });
}

/** Headers for a CSV download with a safe file name. */
export function csvHeaders(fileName: string): Record<string, string> {
  return {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '-')}"`,
  };
}
