import type { TaxonomySnapshot, TermRef } from '../taxonomy/taxonomy-snapshot';
import { queryWords } from '../../lib/search-text';

/**
 * A query read as units the search must satisfy: phrases that name taxonomy terms ("numeracy",
 * "key stage 2", "phonics outcomes falling") and the other words, searched as typed.
 */
export type QueryUnit = { kind: 'terms'; phrase: string; terms: TermRef[] } | { kind: 'word'; word: string };

/** Reads the query left to right, taking the longest phrase the taxonomy knows at each point. */
export function understandQuery(query: string, taxonomy: TaxonomySnapshot): QueryUnit[] {
  const queryTokens = queryWords(query);
  const units: QueryUnit[] = [];
  let start = 0;
  while (start < queryTokens.length) {
    let matched: QueryUnit | undefined;
    for (let length = Math.min(taxonomy.longestPhrase, queryTokens.length - start); length >= 1 && !matched; length--) {
      const phrase = queryTokens.slice(start, start + length).join(' ');
      const terms = taxonomy.phrases.get(phrase);
      if (terms) {
        matched = { kind: 'terms', phrase, terms };
        start += length;
      }
    }
    if (!matched) {
      const word = queryTokens[start]!;
      start += 1;
      if (word.length < 2) continue;
      matched = { kind: 'word', word };
    }
    if (!units.some((unit) => sameUnit(unit, matched))) units.push(matched);
  }
  return units;
}

function sameUnit(a: QueryUnit, b: QueryUnit): boolean {
  if (a.kind === 'word' && b.kind === 'word') return a.word === b.word;
  if (a.kind === 'terms' && b.kind === 'terms') return termsKey(a.terms) === termsKey(b.terms);
  return false;
}

/** Identifies the meaning of a unit: "maths" and "numeracy" name the same terms, so they are one unit. */
export function termsKey(terms: readonly TermRef[]): string {
  return terms
    .map((term) => `${term.kind}:${term.slug}`)
    .sort()
    .join(' ');
}
