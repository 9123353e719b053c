import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import { PROVIDER_TYPE_LABELS } from '../listings/listing.model';
import type { TaxonomySnapshot, TermRef } from '../taxonomy/taxonomy-snapshot';
import type { TermKind } from '../taxonomy/taxonomy.model';
import { LISTING_FIELD_FOR_KIND, type ListingTermField, type ListingTermKind } from '../taxonomy/term-references';
import type { DirectoryDocument } from './directory-document';
import type { QueryUnit } from './query-understanding';
import { isStopword, normaliseWord, phraseWords, words } from './search-text';

/** The listing fields that hold term slugs, with the list they come from. */
export const TERM_FIELDS = (Object.entries(LISTING_FIELD_FOR_KIND) as [ListingTermKind, ListingTermField][]).map(
  ([kind, field]) => [field, kind] as const,
);

const PROSE_FIELDS = ['name', 'organisation', 'summary', 'experience'];
const TEXT_FIELDS = [...PROSE_FIELDS, 'topics'];
const CONCEPTS = 'concepts';
const BOOSTS = { name: 3, organisation: 1.5, summary: 1.5, topics: 2, experience: 1, [CONCEPTS]: 3 };

/** How a listing is indexed: its text, the words of its terms (labels and synonyms), and its terms as exact tokens. */
type IndexedFields = { id: string; name: string; organisation: string; summary: string; experience: string; topics: string; concepts: string };

export type TextHit = { score: number; match: Record<string, string[]> };

export function conceptToken(kind: TermKind | 'type', slug: string): string {
  return `${kind}:${slug}`;
}

/**
 * The in-memory full-text index of listed providers (MiniSearch), plus the documents themselves for
 * filters, facets and results. Changing one listing touches only its entry.
 */
export class DirectoryIndex {
  private readonly miniSearch = createMiniSearch();
  private readonly byId = new Map<string, DirectoryDocument>();

  constructor(private taxonomySnapshot: TaxonomySnapshot) {}

  get taxonomy(): TaxonomySnapshot {
    return this.taxonomySnapshot;
  }

  get size(): number {
    return this.byId.size;
  }

  documents(): IterableIterator<DirectoryDocument> {
    return this.byId.values();
  }

  get(id: string): DirectoryDocument | undefined {
    return this.byId.get(id);
  }

  addAll(documents: readonly DirectoryDocument[]): void {
    const resolved = documents.map((document) => this.withResolvedTerms(document));
    for (const document of resolved) this.byId.set(document.id, document);
    this.miniSearch.addAll(resolved.map((document) => this.indexedFields(document)));
  }

  upsert(document: DirectoryDocument): void {
    const resolved = this.withResolvedTerms(document);
    if (this.byId.has(document.id)) this.miniSearch.replace(this.indexedFields(resolved));
    else this.miniSearch.add(this.indexedFields(resolved));
    this.byId.set(document.id, resolved);
  }

  /** Slugs of merged terms become the terms they were merged into, so filters and facets see one term. */
  private withResolvedTerms(document: DirectoryDocument): DirectoryDocument {
    const resolved = { ...document };
    for (const [field, kind] of TERM_FIELDS) resolved[field] = this.taxonomySnapshot.resolveSlugs(kind, document[field]);
    return resolved;
  }

  remove(id: string): void {
    if (!this.byId.delete(id)) return;
    this.miniSearch.discard(id);
  }

  /** A new taxonomy changes labels and synonyms, so every entry is re-indexed (from memory, not the database). */
  replaceTaxonomy(taxonomy: TaxonomySnapshot): void {
    this.taxonomySnapshot = taxonomy;
    const documents = [...this.byId.values()];
    this.miniSearch.removeAll();
    this.byId.clear();
    this.addAll(documents);
  }

  /**
   * Documents matching every unit of the query ("all"), or any of them ("any"). A unit naming terms
   * matches a listing tagged with one of those terms or whose text uses one of their one-word names.
   */
  search(units: readonly QueryUnit[], mode: 'all' | 'any'): Map<string, TextHit> {
    const hits = new Map<string, TextHit>();
    if (units.length === 0) return hits;
    const query: Query = { combineWith: mode === 'all' ? 'AND' : 'OR', queries: units.map((unit) => this.unitQuery(unit)) };
    for (const result of this.miniSearch.search(query) as SearchResult[]) {
      hits.set(result.id as string, { score: result.score, match: result.match });
    }
    return hits;
  }

  private unitQuery(unit: QueryUnit): Query {
    if (unit.kind === 'word') {
      const long = unit.word.length >= 4;
      return { queries: [unit.word], fields: TEXT_FIELDS, prefix: unit.word.length >= 3, fuzzy: long ? 0.2 : false };
    }
    const tokens = new Set<string>();
    const names = new Set<string>();
    for (const ref of unit.terms) {
      for (const { kind, slug } of this.searchableTerms(ref)) {
        tokens.add(conceptToken(kind, slug));
        const term = this.taxonomySnapshot.resolve(kind, slug);
        for (const name of term ? [term.label, ...term.synonyms] : []) {
          const nameWords = phraseWords(name);
          if (nameWords.length === 1) names.add(nameWords[0]!);
        }
      }
    }
    const queries: Query[] = [
      { queries: [[...tokens].join(' ')], fields: [CONCEPTS], tokenize: (text) => text.split(' '), processTerm: (term) => term, prefix: false, fuzzy: false },
    ];
    // Terms a listing is tagged with are found by their tokens; the names also find listings that use them in prose.
    if (names.size > 0) queries.push({ queries: [[...names].join(' ')], fields: PROSE_FIELDS, prefix: false, fuzzy: false });
    return { combineWith: 'OR', queries };
  }

  /** A need is found through the categories that address it; other terms through themselves. */
  private searchableTerms(ref: TermRef): TermRef[] {
    if (ref.kind !== 'need') return [ref];
    const need = this.taxonomySnapshot.resolve('need', ref.slug);
    return (need?.categories ?? []).map((slug) => ({ kind: 'category' as const, slug }));
  }

  private indexedFields(document: DirectoryDocument): IndexedFields {
    const topics: string[] = [PROVIDER_TYPE_LABELS[document.providerType], ...document.areas];
    const concepts: string[] = [conceptToken('type', document.providerType)];
    for (const [field, kind] of TERM_FIELDS) {
      for (const slug of document[field]) {
        const term = this.taxonomySnapshot.resolve(kind, slug);
        if (!term) continue;
        topics.push(term.label, ...term.synonyms);
        concepts.push(conceptToken(kind, term.slug));
      }
    }
    return {
      id: document.id,
      name: document.name,
      organisation: document.organisation,
      summary: document.summary,
      experience: document.experience,
      topics: topics.join(' · '),
      concepts: concepts.join(' '),
    };
  }
}

function createMiniSearch(): MiniSearch<IndexedFields> {
  return new MiniSearch<IndexedFields>({
    fields: [...TEXT_FIELDS, CONCEPTS],
    tokenize: (text, fieldName) => (fieldName === CONCEPTS ? text.split(' ') : words(text)),
    processTerm: (term, fieldName) => {
      if (fieldName === CONCEPTS) return term;
      return isStopword(term) ? null : normaliseWord(term);
    },
    searchOptions: { boost: BOOSTS, maxFuzzy: 2 },
  });
}
