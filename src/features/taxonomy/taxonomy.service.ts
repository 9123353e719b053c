import { DEFAULT_TAXONOMY } from './taxonomy.defaults';
import { currentTaxonomy } from './taxonomy-snapshot';
import { TaxonomyTerm } from './taxonomy.model';
import { TERM_KINDS, type TermKind } from './term-kinds';

export type Term = {
  slug: string;
  label: string;
  synonyms: string[];
  categories: string[];
  providerTypes: string[];
};

const toTerm = (term: { slug: string; label: string; synonyms: string[]; categories: string[]; providerTypes: string[] }): Term => ({
  slug: term.slug,
  label: term.label,
  synonyms: term.synonyms,
  categories: term.categories,
  providerTypes: term.providerTypes,
});

/** The active terms of one list, in display order. */
export async function activeTerms(kind: TermKind): Promise<Term[]> {
  return (await currentTaxonomy()).active(kind).map(toTerm);
}

/** Choices for a form's checkboxes or select: { value, text }. */
export async function termChoices(kind: TermKind): Promise<{ value: string; text: string }[]> {
  return (await activeTerms(kind)).map((term) => ({ value: term.slug, text: term.label }));
}

/** Resolves slugs of any list against one reading of the taxonomy (see resolveTerms). */
export type TermResolver = (kind: TermKind, slugs: readonly string[]) => Term[];

/** For a page that resolves several lists: the taxonomy's change mark is read once, not once per list. */
export async function termResolver(): Promise<TermResolver> {
  const taxonomy = await currentTaxonomy();
  return (kind, slugs) => {
    const resolved = new Map<string, Term>();
    for (const slug of slugs) {
      const term = taxonomy.resolve(kind, slug);
      if (term) resolved.set(term.slug, toTerm(term));
    }
    return [...resolved.values()];
  };
}

/**
 * Maps slugs (possibly of retired or merged terms) to what they mean now: a merged term resolves to
 * the term it was merged into, so old references keep working.
 */
export async function resolveTerms(kind: TermKind, slugs: readonly string[]): Promise<Term[]> {
  if (slugs.length === 0) return [];
  return (await termResolver())(kind, slugs);
}

/** True when every slug is an active term of this list (for validating submitted forms). */
export async function areActiveTerms(kind: TermKind, slugs: readonly string[]): Promise<boolean> {
  if (slugs.length === 0) return true;
  const taxonomy = await currentTaxonomy();
  return slugs.every((slug) => taxonomy.isActive(kind, slug));
}

/** Loads the default lists into an empty taxonomy; terms already there (and their edits) are kept. */
export async function ensureDefaultTaxonomy(): Promise<number> {
  let inserted = 0;
  for (const kind of TERM_KINDS) {
    const defaults = DEFAULT_TAXONOMY[kind];
    for (const [order, term] of defaults.entries()) {
      const result = await TaxonomyTerm.updateOne(
        { kind, slug: term.slug },
        {
          $setOnInsert: {
            kind,
            slug: term.slug,
            label: term.label,
            description: term.description,
            synonyms: term.synonyms ?? [],
            categories: term.categories ?? [],
            providerTypes: term.providerTypes ?? [],
            status: 'active',
            order,
          },
        },
        { upsert: true },
      );
      inserted += result.upsertedCount;
    }
  }
  return inserted;
}
