import { phraseWords } from '../../lib/search-text';
import { recentChangeMark } from '../../db/change-marks';
import { TaxonomyTerm } from './taxonomy.model';
import { TAXONOMY_CHANGE_MARK, type TermKind } from './term-kinds';

export type TermRecord = {
  kind: TermKind;
  slug: string;
  label: string;
  description?: string;
  synonyms: string[];
  categories: string[];
  providerTypes: string[];
  status: 'active' | 'retired';
  mergedInto?: string;
  order: number;
};

export type TermRef = { kind: TermKind; slug: string };

/**
 * Every term of every list at one moment, for code that needs many look-ups per request (search):
 * resolves old slugs through merges, and knows which phrases (labels, synonyms and slugs such as "eyfs")
 * name which terms.
 */
export class TaxonomySnapshot {
  private readonly bySlug = new Map<string, TermRecord>();
  /** Phrase (normalised words joined by spaces) → the terms it names. */
  readonly phrases = new Map<string, TermRef[]>();
  readonly longestPhrase: number;

  constructor(readonly records: readonly TermRecord[]) {
    for (const record of records) this.bySlug.set(key(record.kind, record.slug), record);
    let longest = 1;
    for (const record of records) {
      if (record.mergedInto) continue;
      for (const phrase of [record.label, ...record.synonyms, record.slug]) {
        const phraseKey = phraseWords(phrase).join(' ');
        // A need is a statement; its one-word synonyms ("reading") already name categories.
        if (!phraseKey || (record.kind === 'need' && !phraseKey.includes(' '))) continue;
        longest = Math.max(longest, phraseKey.split(' ').length);
        const refs = this.phrases.get(phraseKey) ?? [];
        if (!refs.some((ref) => ref.kind === record.kind && ref.slug === record.slug)) refs.push({ kind: record.kind, slug: record.slug });
        this.phrases.set(phraseKey, refs);
      }
    }
    this.longestPhrase = longest;
  }

  /** The term a slug means now: a merged term resolves to the term it was merged into. */
  resolve(kind: TermKind, slug: string): TermRecord | undefined {
    let term = this.bySlug.get(key(kind, slug));
    for (let hops = 0; term?.mergedInto && hops < 10; hops++) term = this.bySlug.get(key(kind, term.mergedInto));
    return term;
  }

  /** Resolved slugs, without duplicates or unknown slugs, in the order given. */
  resolveSlugs(kind: TermKind, slugs: readonly string[]): string[] {
    const resolved = new Set<string>();
    for (const slug of slugs) {
      const term = this.resolve(kind, slug);
      if (term) resolved.add(term.slug);
    }
    return [...resolved];
  }

  label(kind: TermKind, slug: string): string {
    return this.resolve(kind, slug)?.label ?? slug;
  }

  /** Terms offered on forms and as filters, in display order. */
  active(kind: TermKind): TermRecord[] {
    return this.records
      .filter((record) => record.kind === kind && record.status === 'active')
      .sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));
  }

  isActive(kind: TermKind, slug: string): boolean {
    return this.bySlug.get(key(kind, slug))?.status === 'active';
  }
}

function key(kind: TermKind, slug: string): string {
  return `${kind}:${slug}`;
}

let cached: { mark: string; snapshot: Promise<TaxonomySnapshot> } | undefined;

/** How old the taxonomy's change mark may be: a change another instance makes shows within this. */
const MARK_RECHECK_MS = 1_000;

/**
 * The taxonomy as it is now, read from the database only when its change mark has moved: the mark is
 * read by _id at most once a second (a change made through this process shows at once), instead of every
 * term on every call (pages resolve several lists each).
 */
export async function currentTaxonomy(): Promise<TaxonomySnapshot> {
  const mark = await recentChangeMark(TAXONOMY_CHANGE_MARK, MARK_RECHECK_MS);
  if (cached?.mark !== mark) {
    const snapshot = loadTaxonomySnapshot();
    cached = { mark, snapshot };
    snapshot.catch(() => (cached = undefined));
  }
  return cached.snapshot;
}

async function loadTaxonomySnapshot(): Promise<TaxonomySnapshot> {
  const terms = await TaxonomyTerm.find().lean();
  return new TaxonomySnapshot(
    terms.map((term) => ({
      kind: term.kind,
      slug: term.slug,
      label: term.label,
      ...(term.description ? { description: term.description } : {}),
      // Read lean, so arrays a stored term lacks are not defaulted by mongoose.
      synonyms: term.synonyms ?? [],
      categories: term.categories ?? [],
      providerTypes: term.providerTypes ?? [],
      status: term.status,
      mergedInto: term.mergedInto ?? undefined,
      order: term.order,
    })),
  );
}
