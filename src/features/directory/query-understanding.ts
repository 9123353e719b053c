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
      matched = misspeltTerm(word, taxonomy) ?? { kind: 'word', word };
    }
    if (!units.some((unit) => sameUnit(unit, matched))) units.push(matched);
  }
  return units;
}

/**
 * A word one edit from a one-word name the taxonomy knows (two from nine letters), when exactly one is:
 * "phonicks" is read as "phonics", so it finds what is tagged Phonics rather than any word starting "phoni".
 */
function misspeltTerm(word: string, taxonomy: TaxonomySnapshot): QueryUnit | undefined {
  const edits = word.length >= 9 ? 2 : word.length >= 4 ? 1 : 0;
  if (edits === 0) return undefined;
  const near = [...taxonomy.phrases].filter(([phrase]) => !phrase.includes(' ') && withinEdits(word, phrase, edits));
  if (near.length !== 1) return undefined;
  const [phrase, terms] = near[0]!;
  return { kind: 'terms', phrase, terms };
}

/** Whether two words are at most `limit` insertions, deletions or substitutions apart. */
function withinEdits(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...current) > limit) return false;
    previous = current;
  }
  return previous[b.length]! <= limit;
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
