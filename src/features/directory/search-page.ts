import { plural } from '../../lib/format';
import { MAX_QUERY_CHARACTERS } from '../../lib/search-text';
import { paths } from '../../paths';
import { FILTER_NAMES, FILTERS, SORTS, SORT_LABELS } from './directory-filters';
import type { SearchQuery } from './directory.schemas';
import type { FacetOption, SearchOutcome } from './directory.service';

/** The search state as a query string, so any search, page or sort can be bookmarked or sent. */
export function searchQueryString(state: Omit<SearchQuery, 'page'> & { page?: number }): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  // Filters in their declared order: the "many" ones first, then the "yes" ones.
  for (const name of FILTER_NAMES) {
    const value = state[name];
    if (typeof value === 'boolean') {
      if (value) params.set(name, 'yes');
    } else {
      for (const each of value) params.append(name, each);
    }
  }
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.page && state.page > 1) params.set('page', String(state.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

type Checkbox = { value: string; text: string };
const checkboxes = (options: FacetOption[]): Checkbox[] => options.map((option) => ({ value: option.value, text: `${option.text} (${option.count})` }));

/** What the search page shows: the outcome shaped for the template, with every link carrying the state. */
export function searchPageModel(outcome: SearchOutcome) {
  const state = { q: outcome.q, ...outcome.filters, sort: outcome.sort };
  const href = (page: number) => paths.directory.search + searchQueryString({ ...state, page });
  const filterGroups = FILTER_NAMES.map((name) => {
    const filter = FILTERS[name];
    const facet = outcome.facets[name];
    const chosen = outcome.filters[name];
    return filter.kind === 'many'
      ? { name, title: filter.title, options: checkboxes(facet as FacetOption[]), selected: chosen as string[] }
      : { name, title: filter.title, options: [{ value: 'yes', text: `${filter.option} (${facet as number})` }], selected: chosen ? ['yes'] : [] };
  }).filter((group) => group.options.length > 0);

  return {
    search: outcome,
    /** The limit the search applies (lib/search-text), so the page states the same number. */
    maxQueryCharacters: MAX_QUERY_CHARACTERS,
    heading: outcome.total === 0 ? 'No providers found' : `${plural(outcome.total, 'provider')} found`,
    filterGroups,
    sortOptions: SORTS.map((sort) => ({ value: sort, text: SORT_LABELS[sort] })),
    exportHref: paths.directory.export + searchQueryString({ ...state, page: 1 }),
    suggestHref: outcome.suggestedNeed ? `${paths.directory.suggest}?need=${encodeURIComponent(outcome.suggestedNeed.slug)}` : null,
    pagination: paginationLinks(outcome.page, outcome.pages, href),
  };
}

/** GOV.UK pagination: first, last, and the pages around the current one, with gaps between. */
export function paginationLinks(page: number, pages: number, href: (page: number) => string) {
  if (pages <= 1) return null;
  const numbers = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const links: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  numbers.forEach((number, i) => {
    if (i > 0 && number - numbers[i - 1]! > 1) links.push({ ellipsis: true });
    links.push({ number, href: href(number), current: number === page });
  });
  return {
    previous: page > 1 ? href(page - 1) : null,
    next: page < pages ? href(page + 1) : null,
    links,
  };
}
