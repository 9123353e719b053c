import { academicYearFor, academicYearLabel, termFor, termFromKey } from '../../src/lib/academic-calendar';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('academic calendar', () => {
  it.each([
    ['2025-09-01', '2025-26-1', 'Autumn 2025'],
    ['2025-12-31', '2025-26-1', 'Autumn 2025'],
    ['2026-01-01', '2025-26-2', 'Spring 2026'],
    ['2026-03-31', '2025-26-2', 'Spring 2026'],
    ['2026-04-01', '2025-26-3', 'Summer 2026'],
    ['2026-08-31', '2025-26-3', 'Summer 2026'],
    ['1999-09-01', '1999-00-1', 'Autumn 1999'],
  ])('puts %s in term %s (%s)', (date, key, label) => {
    expect(termFor(day(date))).toEqual({ key, label, academicYear: key.slice(0, 7) });
  });

  it('runs the academic year from September to August', () => {
    expect(academicYearFor(day('2026-08-31'))).toBe('2025-26');
    expect(academicYearFor(day('2026-09-01'))).toBe('2026-27');
    expect(academicYearLabel('2026-27')).toBe('2026/27');
  });

  it('sorts term keys in calendar order', () => {
    const keys = ['2026-04-01', '2025-09-01', '2026-01-10', '2026-09-02'].map((d) => termFor(day(d)).key);
    expect([...keys].sort()).toEqual(['2025-26-1', '2025-26-2', '2025-26-3', '2026-27-1']);
  });

  it('refuses anything that is not a term key', () => {
    expect(termFromKey('2025-27-1')).toBeUndefined();
    expect(termFromKey('2025-26-4')).toBeUndefined();
    expect(termFromKey('autumn')).toBeUndefined();
  });
});
