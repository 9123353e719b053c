/**
 * How search text is cut into words, the same way for listings and for queries, so "Maths", "maths,"
 * and "MATHS" are one word and plurals meet their singular ("leaders" and "leader").
 */

/** Longer queries are cut here: nobody types more, and it bounds the work a request can cause. */
export const MAX_QUERY_CHARACTERS = 200;
export const MAX_QUERY_WORDS = 16;

// Words that carry no meaning in a search ("support for the new head"), dropped from queries and phrases.
const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'by', 'for', 'from', 'has', 'have', 'in', 'into', 'is',
  'it', 'its', 'of', 'on', 'or', 'our', 'so', 'than', 'that', 'the', 'their', 'this', 'to', 'us', 'very', 'was',
  'we', 'were', 'with', 'my', 'your', 'who', 'which', 'some', 'any', 'all',
]);

/** Letters and digits in any script, plus "&" so "d&t" stays one word; everything else separates words. */
const WORD = /[\p{L}\p{N}&]+/gu;

// Only text beyond ASCII needs Unicode normalisation (ligatures, full-width letters); most text is ASCII.
const NOT_ASCII = /[^ -~\t\n\r]/;

export function words(text: string): string[] {
  const normalised = NOT_ASCII.test(text) ? text.normalize('NFKC') : text;
  return normalised.toLowerCase().match(WORD) ?? [];
}

/** One search term: lower case, with a simple plural "s" removed ("schools" → "school", not "class"). */
export function normaliseWord(word: string): string {
  const lower = word.toLowerCase();
  const length = lower.length;
  if (length > 3 && lower.charCodeAt(length - 1) === 115 /* s */) {
    const before = lower.charCodeAt(length - 2);
    if (before !== 115 && before !== 117 /* u */ && before !== 105 /* i */) return lower.slice(0, -1);
  }
  return lower;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** The meaningful words of a query, normalised, capped in length and number. */
export function queryWords(query: string): string[] {
  return words(query.slice(0, MAX_QUERY_CHARACTERS))
    .filter((word) => !isStopword(word))
    .map(normaliseWord)
    .slice(0, MAX_QUERY_WORDS);
}

/** A phrase (a term's label or synonym) as the words a query would have to contain. */
export function phraseWords(phrase: string): string[] {
  return words(phrase)
    .filter((word) => !isStopword(word))
    .map(normaliseWord);
}
