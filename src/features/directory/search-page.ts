import { plural } from '../../lib/format';
import { MAX_QUERY_CHARACTERS } from '../../lib/search-text';
import { paths } from '../../paths';
import { FILTER_NAMES, FILTERS, SORTS, SORT_LABELS } from './directory-filters';
import type { DistanceQuery, SearchQuery } from './directory.schemas';
import type { FacetOption, SearchOutcome } from './directory.service';
import { WITHIN_MILES } from './provider-distance';
import type { SearchOrigin } from './search-origin';

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
  if (state.from) params.set('from', state.from);
  if (state.within !== null) params.set('within', String(state.within));
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.page && state.page > 1) params.set('page', String(state.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

type Checkbox = { value: string; text: string };
const checkboxes = (options: FacetOption[]): Checkbox[] => options.map((option) => ({ value: option.value, text: `${option.text} (${option.count})` }));

/**
 * The distance fields of the search and search-by-need pages: the school to measure from (a SIP's caseload
 * as a list, which also holds a school asked for from outside it; otherwise a box for a URN or name) and the
 * distance limit.
 */
export function distanceFields(place: SearchOrigin, within: DistanceQuery['within']) {
  const { choice, origin } = place;
  const withinItems = [{ value: '', text: 'Any distance' }, ...WITHIN_MILES.map((miles) => ({ value: String(miles), text: `Within ${miles} miles` }))];
  const withinValue = within === null ? '' : String(within);
  if (choice.by === 'caseload') {
    const schools = origin && !choice.schools.some((school) => school.urn === origin.urn) ? [...choice.schools, origin] : choice.schools;
    return { by: 'caseload' as const, items: schools.map((school) => ({ value: school.urn, text: school.name })), value: origin?.urn ?? '', withinItems, within: withinValue };
  }
  const hint = choice.ownSchool
    ? `Its URN or full name. Leave empty for your school, ${choice.ownSchool.name}.`
    : 'Its URN (for example 100000) or its full name';
  return { by: 'urn-or-name' as const, hint, value: place.typed, withinItems, within: withinValue };
}

/** " within 5 miles of Oakfield Primary School", when the search is limited to a distance. */
function reachText(outcome: Pick<SearchOutcome, 'distance'>): string {
  const distance = outcome.distance;
  return distance?.within ? ` within ${distance.within} miles of ${distance.origin.name}` : '';
}

/** The line under the results saying what the distances are. */
export function distanceNote(outcome: Pick<SearchOutcome, 'distance'>): string | null {
  const origin = outcome.distance?.origin;
  return origin
    ? `Distances are straight-line distances from ${origin.name}, measured between schools’ locations in GIAS (Get Information about Schools), not by road. Providers with no single base, such as the LA’s own teams, are included at any distance and listed after those with one.`
    : null;
}

/** What the search page shows: the outcome shaped for the template, with every link carrying the state. */
export function searchPageModel(outcome: SearchOutcome, place: SearchOrigin, within: DistanceQuery['within']) {
  const state = { q: outcome.q, ...outcome.filters, sort: outcome.sort, from: outcome.distance?.origin.urn ?? place.typed, within };
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
    heading: (outcome.total === 0 ? 'No providers found' : `${plural(outcome.total, 'provider')} found`) + reachText(outcome),
    filterGroups,
    sortOptions: SORTS.map((sort) => ({ value: sort, text: SORT_LABELS[sort] })),
    distance: distanceFields(place, within),
    distanceNote: distanceNote(outcome),
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
