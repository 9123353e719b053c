import type { DirectoryService } from '../directory/directory.service';
import { coverageGaps, type CoverageGap } from './coverage-gaps';
import { termFromKey } from '../../lib/academic-calendar';
import { formatPounds } from '../../lib/format';
import { NotAllowedError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { FUNDING_LABELS, ROUTE_LABELS, type CommissionRoute, type FundingSource } from '../commissions/commission-vocabulary';
import { canSeeCommissionReports } from '../commissions/commission-access';
import { schoolsInSipCaseload } from '../schools/sip-caseload';
import { RATINGS } from '../commissions/feedback/ratings';
import { PROVIDER_TYPE_LABELS, type ProviderType } from '../listings/listing-vocabulary';
import { resolveTerms } from '../taxonomy/taxonomy.service';
import { foldPendingFigures } from '../commissions/figures/figure-folding';
import { readFigures } from '../commissions/figures/figure-reading';
import { summariseFigures, type RatingTotals, type ReportFilters, type Totals } from './figures-summary';
import type { Types } from 'mongoose';
import { completedSupport } from '../commissions/plan-support';
import { supportHistoriesOf } from '../schools/school-reads';
import { currentScheme } from '../schools/support-scheme.service';
import { MOVED_UP_TERMS, movedUpByProvider, movedUpPercent, SHARE_FROM, type ProviderMovement } from './moved-up';

export type { ReportFilters } from './figures-summary';

/**
 * A report adds up the pending deltas itself (cheap); only this many make it fold them first. The app
 * folds every five minutes anyway (figure-folding.ts), so this matters only where that timer does not run.
 */
const FOLD_ON_READ_FROM = 1_000;

/**
 * rows are shown on the page; csv, when given, is what the download holds instead: money as a plain
 * number of pounds in a column that says so, for a spreadsheet to add up.
 */
export type ReportTable = { slug: string; caption: string; header: string[]; numeric: boolean[]; rows: (string | number)[][]; csv?: { header: string[]; rows: (string | number)[][] } };
export type Report = Awaited<ReturnType<typeof commissionReport>>;

/** Re-keys totals by their label (one label per key, so nothing merges). */
const labelled = <T>(rows: Map<string, T>, label: (key: string) => string): [string, T][] => [...rows].map(([key, row]) => [label(key), row]);

/**
 * Agreed commissions (accepted onwards) and their ratings, every way the LA reports on, for Traded
 * Services (the whole LA) or a SIP (their caseload). The figures are kept up to date as commissions
 * move (figure-store.ts): a report reads a few documents by `_id`, whatever the number of commissions.
 */
export async function commissionReport(user: SessionUser, filters: ReportFilters, directory: DirectoryService) {
  if (!canSeeCommissionReports(user)) throw new NotAllowedError();
  const caseload = user.role === 'sip' ? await schoolsInSipCaseload(user.id) : undefined;
  await foldPendingFigures({ minimum: FOLD_ON_READ_FROM });
  // Independent reads: the database answers them side by side.
  const [figures, gaps, movement] = await Promise.all([
    readFigures({ schools: caseload?.map(String) }),
    coverageGaps({ schoolScope: caseload, directory }),
    levelMovementByProvider(caseload),
  ]);
  const summary = summariseFigures(figures.toRows(), filters);

  const termLabel = (key: string) => termFromKey(key)?.label ?? key;
  const categorySlugs = [...new Set([...summary.byCategory.keys(), ...summary.ratingsByCategory.keys()])];
  const categoryLabels = new Map((await resolveTerms('category', categorySlugs)).map((term) => [term.slug, term.label]));
  const categoryLabel = (slug: string) => categoryLabels.get(slug) ?? slug;
  const trendRows = [...summary.trend].sort(([a], [b]) => a.localeCompare(b)).map(([key, row]) => [termLabel(key), row] as const);
  const categoryRows = byCount(labelled(summary.byCategory, categoryLabel));

  const tables: ReportTable[] = [
    countTable('terms', 'Commissions per term', 'Term', trendRows, true),
    countTable('categories', 'Commissions by area of support', 'Area of support', categoryRows, false),
    countTable('provider-types', 'Commissions by provider type', 'Provider type', byCount(labelled(summary.byType, (key) => PROVIDER_TYPE_LABELS[key as ProviderType] ?? key)), true),
    countTable('routes', 'Commissions by route', 'Route', byCount(labelled(summary.byRoute, (key) => ROUTE_LABELS[key as CommissionRoute] ?? key)), false),
    countTable('funding', 'Spend by funding', 'Funding', byCount(labelled(summary.byFunding, (key) => FUNDING_LABELS[key as FundingSource] ?? key)), true),
    countTable('levels', 'Commissions by school support level', 'Support level', byCount([...summary.byLevel]), true),
    ratingTable('ratings-by-provider', 'Impact ratings by provider', 'Provider', [...summary.ratingsByProvider]),
    ratingTable('ratings-by-category', 'Impact ratings by area of support', 'Area of support', labelled(summary.ratingsByCategory, categoryLabel)),
    gapsTable(gaps),
    movedUpTable(movement),
  ];
  const funding = [...summary.byFunding.values()];
  return {
    tables,
    headline: { commissions: sumOf(funding, 'commissions'), days: sumOf(funding, 'days'), spend: formatPounds(sumOf(funding, 'cost')) },
    charts: {
      categories: categoryRows.map(([label, row]) => ({ label, value: row.commissions })),
      trend: trendRows.map(([label, row]) => ({ label, value: row.commissions })),
    },
    termChoices: summary.terms.map((key) => ({ value: key, text: termLabel(key) })),
    levelChoices: summary.levels.map((level) => ({ value: level, text: level })),
    filters: { term: filters.term ? termLabel(filters.term) : 'All terms', level: filters.level ?? 'All levels' },
  };
}

const sumOf = (rows: Totals[], field: keyof Totals) => rows.reduce((sum, row) => sum + row[field], 0);
/** Most commissions first; equal counts in label order, so a table always lists the same way. */
const byCount = (entries: (readonly [string, Totals])[]) => [...entries].sort(([labelA, a], [labelB, b]) => b.commissions - a.commissions || labelA.localeCompare(labelB));

/** Completed support and the supported schools' level histories, read and folded into the figure per provider. */
async function levelMovementByProvider(schoolScope: Types.ObjectId[] | undefined): Promise<ProviderMovement[]> {
  const episodes = await completedSupport(schoolScope);
  if (episodes.length === 0) return [];
  const [histories, scheme] = await Promise.all([supportHistoriesOf([...new Set(episodes.map((episode) => episode.school))]), currentScheme()]);
  const bySchool = new Map(histories.map((support) => [support.school.toString(), support.history.map((decision) => ({ level: decision.level, setAt: decision.setAt }))]));
  return movedUpByProvider(episodes, bySchool, (scheme?.levels ?? []).map((level) => level.code), new Date());
}

function movedUpTable(rows: ProviderMovement[]): ReportTable {
  const percent = (row: ProviderMovement) => movedUpPercent(row.movedUp, row.supported);
  return {
    slug: 'moved-up',
    caption: `Schools supported that moved up a support level within ${MOVED_UP_TERMS} terms of the support, by provider (a share only of ${SHARE_FROM} schools or more)`,
    header: ['Provider', 'Schools supported', `Moved up a level within ${MOVED_UP_TERMS} terms`, 'Share', `Still within ${MOVED_UP_TERMS} terms`],
    numeric: [false, true, true, true, true],
    rows: rows.map((row) => [row.listingName, row.supported, row.movedUp, percent(row) === undefined ? 'Too few to show' : `${percent(row)}%`, row.waiting]),
    csv: {
      header: ['Provider', 'Schools supported', `Moved up a level within ${MOVED_UP_TERMS} terms`, 'Share (%)', `Still within ${MOVED_UP_TERMS} terms`],
      rows: rows.map((row) => [row.listingName, row.supported, row.movedUp, percent(row) ?? '', row.waiting]),
    },
  };
}

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
    csv: {
      header: [first, 'Commissions', 'Days', ...(withSpend ? ['Spend (£)'] : [])],
      rows: entries.map(([key, row]) => [key, row.commissions, row.days, ...(withSpend ? [Math.round(row.cost) / 100] : [])]),
    },
  };
}

/** Lowest-rated first, so what needs attention leads. */
function ratingTable(slug: string, caption: string, first: string, rows: [string, RatingTotals][]): ReportTable {
  return {
    slug,
    caption,
    header: [first, 'Responses', 'Quality', 'Impact', 'Value for money', 'Would recommend', 'Overall'],
    numeric: [false, true, true, true, true, true, true],
    rows: rows
      .map(([label, row]) => {
        const averages = RATINGS.map((rating) => row[rating] / row.responses);
        const overall = averages.reduce((sum, value) => sum + value, 0) / averages.length;
        return { label, row, averages, overall };
      })
      .sort((a, b) => a.overall - b.overall || a.label.localeCompare(b.label))
      .map(({ label, row, averages, overall }) => [label, row.responses, ...averages.map((value) => value.toFixed(1)), overall.toFixed(1)]),
  };
}
