import type { ProviderType } from '../listings/listing-vocabulary';
import { capacityDaysPerYear, hasCapacity, type DirectoryDocument } from './directory-document';
import { byDistance, type ProviderDistance } from './provider-distance';

/**
 * Every filter of the search page, declared once: what it reads from a listing (its index field), what a
 * query string may hold for it (`choices`, checked by directory.schemas.ts and against the index by the
 * service), its title and the words of its option or its match reason on the page. The page's filter groups,
 * their order, the facet counts, the query string and the match reasons all come from this table, so adding a
 * filter is one entry here (and, for a new kind of `choices`, its schema and labels). Within a filter, any
 * chosen value matches; across filters, all must.
 */
type FilterDeclaration =
  | {
      kind: 'many';
      title: string;
      /** How a match reason names the filter ("Expertise: Mathematics and numeracy"). */
      reason: string;
      /** Provider types; terms of the taxonomy list of the filter's own name; areas some provider serves. */
      choices: 'providerTypes' | 'terms' | 'areasServed';
      valuesOf(document: DirectoryDocument): readonly string[];
    }
  | { kind: 'yes'; title: string; /** The one checkbox's words, also the match reason. */ option: string; valuesOf(document: DirectoryDocument): readonly string[] };

const YES: readonly string[] = ['yes'];
const NONE: readonly string[] = [];

export const FILTERS = {
  type: { kind: 'many', title: 'Type of provider', reason: 'Type', choices: 'providerTypes', valuesOf: (document) => [document.providerType] },
  category: { kind: 'many', title: 'Area of expertise', reason: 'Expertise', choices: 'terms', valuesOf: (document) => document.expertise },
  phase: { kind: 'many', title: 'Phase', reason: 'Phase', choices: 'terms', valuesOf: (document) => document.phases },
  subject: { kind: 'many', title: 'Subject', reason: 'Subject', choices: 'terms', valuesOf: (document) => document.subjects },
  context: { kind: 'many', title: 'School context', reason: 'Context', choices: 'terms', valuesOf: (document) => document.contexts },
  area: { kind: 'many', title: 'Area served', reason: 'Area', choices: 'areasServed', valuesOf: (document) => document.areas },
  capacity: { kind: 'yes', title: 'Availability', option: 'Has days available', valuesOf: (document) => (hasCapacity(document) ? YES : NONE) },
  funded: { kind: 'yes', title: 'Funding', option: 'Funded by the LA', valuesOf: (document) => (document.fundedByLa ? YES : NONE) },
} as const satisfies Record<string, FilterDeclaration>;

export type FilterName = keyof typeof FILTERS;
export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];
/** Filters holding several values (checkboxes of choices), and filters that are one "yes" checkbox. */
export type ManyFilterName = { [K in FilterName]: (typeof FILTERS)[K]['kind'] extends 'many' ? K : never }[FilterName];
export type YesFilterName = Exclude<FilterName, ManyFilterName>;
/** The filters of the taxonomy lists of their own names. */
export type TermFilterName = { [K in FilterName]: (typeof FILTERS)[K] extends { choices: 'terms' } ? K : never }[FilterName];

/** The filters of a search, as chosen. */
export type DirectoryFilters = { [K in ManyFilterName]: K extends 'type' ? ProviderType[] : string[] } & { [K in YesFilterName]: boolean };

export const NO_FILTERS = Object.fromEntries(FILTER_NAMES.map((name) => [name, FILTERS[name].kind === 'many' ? [] : false])) as unknown as DirectoryFilters;

/** What each filter value reads from a document (listing fields already hold resolved, distinct slugs). */
function valuesOf(document: DirectoryDocument, filter: FilterName): readonly string[] {
  return FILTERS[filter].valuesOf(document);
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

export const SORTS = ['relevance', 'distance', 'capacity', 'name', 'rate'] as const;
export type Sort = (typeof SORTS)[number];

export const SORT_LABELS: Record<Sort, string> = {
  relevance: 'Best match',
  distance: 'Nearest first',
  capacity: 'Most days available',
  name: 'Name (A to Z)',
  rate: 'Lowest daily rate',
};

/** A result with its score, and its distance from the school the search measures from, if it does. */
type Ranked = { document: DirectoryDocument; score: number; distance?: ProviderDistance };

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

/** Without a place to measure from there are no distances, and nearest first is best match. */
const nearest = (a: Ranked, b: Ranked) => (a.distance && b.distance ? byDistance(a.distance, b.distance) : 0);

const ORDERS: Record<Sort, ((a: Ranked, b: Ranked) => number)[]> = {
  // Relevance, then impact, then capacity, as the directory promises.
  relevance: [(a, b) => b.score - a.score, byImpact, byCapacity, byName],
  distance: [nearest, (a, b) => b.score - a.score, byImpact, byCapacity, byName],
  capacity: [byCapacity, (a, b) => b.score - a.score, byName],
  name: [byName],
  rate: [byRate, (a, b) => b.score - a.score, byName],
};

const comparatorOf = (sort: Sort) => {
  const comparators = ORDERS[sort];
  return (a: Ranked, b: Ranked) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
};

export function sortResults<T extends Ranked>(items: T[], sort: Sort): T[] {
  return items.sort(comparatorOf(sort));
}

/**
 * The first `count` items in the order of `sort`, as sortResults(items).slice(0, count) gives them (ties in
 * their original order), without sorting the rest: a page of 20 from thousands of matches compares each
 * match with the page kept so far instead of sorting them all.
 */
export function firstInOrder<T extends Ranked>(items: readonly T[], sort: Sort, count: number): T[] {
  if (count * 2 >= items.length) return sortResults([...items], sort).slice(0, count);
  const compare = comparatorOf(sort);
  const kept: T[] = [];
  for (const item of items) {
    if (kept.length === count && compare(item, kept[count - 1]!) >= 0) continue;
    // After every kept item it does not come before, so equal items stay in their original order.
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(item, kept[middle]!) < 0) high = middle;
      else low = middle + 1;
    }
    kept.splice(low, 0, item);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

export const PAGE_SIZE = 20;

/** One page of the items in the order of `sort` (the last page when asked for one beyond it). */
export function sortedPage<T extends Ranked>(items: readonly T[], sort: Sort, page: number, size = PAGE_SIZE): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: firstInOrder(items, sort, current * size).slice((current - 1) * size), page: current, pages };
}
