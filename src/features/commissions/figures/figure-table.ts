import type { Contribution, FiguresChange } from './contribution';
import { RATINGS } from '../feedback/ratings';

/**
 * The report figures as rows of sums, one row per term × support level × dimension × key:
 *
 * - count dimensions (`providerType`, `route`, `funding`, `category`): [commissions, days, cost in pence]
 *   of agreed commissions. Every agreed commission has exactly one funding row, so the funding rows also
 *   give the totals per term and level;
 * - rating dimensions (`provider` by listing name, `ratedCategory`): [responses, then the sum of each
 *   rating in RATINGS order] of evaluated commissions.
 *
 * A commission counts once per entry in its categories, as `$unwind` counted before. Rows that come back
 * to zero are dropped, so a term or level with nothing agreed disappears from the choices.
 */
export const COUNT_DIMENSIONS = ['providerType', 'route', 'funding', 'category'] as const;
export const RATING_DIMENSIONS = ['provider', 'ratedCategory'] as const;
export type Dimension = (typeof COUNT_DIMENSIONS)[number] | (typeof RATING_DIMENSIONS)[number];

/** [term, level (null: not recorded), dimension, key, ...measures]: compact, as stored. */
export type FigureRow = [term: string, level: string | null, dimension: Dimension, key: string, ...measures: number[]];

const rowKey = (row: FigureRow) => JSON.stringify(row.slice(0, 4));

export class FigureTable {
  private readonly rows = new Map<string, FigureRow>();

  static of(rows: readonly FigureRow[]): FigureTable {
    const table = new FigureTable();
    for (const row of rows) table.add(row);
    return table;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Adds (sign 1) or takes away (sign −1) one row's measures. */
  add(row: FigureRow, sign: 1 | -1 = 1): void {
    const key = rowKey(row);
    const [term, level, dimension, name, ...measures] = row;
    const current = this.rows.get(key)?.slice(4) as number[] | undefined;
    const sum = measures.map((value, index) => (current?.[index] ?? 0) + sign * value);
    if (sum.every((value) => value === 0)) this.rows.delete(key);
    else this.rows.set(key, [term, level, dimension, name, ...sum]);
  }

  addTable(other: FigureTable): void {
    for (const row of other.rows.values()) this.add(row);
  }

  /** The rows in a stable order (so the same figures always store the same way). */
  toRows(): FigureRow[] {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }
}

/** The rows one commission contributes. */
export function rowsOf(contribution: Contribution): FigureRow[] {
  const rows: FigureRow[] = [];
  const { agreed, rating } = contribution;
  if (agreed) {
    const measures = [1, agreed.days, agreed.cost];
    rows.push([agreed.term, agreed.level, 'providerType', agreed.providerType, ...measures]);
    rows.push([agreed.term, agreed.level, 'route', agreed.route, ...measures]);
    rows.push([agreed.term, agreed.level, 'funding', agreed.funding, ...measures]);
    for (const category of agreed.categories) rows.push([agreed.term, agreed.level, 'category', category, ...measures]);
  }
  if (rating) {
    const measures = [1, ...RATINGS.map((name) => rating.scores[name])];
    rows.push([rating.term, rating.level, 'provider', rating.listingName, ...measures]);
    for (const category of rating.categories) rows.push([rating.term, rating.level, 'ratedCategory', category, ...measures]);
  }
  return rows;
}

/**
 * The figures are kept in sheets: one per term for the whole LA (what Traded Services read) and one per
 * school (what a SIP reads for their caseload). Each row goes to both.
 */
export const termSheet = (term: string) => `term:${term}`;
export const schoolSheet = (schoolId: string) => `school:${schoolId}`;
export const isTermSheet = (key: string) => key.startsWith('term:');

export function sheetsOf(row: FigureRow, school: string): [string, string] {
  return [termSheet(row[0]), schoolSheet(school)];
}

/** Applies a step's change to whichever sheets `sheet` returns (undefined: a sheet not wanted here). */
export function applyChange(change: FiguresChange, sheet: (key: string) => FigureTable | undefined): void {
  for (const [contribution, sign] of [
    [change.before, -1],
    [change.after, 1],
  ] as const) {
    for (const row of rowsOf(contribution)) {
      for (const key of sheetsOf(row, contribution.school)) sheet(key)?.add(row, sign);
    }
  }
}
