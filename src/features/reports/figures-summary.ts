import { RATINGS, type Rating } from '../commissions/feedback/ratings';
import type { FigureRow } from '../commissions/figures/figure-table';

export type ReportFilters = { term?: string; level?: string };
export type Totals = { commissions: number; days: number; cost: number };
export type RatingTotals = { responses: number } & Record<Rating, number>;

/** How a commission with no support level recorded is shown and filtered. */
export const NO_LEVEL = 'Not recorded';

export type FiguresSummary = {
  /** Terms and levels with agreed commissions, whatever the filters (the filter choices). */
  terms: string[];
  levels: string[];
  /** Per term, for the level filter only. */
  trend: Map<string, Totals>;
  /** For both filters, by raw key (provider type, route, funding, level, category slug). */
  byType: Map<string, Totals>;
  byRoute: Map<string, Totals>;
  byFunding: Map<string, Totals>;
  byLevel: Map<string, Totals>;
  byCategory: Map<string, Totals>;
  /** For both filters, by listing name and by category slug. */
  ratingsByProvider: Map<string, RatingTotals>;
  ratingsByCategory: Map<string, RatingTotals>;
};

const addTotals = (into: Map<string, Totals>, key: string, [commissions = 0, days = 0, cost = 0]: number[]) => {
  const totals = into.get(key) ?? { commissions: 0, days: 0, cost: 0 };
  into.set(key, { commissions: totals.commissions + commissions, days: totals.days + days, cost: totals.cost + cost });
};

const addRatings = (into: Map<string, RatingTotals>, key: string, [responses = 0, ...sums]: number[]) => {
  const totals = into.get(key) ?? { responses: 0, quality: 0, impact: 0, value: 0, recommend: 0 };
  totals.responses += responses;
  RATINGS.forEach((rating, index) => (totals[rating] += sums[index] ?? 0));
  into.set(key, totals);
};

/** Adds up figure rows the way the report shows them, for the chosen term and level. */
export function summariseFigures(rows: Iterable<FigureRow>, filters: ReportFilters): FiguresSummary {
  const summary: FiguresSummary = {
    terms: [],
    levels: [],
    trend: new Map(),
    byType: new Map(),
    byRoute: new Map(),
    byFunding: new Map(),
    byLevel: new Map(),
    byCategory: new Map(),
    ratingsByProvider: new Map(),
    ratingsByCategory: new Map(),
  };
  const terms = new Set<string>();
  const levels = new Set<string>();
  for (const [term, recordedLevel, dimension, key, ...measures] of rows) {
    const level = recordedLevel ?? NO_LEVEL;
    const levelMatches = !filters.level || level === filters.level;
    if (dimension === 'funding') {
      terms.add(term);
      levels.add(level);
      if (levelMatches) addTotals(summary.trend, term, measures);
    }
    if (!levelMatches || (filters.term && term !== filters.term)) continue;
    switch (dimension) {
      case 'providerType':
        addTotals(summary.byType, key, measures);
        break;
      case 'route':
        addTotals(summary.byRoute, key, measures);
        break;
      case 'funding':
        addTotals(summary.byFunding, key, measures);
        addTotals(summary.byLevel, level, measures);
        break;
      case 'category':
        addTotals(summary.byCategory, key, measures);
        break;
      case 'provider':
        addRatings(summary.ratingsByProvider, key, measures);
        break;
      case 'ratedCategory':
        addRatings(summary.ratingsByCategory, key, measures);
        break;
    }
  }
  summary.terms = [...terms].sort();
  summary.levels = [...levels].sort();
  return summary;
}
