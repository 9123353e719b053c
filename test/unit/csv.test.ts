import { parse } from 'csv-parse/sync';
import { neutraliseFormula, toCsv } from '../../src/lib/csv';

describe('CSV export', () => {
  it('starts with a UTF-8 byte-order mark so Excel reads accents and symbols', () => {
    const csv = toCsv(['Name'], [['Zoë’s £450 school']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Zoë’s £450 school');
  });

  it.each(['=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tevil', '\rodd'])('neutralises a cell starting %j', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it('leaves ordinary text and numbers alone, and quotes commas, quotes and line breaks', () => {
    expect(neutraliseFormula('Primary maths')).toBe('Primary maths');
    const csv = toCsv(['Name', 'Days'], [['Smith, "Jo"\nSLE', 5], ['=HYPERLINK("http://x")', -3]]);
    const rows = parse(csv, { bom: true }) as string[][];
    expect(rows).toEqual([
      ['Name', 'Days'],
      ['Smith, "Jo"\nSLE', '5'],
      ['\'=HYPERLINK("http://x")', '-3'],
    ]);
    expect(csv).toContain('\r\n');
  });
});
