import { Types } from 'mongoose';
import { contributionOf, figuresChange, type ContributingCommission, type ContributingFeedback } from '../../src/features/commissions/figures/contribution';
import { applyChange, FigureTable, rowsOf, schoolSheet, termSheet, type FigureRow } from '../../src/features/commissions/figures/figure-table';
import { NO_LEVEL, summariseFigures } from '../../src/features/reports/figures-summary';
import { consumedAfter, CONSUMED_RETENTION_MS } from '../../src/features/commissions/figures/figure-store';

const school = new Types.ObjectId();

function commission(overrides: Partial<ContributingCommission> = {}): ContributingCommission {
  return {
    school,
    status: 'accepted',
    termKey: '2026-27-1',
    supportLevel: '2 Vulnerable',
    providerType: 'sle',
    route: 'direct',
    funding: 'school',
    days: 3,
    costPence: 90_000,
    categories: ['mathematics-and-numeracy'],
    ...overrides,
  };
}

const feedback: ContributingFeedback = {
  termKey: '2026-27-1',
  supportLevel: '2 Vulnerable',
  listingName: 'Maths Hub',
  categories: ['mathematics-and-numeracy'],
  ratings: { quality: 4, impact: 3, value: 5, recommend: 2 },
};

const table = (...contributions: ReturnType<typeof contributionOf>[]) => FigureTable.of(contributions.flatMap(rowsOf));

describe('what a commission contributes to the report figures', () => {
  it('counts days and spend only once agreed, from accepted to evaluated', () => {
    for (const status of ['awaiting_school', 'awaiting_approval', 'requested', 'change_proposed', 'declined', 'not_approved', 'cancelled']) {
      expect(contributionOf(commission({ status })).agreed).toBeUndefined();
    }
    for (const status of ['accepted', 'in_progress', 'delivered', 'completed', 'evaluated']) {
      expect(contributionOf(commission({ status })).agreed).toMatchObject({ term: '2026-27-1', level: '2 Vulnerable', days: 3, cost: 90_000 });
    }
  });

  it('counts ratings only for an evaluated commission with its feedback', () => {
    expect(contributionOf(commission({ status: 'completed' }), feedback).rating).toBeUndefined();
    expect(contributionOf(commission({ status: 'evaluated' })).rating).toBeUndefined();
    expect(contributionOf(commission({ status: 'evaluated' }), feedback).rating).toEqual({
      term: '2026-27-1',
      level: '2 Vulnerable',
      listingName: 'Maths Hub',
      categories: ['mathematics-and-numeracy'],
      scores: { quality: 4, impact: 3, value: 5, recommend: 2 },
    });
  });

  it('records no level as null, and missing categories as none', () => {
    const agreed = contributionOf(commission({ supportLevel: undefined, categories: undefined })).agreed!;
    expect(agreed.level).toBeNull();
    expect(agreed.categories).toEqual([]);
  });

  it('gives a change only for steps that move the figures', () => {
    const requested = contributionOf(commission({ status: 'requested' }));
    const accepted = contributionOf(commission({ status: 'accepted' }));
    expect(figuresChange(contributionOf(commission({ status: 'accepted' })), contributionOf(commission({ status: 'in_progress' })))).toBeUndefined();
    expect(figuresChange(requested, contributionOf(commission({ status: 'change_proposed' })))).toBeUndefined();
    expect(figuresChange(requested, accepted)).toEqual({ before: requested, after: accepted });
    expect(figuresChange(accepted, contributionOf(commission({ status: 'cancelled' })))?.after.agreed).toBeUndefined();
    const evaluated = figuresChange(contributionOf(commission({ status: 'completed' })), contributionOf(commission({ status: 'evaluated' }), feedback));
    expect(evaluated?.after.rating?.scores.quality).toBe(4);
  });
});

describe('figure rows and tables', () => {
  it('gives one row per dimension, one per category entry (a repeated category counts twice, as $unwind did)', () => {
    const rows = rowsOf(contributionOf(commission({ categories: ['a', 'b', 'a'] })));
    expect(rows).toEqual([
      ['2026-27-1', '2 Vulnerable', 'providerType', 'sle', 1, 3, 90_000],
      ['2026-27-1', '2 Vulnerable', 'route', 'direct', 1, 3, 90_000],
      ['2026-27-1', '2 Vulnerable', 'funding', 'school', 1, 3, 90_000],
      ['2026-27-1', '2 Vulnerable', 'category', 'a', 1, 3, 90_000],
      ['2026-27-1', '2 Vulnerable', 'category', 'b', 1, 3, 90_000],
      ['2026-27-1', '2 Vulnerable', 'category', 'a', 1, 3, 90_000],
    ]);
    expect(table(contributionOf(commission({ categories: ['a', 'b', 'a'] }))).toRows()).toContainEqual(['2026-27-1', '2 Vulnerable', 'category', 'a', 2, 6, 180_000]);
  });

  it('gives rating rows with responses and the sum of each rating', () => {
    expect(rowsOf(contributionOf(commission({ status: 'evaluated', categories: [] }), feedback)).filter((row) => row[2] === 'provider' || row[2] === 'ratedCategory')).toEqual([
      ['2026-27-1', '2 Vulnerable', 'provider', 'Maths Hub', 1, 4, 3, 5, 2],
      ['2026-27-1', '2 Vulnerable', 'ratedCategory', 'mathematics-and-numeracy', 1, 4, 3, 5, 2],
    ]);
  });

  it('adds and takes away rows, dropping rows that come back to zero', () => {
    const figures = table(contributionOf(commission()), contributionOf(commission({ days: 2, costPence: 0 })));
    expect(figures.toRows()).toContainEqual(['2026-27-1', '2 Vulnerable', 'funding', 'school', 2, 5, 90_000]);
    for (const row of rowsOf(contributionOf(commission()))) figures.add(row, -1);
    expect(figures.toRows()).toContainEqual(['2026-27-1', '2 Vulnerable', 'funding', 'school', 1, 2, 0]);
    for (const row of rowsOf(contributionOf(commission({ days: 2, costPence: 0 })))) figures.add(row, -1);
    expect(figures.size).toBe(0);
  });

  it('stores the same figures the same way whatever order they were added in', () => {
    const a = contributionOf(commission());
    const b = contributionOf(commission({ termKey: '2025-26-3', route: 'brokered', categories: ['z', 'b'] }));
    expect(table(a, b).toRows()).toEqual(table(b, a).toRows());
    expect(FigureTable.of(table(a, b).toRows()).toRows()).toEqual(table(a, b).toRows());
  });

  it('applies a step to the term and school sheets it touches, moving figures between terms', () => {
    const before = contributionOf(commission({ status: 'change_proposed' }));
    const accepted = contributionOf(commission({ termKey: '2026-27-2', days: 5 }));
    const cancelled = contributionOf(commission({ termKey: '2026-27-2', days: 5, status: 'cancelled' }));
    const sheets = new Map<string, FigureTable>();
    const sheet = (key: string) => sheets.get(key) ?? sheets.set(key, new FigureTable()).get(key);
    applyChange(figuresChange(before, accepted)!, sheet);
    expect(sheets.get(termSheet('2026-27-2'))!.toRows()).toContainEqual(['2026-27-2', '2 Vulnerable', 'funding', 'school', 1, 5, 90_000]);
    expect(sheets.get(schoolSheet(school.toString()))!.toRows()).toEqual(sheets.get(termSheet('2026-27-2'))!.toRows());
    applyChange(figuresChange(accepted, cancelled)!, sheet);
    expect([...sheets.values()].every((figures) => figures.size === 0)).toBe(true);
  });
});

describe('summing figures the way the report shows them', () => {
  const rows: FigureRow[] = [
    ...rowsOf(contributionOf(commission({ termKey: '2025-26-1', providerType: 'nle', funding: 'la', days: 2, costPence: 0 }))),
    ...rowsOf(contributionOf(commission({ termKey: '2025-26-2', supportLevel: undefined, route: 'brokered' }))),
    ...rowsOf(contributionOf(commission({ termKey: '2025-26-2', status: 'evaluated', categories: ['leadership-and-management'] }), { ...feedback, termKey: '2025-26-2' })),
  ];

  it('gives every term and level as choices whatever the filters, and the trend for the level only', () => {
    const summary = summariseFigures(rows, { term: '2025-26-1', level: '2 Vulnerable' });
    expect(summary.terms).toEqual(['2025-26-1', '2025-26-2']);
    expect(summary.levels).toEqual(['2 Vulnerable', NO_LEVEL]);
    expect([...summary.trend]).toEqual([
      ['2025-26-1', { commissions: 1, days: 2, cost: 0 }],
      ['2025-26-2', { commissions: 1, days: 3, cost: 90_000 }],
    ]);
    expect([...summary.byFunding]).toEqual([['la', { commissions: 1, days: 2, cost: 0 }]]);
    expect([...summary.byType]).toEqual([['nle', { commissions: 1, days: 2, cost: 0 }]]);
  });

  it('filters by “not recorded” for commissions without a level', () => {
    const summary = summariseFigures(rows, { level: NO_LEVEL });
    expect([...summary.byRoute]).toEqual([['brokered', { commissions: 1, days: 3, cost: 90_000 }]]);
    expect([...summary.byLevel]).toEqual([[NO_LEVEL, { commissions: 1, days: 3, cost: 90_000 }]]);
    expect(summary.ratingsByProvider.size).toBe(0);
  });

  it('adds up every dimension and the ratings when unfiltered', () => {
    const summary = summariseFigures(rows, {});
    expect(summary.byFunding.get('school')).toEqual({ commissions: 2, days: 6, cost: 180_000 });
    expect(summary.byCategory.get('mathematics-and-numeracy')).toEqual({ commissions: 2, days: 5, cost: 90_000 });
    expect(summary.byCategory.get('leadership-and-management')).toEqual({ commissions: 1, days: 3, cost: 90_000 });
    expect(summary.ratingsByProvider.get('Maths Hub')).toEqual({ responses: 1, quality: 4, impact: 3, value: 5, recommend: 2 });
    expect(summary.ratingsByCategory.get('mathematics-and-numeracy')?.responses).toBe(1);
    expect(summariseFigures(rows, { term: '2024-25-1' }).byFunding.size).toBe(0);
  });
});

describe('remembering folded deltas', () => {
  it('keeps ids for an hour, then forgets them', () => {
    const now = 10 * CONSUMED_RETENTION_MS;
    const previous = new Map([
      ['old', now - CONSUMED_RETENTION_MS],
      ['recent', now - 1_000],
    ]);
    expect([...consumedAfter(previous, ['new'], now)]).toEqual([
      ['recent', now - 1_000],
      ['new', now],
    ]);
  });
});
