import { neutraliseFormula, toCsv } from '../../src/lib/csv';

describe('CSV downloads', () => {
  it('starts with a byte-order mark and quotes what needs quoting', () => {
    const csv = toCsv(['Provider', 'Days'], [['Smith, Jones & “Partners”', 3]]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toBe('\uFEFFProvider,Days\n"Smith, Jones & “Partners”",3\n');
  });

  it('neutralises cells a spreadsheet would run as formulas, but not numbers', () => {
    for (const cell of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    expect(neutraliseFormula(-3)).toBe(-3);
    expect(neutraliseFormula('Safe text')).toBe('Safe text');
    expect(toCsv(['Name'], [['=1+1']])).toContain("'=1+1");
  });
});
