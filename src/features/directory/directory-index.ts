import MiniSearch, { type SearchResult } from 'minisearch';
import { PROVIDER_TYPE_LABELS } from '../listings/listing-vocabulary';
import type { TaxonomySnapshot, TermRef } from '../taxonomy/taxonomy-snapshot';
import type { TermKind } from '../taxonomy/term-kinds';
import { LISTING_FIELD_FOR_KIND, type ListingTermField, type ListingTermKind } from '../taxonomy/term-references';
import type { DirectoryDocument } from './directory-document';
import type { QueryUnit } from './query-understanding';
import { isStopword, normaliseWord, phraseWords, words } from '../../lib/search-text';
import type { GridReference } from '../../lib/grid-distance';

/** The listing fields that hold term slugs, with the list they come from. */
export const TERM_FIELDS = (Object.entries(LISTING_FIELD_FOR_KIND) as [ListingTermKind, ListingTermField][]).map(
  ([kind, field]) => [field, kind] as const,
);

const PROSE_FIELDS = ['name', 'organisation', 'summary', 'experience'];
const TEXT_FIELDS = [...PROSE_FIELDS, 'topics'];
const BOOSTS = { name: 3, organisation: 1.5, summary: 1.5, topics: 2, experience: 1 };
/** What being tagged with a term the query names is worth, against text scores (BM25, typically 1 to 20). */
const TAGGED_SCORE = 10;

/** The words MiniSearch indexes for a listing: its prose, and the labels of its terms and type. */
type IndexedFields = { id: string; name: string; organisation: string; summary: string; experience: string; topics: string };

/** match: what matched, as MiniSearch reports it (index term → fields), with "kind:slug" → ['terms'] for tagged terms. */
export type TextHit = { score: number; match: Record<string, string[]> };

export function termToken(kind: TermKind | 'type', slug: string): string {
  return `${kind}:${slug}`;
}

/**
 * The in-memory search index of listed providers: MiniSearch for words (fuzzy, prefix, boosted by
 * field), plus a posting list per taxonomy term for exact "tagged with" matches, and the documents
 * themselves for filters, facets and results. Changing one listing touches only its entries.
 */
let lastVersion = 0;

export class DirectoryIndex {
  /** Changes whenever what a search could return changes (unique across rebuilt indexes too). */
  version = ++lastVersion;
  private readonly miniSearch = createMiniSearch();
  private readonly byId = new Map<string, DirectoryDocument>();
  private readonly postings = new Map<string, Set<string>>();
  private areaNames: Set<string> | undefined;
  /** Employing schools' grid references (null: GIAS gives none), the providers' bases for distances. */
  private schoolGrids = new Map<string, GridReference | null>();

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

  /** Every area some listed provider serves (for checking filter values), kept until the next change. */
  areas(): Set<string> {
    if (!this.areaNames) {
      this.areaNames = new Set();
      for (const document of this.byId.values()) for (const area of document.areas) this.areaNames.add(area);
    }
    return this.areaNames;
  }

  /** The grid reference of the provider's employing school: undefined with no school or none known yet, null where GIAS gives none. */
  baseGridOf(document: DirectoryDocument): GridReference | null | undefined {
    return document.employingSchoolId ? this.schoolGrids.get(document.employingSchoolId) : undefined;
  }

  /** The employing schools of these documents whose grid reference the index has not been given. */
  schoolsWithoutGrid(documents: Iterable<DirectoryDocument>): string[] {
    const missing = new Set<string>();
    for (const document of documents) if (document.employingSchoolId && !this.schoolGrids.has(document.employingSchoolId)) missing.add(document.employingSchoolId);
    return [...missing];
  }

  /** Every employing school of a listed provider. */
  employingSchools(): string[] {
    return [...new Set([...this.byId.values()].flatMap((document) => (document.employingSchoolId ? [document.employingSchoolId] : [])))];
  }

  /** Every grid reference the index holds, by school id. */
  schoolGridMap(): ReadonlyMap<string, GridReference | null> {
    return this.schoolGrids;
  }

  /** Records schools' grid references (after a GIAS import, the fresh ones replace every known one). */
  setSchoolGrids(grids: ReadonlyMap<string, GridReference | null>, options: { replace?: boolean } = {}): void {
    if (grids.size === 0 && !options.replace) return;
    this.version = ++lastVersion;
    if (options.replace) this.schoolGrids = new Map(grids);
    else for (const [id, grid] of grids) this.schoolGrids.set(id, grid);
  }

  addAll(documents: readonly DirectoryDocument[]): void {
    this.version = ++lastVersion;
    this.areaNames = undefined;
    const resolved = documents.map((document) => this.withResolvedTerms(document));
    for (const document of resolved) {
      this.byId.set(document.id, document);
      this.post(document);
    }
    this.miniSearch.addAll(resolved.map((document) => this.indexedFields(document)));
  }

  upsert(document: DirectoryDocument): void {
    this.remove(document.id);
    this.addAll([document]);
  }

  remove(id: string): void {
    const document = this.byId.get(id);
    if (!document) return;
    this.byId.delete(id);
    this.version = ++lastVersion;
    this.areaNames = undefined;
    for (const token of this.tokensOf(document)) this.postings.get(token)?.delete(id);
    this.miniSearch.discard(id);
  }

  /** A new taxonomy changes labels and merges, so every entry is re-indexed (from memory, not the database). */
  replaceTaxonomy(taxonomy: TaxonomySnapshot): void {
    this.taxonomySnapshot = taxonomy;
    const documents = [...this.byId.values()];
    this.miniSearch.removeAll();
    this.byId.clear();
    this.postings.clear();
    this.addAll(documents);
  }

  /**
   * Documents matching every unit of the query ("all"), or any of them ("any"), with their scores.
   * A word matches the text (with typos and prefixes). A unit naming terms matches a listing tagged
   * with one of them, or, for expertise and subjects, whose prose uses one of their one-word names.
   */
  search(units: readonly QueryUnit[], mode: 'all' | 'any'): Map<string, TextHit> {
    let combined: Map<string, TextHit> | undefined;
    for (const unit of units) {
      const hits = unit.kind === 'word' ? this.wordHits(unit.word) : this.termHits(unit.terms);
      combined = combined === undefined ? hits : mode === 'all' ? intersect(combined, hits) : union(combined, hits);
      if (mode === 'all' && combined.size === 0) break;
    }
    return combined ?? new Map();
  }

  private wordHits(word: string): Map<string, TextHit> {
    // Edits allowed: one for a word of four letters or more ("phonicks"), two from nine letters.
    const fuzzy = word.length >= 9 ? 2 : word.length >= 4 ? 1 : false;
    return hitsFrom(this.miniSearch.search(word, { fields: TEXT_FIELDS, prefix: word.length >= 3, fuzzy }));
  }

  private termHits(refs: readonly TermRef[]): Map<string, TextHit> {
    const names = new Set<string>();
    const hits = new Map<string, TextHit>();
    for (const ref of refs) {
      for (const { kind, slug } of this.searchableTerms(ref)) {
        const token = termToken(kind, slug);
        for (const id of this.postings.get(token) ?? []) {
          const hit = hits.get(id) ?? { score: 0, match: {} };
          if (!hit.match[token]) {
            hit.score += TAGGED_SCORE;
            hit.match[token] = ['terms'];
          }
          hits.set(id, hit);
        }
        // Expertise and subjects are also found in prose ("numeracy" in a summary). Phases, contexts and
        // offers only by tag: their words ("primary", "rural") fill school names and would match nearly everything.
        const term = kind === 'category' || kind === 'subject' ? this.taxonomySnapshot.resolve(kind, slug) : undefined;
        for (const name of term ? [term.label, ...term.synonyms] : []) {
          const nameWords = phraseWords(name);
          if (nameWords.length === 1) names.add(nameWords[0]!);
        }
      }
    }
    if (names.size === 0) return hits;
    const prose = hitsFrom(this.miniSearch.search([...names].join(' '), { fields: PROSE_FIELDS, prefix: false, fuzzy: false, combineWith: 'OR' }));
    return union(hits, prose);
  }

  /** A need is found through the categories that address it; other terms through themselves. */
  private searchableTerms(ref: TermRef): TermRef[] {
    if (ref.kind !== 'need') return [ref];
    const need = this.taxonomySnapshot.resolve('need', ref.slug);
    return (need?.categories ?? []).map((slug) => ({ kind: 'category' as const, slug }));
  }

  /** Slugs of merged terms become the terms they were merged into, so filters and facets see one term. */
  private withResolvedTerms(document: DirectoryDocument): DirectoryDocument {
    const resolved = { ...document };
    for (const [field, kind] of TERM_FIELDS) resolved[field] = this.taxonomySnapshot.resolveSlugs(kind, document[field]);
    return resolved;
  }

  private tokensOf(document: DirectoryDocument): string[] {
    return [termToken('type', document.providerType), ...TERM_FIELDS.flatMap(([field, kind]) => document[field].map((slug) => termToken(kind, slug)))];
  }

  private post(document: DirectoryDocument): void {
    for (const token of this.tokensOf(document)) {
      let ids = this.postings.get(token);
      if (!ids) this.postings.set(token, (ids = new Set()));
      ids.add(document.id);
    }
  }

  private indexedFields(document: DirectoryDocument): IndexedFields {
    const topics: string[] = [PROVIDER_TYPE_LABELS[document.providerType], ...document.areas];
    for (const [field, kind] of TERM_FIELDS) {
      for (const slug of document[field]) topics.push(this.taxonomySnapshot.label(kind, slug));
    }
    return {
      id: document.id,
      name: document.name,
      organisation: document.organisation,
      summary: document.summary,
      experience: document.experience,
      topics: topics.join(' · '),
    };
  }
}

function hitsFrom(results: SearchResult[]): Map<string, TextHit> {
  return new Map(results.map((result) => [result.id as string, { score: result.score, match: result.match }]));
}

function merge(a: TextHit | undefined, b: TextHit | undefined): TextHit {
  if (!a) return b!;
  if (!b) return a;
  return { score: a.score + b.score, match: { ...a.match, ...b.match } };
}

function intersect(a: Map<string, TextHit>, b: Map<string, TextHit>): Map<string, TextHit> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const result = new Map<string, TextHit>();
  for (const [id, hit] of small) {
    const other = large.get(id);
    if (other) result.set(id, merge(hit, other));
  }
  return result;
}

function union(a: Map<string, TextHit>, b: Map<string, TextHit>): Map<string, TextHit> {
  const result = new Map(a);
  for (const [id, hit] of b) result.set(id, merge(result.get(id), hit));
  return result;
}

function createMiniSearch(): MiniSearch<IndexedFields> {
  return new MiniSearch<IndexedFields>({
    fields: TEXT_FIELDS,
    tokenize: (text) => words(text),
    processTerm: (term) => (isStopword(term) ? null : normaliseWord(term)),
    searchOptions: { boost: BOOSTS },
  });
}
