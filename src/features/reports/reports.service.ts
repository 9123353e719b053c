import { coverageGaps, type CoverageGap } from './coverage-gaps';
import type { PipelineStage } from 'mongoose';
import { termFromKey } from '../../lib/academic-calendar';
import { formatPounds } from '../../lib/format';
import { NotAllowedError } from '../../lib/errors';
import type { SessionUser } from '../accounts/accounts.service';
import { Commission, FUNDING_LABELS, ROUTE_LABELS, type CommissionRoute, type FundingSource } from '../commissions/commission.model';
import { canSeeCommissionReports } from '../commissions/commission-access';
import { AGREED_STATUSES } from '../commissions/commission-status';
import { schoolsInSipCaseload } from '../commissions/sip-caseload';
import { Feedback, RATINGS } from '../feedback/feedback.model';
import { PROVIDER_TYPE_LABELS, type ProviderType } from '../listings/listing.model';
import { resolveTerms } from '../taxonomy/taxonomy.service';

export type ReportFilters = { term?: string; level?: string };
export type ReportTable = { slug: string; caption: string; header: string[]; numeric: boolean[]; rows: (string | number)[][] };
export type Report = Awaited<ReturnType<typeof commissionReport>>;

const NO_LEVEL = 'Not recorded';

type Totals = { commissions: number; days: number; cost: number };
type Counted<Id> = { _id: Id; n: number };
type DimensionId = { term: string; providerType: string; route: string; funding: string; level?: string | null; days: number; cost: number };
type RatingId = { key: string } & Record<(typeof RATINGS)[number], number>;
type RatingRow = { _id: string; responses: number } & Record<(typeof RATINGS)[number], number>;

/**
 * Counts documents per distinct combination of fields, with ONE accumulator: FerretDB v1.24 returns 0 for
 * every accumulator after the first in a $group (we measured it), so measures such as days and cost go
 * into the group key and are multiplied out in code. Their distinct values are few, so the groups stay few.
 */
function countBy(stages: PipelineStage[], id: Record<string, string>): PipelineStage[] {
  return [...stages, { $group: { _id: id, n: { $sum: 1 } } }];
}

/** Which commissions a report covers: all for Traded Services, the caseload's for a SIP. */
async function reportScope(user: SessionUser): Promise<Record<string, unknown>> {
  if (!canSeeCommissionReports(user)) throw new NotAllowedError();
  return user.role === 'sip' ? { school: { $in: await schoolsInSipCaseload(user.id) } } : {};
}

const add = (into: Map<string, Totals>, key: string, row: Totals) => {
  const totals = into.get(key) ?? { commissions: 0, days: 0, cost: 0 };
  into.set(key, { commissions: totals.commissions + row.commissions, days: totals.days + row.days, cost: totals.cost + row.cost });
};

const ratingFields = Object.fromEntries(RATINGS.map((rating) => [rating, `$ratings.${rating}`]));

/** Responses and rating totals per key, from rows counted per key and combination of ratings. */
function ratingRows(rows: Counted<RatingId>[]): RatingRow[] {
  const byKey = new Map<string, RatingRow>();
  for (const { _id, n } of rows) {
    const row = byKey.get(_id.key) ?? { _id: _id.key, responses: 0, quality: 0, impact: 0, value: 0, recommend: 0 };
    row.responses += n;
    for (const rating of RATINGS) row[rating] += _id[rating] * n;
    byKey.set(_id.key, row);
  }
  return [...byKey.values()];
}

/**
 * Agreed commissions (accepted onwards) and their ratings, grouped every way the LA reports on. FerretDB
 * v1 groups with $sum only and has no $lookup or $facet: three small aggregations, averages in code.
 */
export async function commissionReport(user: SessionUser, filters: ReportFilters, graceDays: number) {
  const scope = await reportScope(user);
  const levelMatch = filters.level ? { supportLevel: filters.level === NO_LEVEL ? null : filters.level } : {};
  const termMatch = filters.term ? { termKey: filters.term } : {};
  const agreed = { ...scope, status: { $in: AGREED_STATUSES } };
  const measures = { days: '$days', cost: '$costPence' };
  const feedbackMatch = { $match: { ...scope, ...levelMatch, ...termMatch } };

  const [dimensionCounts, categoryCounts, listingRatings, categoryRatings] = await Promise.all([
    Commission.aggregate<Counted<DimensionId>>(
      countBy([{ $match: agreed }], { term: '$termKey', providerType: '$providerType', route: '$route', funding: '$funding', level: '$supportLevel', ...measures }),
    ),
    Commission.aggregate<Counted<{ category: string; days: number; cost: number }>>(
      countBy([{ $match: { ...agreed, ...levelMatch, ...termMatch } }, { $unwind: '$categories' }], { category: '$categories', ...measures }),
    ),
    Feedback.aggregate<Counted<RatingId>>(countBy([feedbackMatch], { key: '$listingName', ...ratingFields })),
    Feedback.aggregate<Counted<RatingId>>(countBy([feedbackMatch, { $unwind: '$categories' }], { key: '$categories', ...ratingFields })),
  ]);
  const totalsOf = (counted: { n: number; _id: { days: number; cost: number } }): Totals => ({ commissions: counted.n, days: counted._id.days * counted.n, cost: counted._id.cost * counted.n });
  const dimensions = dimensionCounts.map((row) => ({ _id: row._id, ...totalsOf(row) }));
  const categoryTotals = new Map<string, Totals>();
  for (const row of categoryCounts) add(categoryTotals, row._id.category, totalsOf(row));
  const categories = [...categoryTotals].map(([category, row]) => ({ _id: category, ...row }));
  const byListing = ratingRows(listingRatings);
  const byCategoryRatings = ratingRows(categoryRatings);

  const trend = new Map<string, Totals>();
  const byType = new Map<string, Totals>();
  const byRoute = new Map<string, Totals>();
  const byFunding = new Map<string, Totals>();
  const byLevel = new Map<string, Totals>();
  const levels = new Set<string>();
  for (const row of dimensions) {
    const level = row._id.level ?? NO_LEVEL;
    levels.add(level);
    if (filters.level && level !== filters.level) continue;
    add(trend, row._id.term, row);
    if (filters.term && row._id.term !== filters.term) continue;
    add(byType, PROVIDER_TYPE_LABELS[row._id.providerType as ProviderType] ?? row._id.providerType, row);
    add(byRoute, ROUTE_LABELS[row._id.route as CommissionRoute] ?? row._id.route, row);
    add(byFunding, FUNDING_LABELS[row._id.funding as FundingSource] ?? row._id.funding, row);
    add(byLevel, level, row);
  }
  const terms = [...new Set(dimensions.map((row) => row._id.term))].sort();
  const termLabel = (key: string) => termFromKey(key)?.label ?? key;
  const categoryLabels = new Map(
    (await resolveTerms('category', [...new Set([...categories.map((row) => row._id), ...byCategoryRatings.map((row) => row._id)])])).map((term) => [term.slug, term.label]),
  );
  const categoryRows = categories.map((row) => ({ ...row, _id: categoryLabels.get(row._id) ?? row._id }));
  const trendRows = [...trend.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, row]) => [termLabel(key), row] as const);

  const tables: ReportTable[] = [
    countTable('terms', 'Commissions per term', 'Term', trendRows, true),
    countTable('categories', 'Commissions by area of support', 'Area of support', byCount(categoryRows.map((row) => [row._id, row] as const)), false),
    countTable('provider-types', 'Commissions by provider type', 'Provider type', byCount([...byType]), true),
    countTable('routes', 'Commissions by route', 'Route', byCount([...byRoute]), false),
    countTable('funding', 'Spend by funding', 'Funding', byCount([...byFunding]), true),
    countTable('levels', 'Commissions by school support level', 'Support level', byCount([...byLevel]), true),
    ratingTable('ratings-by-provider', 'Impact ratings by provider', 'Provider', byListing),
    ratingTable('ratings-by-category', 'Impact ratings by area of support', 'Area of support', byCategoryRatings.map((row) => ({ ...row, _id: categoryLabels.get(row._id) ?? row._id }))),
    gapsTable(await coverageGaps({ schoolScope: user.role === 'sip' ? await schoolsInSipCaseload(user.id) : undefined, graceDays })),
  ];
  const spend = [...byFunding.values()].reduce((sum, row) => sum + row.cost, 0);
  return {
    tables,
    headline: { commissions: sumOf(byFunding, 'commissions'), days: sumOf(byFunding, 'days'), spend: formatPounds(spend) },
    charts: {
      categories: categoryRows.sort((a, b) => b.commissions - a.commissions).map((row) => ({ label: row._id, value: row.commissions })),
      trend: trendRows.map(([label, row]) => ({ label, value: row.commissions })),
    },
    termChoices: terms.map((key) => ({ value: key, text: termLabel(key) })),
    levelChoices: [...levels].sort().map((level) => ({ value: level, text: level })),
    filters: { term: filters.term ? termLabel(filters.term) : 'All terms', level: filters.level ?? 'All levels' },
  };
}

const sumOf = (rows: Map<string, Totals>, field: keyof Totals) => [...rows.values()].reduce((sum, row) => sum + row[field], 0);
const byCount = (entries: (readonly [string, Totals])[]) => [...entries].sort(([, a], [, b]) => b.commissions - a.commissions);

function gapsTable(gaps: CoverageGap[]): ReportTable {
  return {
    slug: 'coverage-gaps',
    caption: 'Coverage gaps: needs of schools at supported levels with no provider with days available in that area',
    header: ['Need', 'Area of support', 'Schools'],
    numeric: [false, false, true],
    rows: gaps.map((gap) => [gap.need, gap.category, gap.schools]),
  };
}

function countTable(slug: string, caption: string, first: string, entries: readonly (readonly [string, Totals])[], withSpend: boolean): ReportTable {
  return {
    slug,
    caption,
    header: [first, 'Commissions', 'Days', ...(withSpend ? ['Spend'] : [])],
    numeric: [false, true, true, ...(withSpend ? [true] : [])],
    rows: entries.map(([key, row]) => [key, row.commissions, row.days, ...(withSpend ? [formatPounds(row.cost)] : [])]),
  };
}

function ratingTable(slug: string, caption: string, first: string, rows: RatingRow[]): ReportTable {
  const average = (row: RatingRow, rating: (typeof RATINGS)[number]) => row[rating] / row.responses;
  return {
    slug,
    caption,
    header: [first, 'Responses', 'Quality', 'Impact', 'Value for money', 'Would recommend', 'Overall'],
    numeric: [false, true, true, true, true, true, true],
    rows: rows
      .map((row) => {
        const averages = RATINGS.map((rating) => average(row, rating));
        const overall = averages.reduce((sum, value) => sum + value, 0) / averages.length;
        return { row, averages, overall };
      })
      .sort((a, b) => a.overall - b.overall)
      .map(({ row, averages, overall }) => [row._id, row.responses, ...averages.map((value) => value.toFixed(1)), overall.toFixed(1)]),
  };
}
