import MiniSearch from 'minisearch';
import type { TaxonomySnapshot, TermRecord } from '../taxonomy/taxonomy-snapshot';
import { isStopword, MAX_QUERY_CHARACTERS, normaliseWord, words } from '../../lib/search-text';

const needIndexes = new WeakMap<TaxonomySnapshot, MiniSearch<{ id: string; label: string; synonyms: string }>>();

function needIndex(taxonomy: TaxonomySnapshot) {
  let index = needIndexes.get(taxonomy);
  if (!index) {
    index = new MiniSearch({
      fields: ['label', 'synonyms'],
      tokenize: (text) => words(text),
      processTerm: (term) => (isStopword(term) ? null : normaliseWord(term)),
      searchOptions: { boost: { label: 2 }, prefix: (term) => term.length >= 4, fuzzy: (term) => (term.length >= 5 ? 0.2 : false) },
    });
    index.addAll(taxonomy.active('need').map((need) => ({ id: need.slug, label: need.label, synonyms: need.synonyms.join(' · ') })));
    needIndexes.set(taxonomy, index);
  }
  return index;
}

/**
 * The needs a school's own words most likely mean ("our phonics scores keep dropping" → "Phonics
 * outcomes are falling"): the best match and any scoring at least half as well, at most three.
 */
export function needsMatching(text: string, taxonomy: TaxonomySnapshot): TermRecord[] {
  const query = text.slice(0, MAX_QUERY_CHARACTERS);
  if (!query.trim()) return [];
  const results = needIndex(taxonomy).search(query);
  const best = results[0]?.score ?? 0;
  return results
    .filter((result) => result.score >= best / 2)
    .slice(0, 3)
    .map((result) => taxonomy.resolve('need', result.id as string))
    .filter((need): need is TermRecord => need !== undefined);
}
