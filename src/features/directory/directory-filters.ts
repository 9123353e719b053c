import type { ProviderType } from '../listings/listing-vocabulary';
import { capacityDaysPerYear, hasCapacity, type DirectoryDocument } from './directory-document';

/** The filters of the search page. Within a filter, any chosen value matches; across filters, all must. */
export type DirectoryFilters = {
  type: ProviderType[];
  category: string[];
  phase: string[];
  subject: string[];
  context: string[];
  area: string[];
  capacity: boolean;
  funded: boolean;
};

export const FILTER_NAMES = ['type', 'category', 'phase', 'subject', 'context', 'area', 'capacity', 'funded'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export const NO_FILTERS: DirectoryFilters = { type: [], category: [], phase: [], subject: [], context: [], area: [], capacity: false, funded: false };

const YES: readonly string[] = ['yes'];
const NONE: readonly string[] = [];

/** What each filter value reads from a document (listing fields already hold resolved, distinct slugs). */
function valuesOf(document: DirectoryDocument, filter: FilterName): readonly string[] {
  switch (filter) {
    case 'type':
      return [document.providerType];
    case 'category':
      return document.expertise;
    case 'phase':
      return document.phases;
    case 'subject':
      return document.subjects;
    case 'context':
      return document.contexts;
    case 'area':
      return document.areas;
    case 'capacity':
      return hasCapacity(document) ? YES : NONE;
    case 'funded':
      return document.fundedByLa ? YES : NONE;
  }
}

function chosen(filters: DirectoryFilters, filter: FilterName): readonly string[] {
  const value = filters[filter];
  if (typeof value === 'boolean') return value ? YES : NONE;
  return value;
}

function passesFilter(document: DirectoryDocument, filters: DirectoryFilters, filter: FilterName): boolean {
  const wanted = chosen(filters, filter);
  if (wanted.length === 0) return true;
  const values = valuesOf(document, filter);
  return wanted.some((value) => values.includes(value));
}

function passes(document: DirectoryDocument, filters: DirectoryFilters): boolean {
  return FILTER_NAMES.every((filter) => passesFilter(document, filters, filter));
}

export function applyFilters<T extends { document: DirectoryDocument }>(items: readonly T[], filters: DirectoryFilters): T[] {
  return items.filter((item) => passes(item.document, filters));
}

export type FacetCounts = Record<FilterName, Map<string, number>>;

/**
 * For each filter, how many results each of its values would give with the other filters as they
 * are (so ticking another phase shows what it would add, not zero).
 */
export function facetCounts(items: readonly { document: DirectoryDocument }[], filters: DirectoryFilters): FacetCounts {
  const counts = Object.fromEntries(FILTER_NAMES.map((filter) => [filter, new Map<string, number>()])) as FacetCounts;
  const active = FILTER_NAMES.filter((filter) => chosen(filters, filter).length > 0);
  for (const { document } of items) {
    // Passing every filter, a document counts for every filter's values; failing one, only for that one's.
    let failed: FilterName | undefined;
    let failures = 0;
    for (const filter of active) {
      if (!passesFilter(document, filters, filter)) {
        failed = filter;
        if (++failures > 1) break;
      }
    }
    const countsFor = failures === 0 ? FILTER_NAMES : failures === 1 ? [failed!] : [];
    for (const filter of countsFor) {
      const counted = counts[filter];
      for (const value of valuesOf(document, filter)) counted.set(value, (counted.get(value) ?? 0) + 1);
    }
  }
  return counts;
}

export const SORTS = ['relevance', 'capacity', 'name', 'rate'] as const;
export type Sort = (typeof SORTS)[number];

export const SORT_LABELS: Record<Sort, string> = {
  relevance: 'Best match',
  capacity: 'Most days available',
  name: 'Name (A to Z)',
  rate: 'Lowest daily rate',
};

type Ranked = { document: DirectoryDocument; score: number };

const collator = new Intl.Collator('en-GB');
const byName = (a: Ranked, b: Ranked) => collator.compare(a.document.name, b.document.name);
/** Known impact first, higher first; absent (not yet rated) after every known rating. */
const byImpact = (a: Ranked, b: Ranked) => (b.document.impact?.score ?? -Infinity) - (a.document.impact?.score ?? -Infinity) || 0;
const byCapacity = (a: Ranked, b: Ranked) => capacityDaysPerYear(b.document) - capacityDaysPerYear(a.document);
/** LA-funded costs the school nothing, so it comes first; an unknown rate comes last. */
const costToSchool = (document: DirectoryDocument) => (document.fundedByLa ? 0 : (document.dailyRatePence ?? Infinity));
const byRate = (a: Ranked, b: Ranked) => {
  const difference = costToSchool(a.document) - costToSchool(b.document);
  return Number.isNaN(difference) ? 0 : difference;
};

const ORDERS: Record<Sort, ((a: Ranked, b: Ranked) => number)[]> = {
  // Relevance, then impact, then capacity, as the directory promises.
  relevance: [(a, b) => b.score - a.score, byImpact, byCapacity, byName],
  capacity: [byCapacity, (a, b) => b.score - a.score, byName],
  name: [byName],
  rate: [byRate, (a, b) => b.score - a.score, byName],
};

export function sortResults<T extends Ranked>(items: T[], sort: Sort): T[] {
  const comparators = ORDERS[sort];
  return items.sort((a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  });
}

export const PAGE_SIZE = 20;

export function paginate<T>(items: readonly T[], page: number, size = PAGE_SIZE): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages };
}
