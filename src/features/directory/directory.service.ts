import { LRUCache } from 'lru-cache';
import { isListedInDirectory } from '../listings/listing-visibility';
import { PROVIDER_TYPE_LABELS, PROVIDER_TYPES } from '../listings/listing-vocabulary';
import type { TaxonomySnapshot, TermRecord } from '../taxonomy/taxonomy-snapshot';
import type { TermKind } from '../taxonomy/term-kinds';
import { hasCapacity, type DirectoryDocument } from './directory-document';
import {
  applyFilters,
  facetCounts,
  firstInOrder,
  sortedPage,
  FILTER_NAMES,
  FILTERS,
  type DirectoryFilters,
  type FacetCounts,
  type ManyFilterName,
  type Sort,
  type TermFilterName,
  type YesFilterName,
} from './directory-filters';
import type { DirectoryIndex, TextHit } from './directory-index';
import type { DirectoryIndexKeeper } from './directory-index-keeper';
import { needsMatching } from './need-matching';
import { understandQuery } from './query-understanding';
import { filterReasons, matchReasons, toResultView, type ResultView } from './result-view';
import { distanceOf, distanceView, isWithin, type DistanceRequest, type ProviderDistance } from './provider-distance';
import { MAX_QUERY_CHARACTERS } from '../../lib/search-text';

/** Where the service gets the current index: the keeper in the app, an index built in memory in unit tests. */
export type DirectorySource = Pick<DirectoryIndexKeeper, 'current' | 'now' | 'graceDays'>;

/** distance: the school to measure from and how far to reach, or null for no distances. */
export type SearchRequest = { q: string; filters: DirectoryFilters; sort: Sort; page: number; distance?: DistanceRequest | null };

export type FacetOption = { value: string; text: string; count: number };
/** Per filter (FILTERS): each choice with how many results it would give; for a "yes" filter, that count. */
export type Facets = Record<ManyFilterName, FacetOption[]> & Record<YesFilterName, number>;

export type SearchOutcome = {
  q: string;
  /** Only the first MAX_QUERY_CHARACTERS of a longer query were searched. */
  truncated: boolean;
  /** How the words were understood: "numeracy" → Mathematics and numeracy, Mathematics. */
  understood: { phrase: string; meanings: string[] }[];
  /** No provider matched every word, so these match some of them. */
  relaxed: boolean;
  /** A need that the words seem to describe, for a link to search by need. */
  suggestedNeed: { slug: string; label: string } | null;
  filters: DirectoryFilters;
  sort: Sort;
  distance: DistanceRequest | null;
  total: number;
  page: number;
  pages: number;
  results: ResultView[];
  facets: Facets;
};

export type SuggestRequest = {
  needSlugs: readonly string[];
  freeText?: string;
  phase?: string;
  limit?: number;
  distance?: DistanceRequest | null;
  sort?: 'relevance' | 'distance';
};

export type Suggestion = ResultView & { score: number };

export type SuggestOutcome = {
  needs: { slug: string; label: string; categories: string[] }[];
  phase: { slug: string; label: string } | null;
  results: Suggestion[];
};

type Ranked = { document: DirectoryDocument; score: number; hit?: TextHit; distance?: ProviderDistance };
type TextMatches = { ranked: Ranked[]; units: ReturnType<typeof understandQuery>; relaxed: boolean };

const MAX_EXPORT_ROWS = 5_000;
const byName = new Intl.Collator('en-GB');

/** What a suggestion matched: the needs it covers (and whether its type suits each), its text hit, phase and days. */
type SuggestionGrounds = { needs: { need: TermRecord; covered: string[]; suitedType: boolean }[]; hit: TextHit | undefined; inPhase: boolean; hasDays: boolean };

/** Finding providers: search with filters and facets, suggestions for a school's needs, print and export lists. */
export class DirectoryService {
  /**
   * Recent search pages, for the same search asked again (paging back, a common need on many visits).
   * Only pages of the index as it is now: any change to the directory empties it. A page goes when its
   * half minute is up (which bounds how long a listing passing its review date can linger), not when 500
   * newer ones push it out: a stale page can never be served again, and at national scale each is about
   * 25 KB, so left in place they filled the heap for as long as the cache took to reach its limit.
   */
  private readonly recentSearches = new LRUCache<string, SearchOutcome>({ max: 500, ttl: 30_000, ttlAutopurge: true });
  /**
   * What recent words matched, for the same words searched again with other filters, another sort, page or
   * school to measure from (each a search of its own above): matching the words is half a search's work.
   * Bounded by the matches held (a common word matches thousands), and emptied with the searches.
   */
  private readonly recentTextMatches = new LRUCache<string, TextMatches>({ max: 500, maxSize: 200_000, sizeCalculation: (matches) => 1 + matches.ranked.length, ttl: 30_000, ttlAutopurge: true });
  private readonly recentTextHits = new LRUCache<string, Map<string, TextHit>>({ max: 500, maxSize: 200_000, sizeCalculation: (hits) => 1 + hits.size, ttl: 30_000, ttlAutopurge: true });
  /** Recent suggestions, as recentSearches: for a school's page visited again, or another with the same needs and phase. */
  private readonly recentSuggestions = new LRUCache<string, SuggestOutcome>({ max: 500, ttl: 30_000, ttlAutopurge: true });
  private recentVersion: number | undefined;

  constructor(private readonly keeper: DirectorySource) {}

  /** Every provider listed in the directory now (published, not suspended, within its review date). */
  async listedProviders(): Promise<DirectoryDocument[]> {
    const index = await this.keeper.current();
    const now = this.keeper.now();
    return [...index.documents()].filter((document) => isListedInDirectory(document, now, this.keeper.graceDays));
  }

  /** The current index, with what was remembered of an earlier one forgotten. */
  private async currentIndex(): Promise<DirectoryIndex> {
    const index = await this.keeper.current();
    if (index.version !== this.recentVersion) {
      this.recentSearches.clear();
      this.recentSuggestions.clear();
      this.recentTextMatches.clear();
      this.recentTextHits.clear();
      this.recentVersion = index.version;
    }
    return index;
  }

  async search(request: SearchRequest): Promise<SearchOutcome> {
    const index = await this.currentIndex();
    const outcome = this.keptAcrossSchools(this.recentSearches, index, request, (shared) => this.searchIndex(index, shared));
    return request.distance ? { ...outcome, distance: request.distance } : outcome;
  }

  /**
   * A search's or suggestion's outcome, kept for half a minute. Which providers come out, in what order,
   * depends on the school measured from only with a distance limit or nearest first; otherwise it is worked
   * out (and kept) without the school and only the results shown are measured from it, so the same words,
   * needs and filters asked from another school share the work.
   */
  private keptAcrossSchools<R extends { distance?: DistanceRequest | null; sort?: Sort }, O extends { results: ResultView[] }>(
    kept: LRUCache<string, O>,
    index: DirectoryIndex,
    request: R,
    work: (request: R) => O,
  ): O {
    const distance = request.distance ?? null;
    const placeDecides = distance !== null && placeDecidesResults(distance, request.sort ?? 'relevance');
    const shared = placeDecides ? request : ({ ...request, distance: null } as R);
    const key = JSON.stringify(shared);
    let outcome = kept.get(key);
    if (!outcome) kept.set(key, (outcome = work(shared)));
    return distance && !placeDecides ? { ...outcome, results: measuredFrom(outcome.results, distance, index) } : outcome;
  }

  private searchIndex(index: DirectoryIndex, request: SearchRequest): SearchOutcome {
    const { taxonomy } = index;
    const filters = knownFilters(request.filters, index);
    const { ranked, units, relaxed } = this.textMatches(index, request.q);
    const distance = request.distance ?? null;
    const reachable = withinReach(ranked, distance, index);
    const facets = facetCounts(reachable, filters);
    const matching = applyFilters(reachable, filters);
    const { items, page, pages } = sortedPage(matching, request.sort, request.page);
    const exactNeed = units.some((unit) => unit.kind === 'terms' && unit.terms.some((term) => term.kind === 'need'));
    const need = request.q && !exactNeed ? needsMatching(request.q, taxonomy)[0] : undefined;
    return {
      q: request.q,
      truncated: request.q.length > MAX_QUERY_CHARACTERS,
      understood: units.flatMap((unit) =>
        unit.kind === 'terms' ? [{ phrase: unit.phrase, meanings: [...new Set(unit.terms.map((term) => taxonomy.label(term.kind, term.slug)))] }] : [],
      ),
      relaxed,
      suggestedNeed: need ? { slug: need.slug, label: need.label } : null,
      filters,
      sort: request.sort,
      distance,
      total: matching.length,
      page,
      pages,
      results: items.map((item) => this.view(item, filters, taxonomy, distance)),
      facets: facetOptions(facets, filters, taxonomy),
    };
  }

  /** Every result of a search in order (up to MAX_EXPORT_ROWS), for CSV export. */
  async searchAll(request: Omit<SearchRequest, 'page'>): Promise<ResultView[]> {
    const index = await this.currentIndex();
    const filters = knownFilters(request.filters, index);
    const { ranked } = this.textMatches(index, request.q);
    const distance = request.distance ?? null;
    return firstInOrder(applyFilters(withinReach(ranked, distance, index), filters), request.sort, MAX_EXPORT_ROWS).map((item) => this.view(item, filters, index.taxonomy, distance));
  }

  /**
   * Providers ranked against a school's needs (its priorities, by slug, or in its own words) and its
   * phase: covering more of the needs' categories counts most, then a provider type suited to the
   * need, the right phase, the words themselves, and having days available. Impact will join the
   * ranking when feedback exists (DirectoryDocument.impact). With a school to measure from, each shows
   * its distance, a limit leaves out those further away, and they can be listed nearest first.
   */
  async suggestedSupport(request: SuggestRequest): Promise<SuggestOutcome> {
    const index = await this.currentIndex();
    return this.keptAcrossSchools(this.recentSuggestions, index, request, (shared) => this.suggestFromIndex(index, shared));
  }

  private suggestFromIndex(index: DirectoryIndex, { needSlugs, freeText = '', phase, limit = 20, distance = null, sort = 'relevance' }: SuggestRequest): SuggestOutcome {
    const { taxonomy } = index;
    const needs = uniqueNeeds([
      ...needSlugs.map((slug) => taxonomy.resolve('need', slug)).filter((need): need is TermRecord => need !== undefined),
      ...needsMatching(freeText, taxonomy),
    ]);
    const phaseTerm = phase ? taxonomy.resolve('phase', phase) : undefined;
    const textHits = freeText.trim() ? this.anyWordHits(index, freeText) : new Map<string, TextHit>();
    const bestText = Math.max(0, ...[...textHits.values()].map((hit) => hit.score));
    if (needs.length === 0 && textHits.size === 0) return { needs: [], phase: phaseTerm ? { slug: phaseTerm.slug, label: phaseTerm.label } : null, results: [] };

    // Scored over the whole directory; why each matched is worded only for those shown.
    const suggestions: (Ranked & { why: SuggestionGrounds })[] = [];
    // Only a provider with one of the needs' categories or a text hit can score: the others are passed over
    // before any work (a distance most of all) is done for them.
    const needCategories = new Set(needs.flatMap((need) => need.categories));
    for (const document of this.listed(index)) {
      const hit = textHits.get(document.id);
      if (!hit && !document.expertise.some((category) => needCategories.has(category))) continue;
      if (phaseTerm && document.phases.length > 0 && !document.phases.includes(phaseTerm.slug) && !document.phases.includes('all-through')) continue;
      const away = distance ? distanceOf(document, distance.origin, index.baseGridOf(document)) : undefined;
      if (distance && away && !isWithin(away, distance.within)) continue;
      let score = 0;
      const coveredNeeds: SuggestionGrounds['needs'] = [];
      for (const need of needs) {
        const covered = need.categories.filter((category) => document.expertise.includes(category));
        if (covered.length === 0) continue;
        const suitedType = need.providerTypes.includes(document.providerType);
        score += 10 * covered.length + (suitedType ? 5 : 0);
        coveredNeeds.push({ need, covered, suitedType });
      }
      if (hit) score += (5 * hit.score) / bestText;
      if (score === 0) continue;
      const inPhase = phaseTerm !== undefined && document.phases.includes(phaseTerm.slug);
      if (inPhase) score += 3;
      const hasDays = hasCapacity(document);
      if (hasDays) score += 2;
      suggestions.push({ document, score, distance: away, why: { needs: coveredNeeds, hit, inPhase, hasDays } });
    }
    const reasonsFor = ({ document, why }: (typeof suggestions)[number]) => [
      ...why.needs.flatMap(({ need, covered, suitedType }) => [
        `For “${need.label}”: ${covered.map((slug) => taxonomy.label('category', slug)).join(', ')}`,
        ...(suitedType ? [`${PROVIDER_TYPE_LABELS[document.providerType]}, a type suited to this need`] : []),
      ]),
      ...matchReasons(document, why.hit, taxonomy),
      ...(why.inPhase ? [`Works with ${phaseTerm!.label.toLowerCase()} schools`] : []),
      ...(why.hasDays ? ['Has days available'] : []),
    ];
    return {
      needs: needs.map((need) => ({ slug: need.slug, label: need.label, categories: need.categories.map((slug) => taxonomy.label('category', slug)) })),
      phase: phaseTerm ? { slug: phaseTerm.slug, label: phaseTerm.label } : null,
      results: firstInOrder(suggestions, distance ? sort : 'relevance', limit).map((item) => ({ ...toResultView(item.document, taxonomy, reasonsFor(item), distanceShown(item, distance)), score: item.score })),
    };
  }

  /** The whole directory grouped by category (a provider appears under each of its categories), for print. */
  async byCategory(): Promise<{ total: number; groups: { slug: string; label: string; providers: ResultView[] }[] }> {
    const index = await this.keeper.current();
    const { taxonomy } = index;
    const listed = [...this.listed(index)].sort((a, b) => byName.compare(a.name, b.name));
    const groups = taxonomy
      .active('category')
      .map((category) => ({
        slug: category.slug,
        label: category.label,
        providers: listed.filter((document) => document.expertise.includes(category.slug)).map((document) => toResultView(document, taxonomy)),
      }))
      .filter((group) => group.providers.length > 0);
    return { total: listed.length, groups };
  }

  /** Choices for the search-by-need form: active needs and phases. */
  async needAndPhaseChoices(): Promise<{ needs: { value: string; text: string }[]; phases: { value: string; text: string }[] }> {
    const { taxonomy } = await this.keeper.current();
    const choices = (kind: TermKind) => taxonomy.active(kind).map((term) => ({ value: term.slug, text: term.label }));
    return { needs: choices('need'), phases: choices('phase') };
  }

  /** One listed provider, or undefined when it is not (or no longer) in the directory. */
  async listedProvider(id: string): Promise<ResultView | undefined> {
    const index = await this.keeper.current();
    const document = index.get(id);
    if (!document || !isListedInDirectory(document, this.keeper.now(), this.keeper.graceDays)) return undefined;
    return toResultView(document, index.taxonomy);
  }

  /** Listed providers in the shape of the directory, for the open-data export. */
  async listedDocuments(): Promise<{ documents: DirectoryDocument[]; taxonomy: TaxonomySnapshot }> {
    const index = await this.keeper.current();
    return { documents: [...this.listed(index)], taxonomy: index.taxonomy };
  }

  private *listed(index: DirectoryIndex): Generator<DirectoryDocument> {
    const now = this.keeper.now();
    for (const document of index.documents()) if (isListedInDirectory(document, now, this.keeper.graceDays)) yield document;
  }

  private anyWordHits(index: DirectoryIndex, text: string): Map<string, TextHit> {
    let hits = this.recentTextHits.get(text);
    if (!hits) this.recentTextHits.set(text, (hits = index.search(understandQuery(text, index.taxonomy), 'any')));
    return hits;
  }

  private textMatches(index: DirectoryIndex, q: string): TextMatches {
    let matches = this.recentTextMatches.get(q);
    if (!matches) this.recentTextMatches.set(q, (matches = this.matchText(index, q)));
    return matches;
  }

  /** All listed providers when there is no query; otherwise those matching every word, or failing that any. */
  private matchText(index: DirectoryIndex, q: string): TextMatches {
    const units = understandQuery(q, index.taxonomy);
    if (units.length === 0) return { ranked: [...this.listed(index)].map((document) => ({ document, score: 0 })), units, relaxed: false };
    let hits = index.search(units, 'all');
    let relaxed = false;
    if (hits.size === 0 && units.length > 1) {
      hits = index.search(units, 'any');
      relaxed = hits.size > 0;
    }
    const now = this.keeper.now();
    const ranked: Ranked[] = [];
    for (const [id, hit] of hits) {
      const document = index.get(id);
      if (document && isListedInDirectory(document, now, this.keeper.graceDays)) ranked.push({ document, score: hit.score, hit });
    }
    return { ranked, units, relaxed };
  }

  private view(item: Ranked, filters: DirectoryFilters, taxonomy: TaxonomySnapshot, distance: DistanceRequest | null): ResultView {
    const reasons = [...matchReasons(item.document, item.hit, taxonomy), ...filterReasons(item.document, filters, taxonomy)];
    return toResultView(item.document, taxonomy, reasons, distanceShown(item, distance));
  }
}

/** Each result with its distance from the search's school, keeping those within its limit (all, without a school). */
function withinReach(items: readonly Ranked[], distance: DistanceRequest | null, index: DirectoryIndex): Ranked[] {
  if (!distance) return [...items];
  const reachable: Ranked[] = [];
  for (const item of items) {
    const away = distanceOf(item.document, distance.origin, index.baseGridOf(item.document));
    if (isWithin(away, distance.within)) reachable.push({ ...item, distance: away });
  }
  return reachable;
}

/** A distance limit, or nearest first, decides which providers are shown; otherwise distances are only shown. */
function placeDecidesResults(distance: DistanceRequest, sort: Sort): boolean {
  return distance.within !== null || sort === 'distance';
}

/** Results found without a school to measure from, each measured from this one. */
function measuredFrom<T extends ResultView>(results: readonly T[], distance: DistanceRequest, index: DirectoryIndex): T[] {
  return results.map((result) => {
    const document = index.get(result.id);
    return document ? { ...result, distance: distanceView(distanceOf(document, distance.origin, index.baseGridOf(document)), distance.origin, document.areas) } : result;
  });
}

function distanceShown(item: Ranked, distance: DistanceRequest | null | undefined) {
  return distance && item.distance ? distanceView(item.distance, distance.origin, item.document.areas) : null;
}

function uniqueNeeds(needs: TermRecord[]): TermRecord[] {
  return [...new Map(needs.map((need) => [need.slug, need])).values()];
}

/** Drops filter values nobody could have meant (unknown terms, areas no provider serves); old slugs resolve. */
function knownFilters(filters: DirectoryFilters, index: DirectoryIndex): DirectoryFilters {
  const { taxonomy } = index;
  const areas = index.areas();
  const known: DirectoryFilters = { ...filters };
  for (const name of FILTER_NAMES) {
    const filter = FILTERS[name];
    if (filter.kind !== 'many') continue;
    const chosen = filters[name] as string[];
    if (filter.choices === 'providerTypes') known.type = filters.type.filter((type) => PROVIDER_TYPES.includes(type));
    else if (filter.choices === 'terms') known[name as TermFilterName] = taxonomy.resolveSlugs(name as TermFilterName, chosen);
    else known[name as 'area'] = chosen.filter((area) => areas.has(area));
  }
  return known;
}

function facetOptions(counts: FacetCounts, filters: DirectoryFilters, taxonomy: TaxonomySnapshot): Facets {
  const option = (facet: keyof FacetCounts, value: string, text: string): FacetOption => ({ value, text, count: counts[facet].get(value) ?? 0 });
  const facets: Record<string, FacetOption[] | number> = {};
  for (const name of FILTER_NAMES) {
    const filter = FILTERS[name];
    if (filter.kind === 'yes') {
      facets[name] = counts[name].get('yes') ?? 0;
    } else if (filter.choices === 'providerTypes') {
      facets[name] = PROVIDER_TYPES.map((type) => option(name, type, PROVIDER_TYPE_LABELS[type]));
    } else if (filter.choices === 'terms') {
      facets[name] = taxonomy.active(name as TermFilterName).map((term) => option(name, term.slug, term.label));
    } else {
      // Areas are free text: every area the results serve, and any chosen one, in alphabetical order.
      const chosen = filters[name as 'area'];
      facets[name] = [...new Set([...counts[name].keys(), ...chosen])].sort((a, b) => a.localeCompare(b, 'en-GB')).map((area) => option(name, area, area));
    }
  }
  return facets as Facets;
}
