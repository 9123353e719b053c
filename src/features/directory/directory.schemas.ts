import { z } from 'zod';
import { PROVIDER_TYPES } from '../listings/listing-vocabulary';
import { FILTER_NAMES, FILTERS, SORTS, type DirectoryFilters, type Sort } from './directory-filters';
import { WITHIN_MILES, type WithinMiles } from './provider-distance';

/**
 * Query strings are read leniently: a value that cannot be right (an unknown sort, page "abc", a
 * filter value that is not a slug) is dropped rather than refused, so a bookmarked or hand-edited
 * search still answers. Values are checked against the taxonomy in the service.
 */
const MAX_VALUES = 40;

const manyOf = <T extends string>(item: z.ZodType<T>) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .catch(undefined)
    .transform((value) => {
      const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
      const valid = values.slice(0, MAX_VALUES).flatMap((v) => {
        const parsed = item.safeParse(v.trim());
        return parsed.success ? [parsed.data] : [];
      });
      return [...new Set(valid)];
    });

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80);
const yes = z.literal('yes').optional().catch(undefined).transform((value) => value === 'yes');
/** The query is cut rather than refused; the search itself only reads the first MAX_QUERY_CHARACTERS. */
const queryText = z.string().optional().catch(undefined).transform((value) => (value ?? '').slice(0, 1000).trim());

/** The school distances are measured from, by URN or name: checked against the schools by the route. */
const placeText = z.string().optional().catch(undefined).transform((value) => (value ?? '').slice(0, 200).trim());
/** One of the offered limits ("within 5 miles"); anything else means any distance. */
const withinMiles = z
  .enum(WITHIN_MILES.map(String) as [string, ...string[]])
  .optional()
  .catch(undefined)
  .transform((value) => (value === undefined ? null : (Number(value) as WithinMiles)));

/** What a query string may hold for each kind of filter choice (see FILTERS in directory-filters.ts). */
const CHOICE_SCHEMAS = {
  providerTypes: z.enum(PROVIDER_TYPES),
  terms: slug,
  areasServed: z.string().min(1).max(100),
} as const;

/** `from`: the school to measure distances from, as typed or chosen (empty: the user's default). */
export type DistanceQuery = { from: string; within: WithinMiles | null };

export type SearchQuery = { q: string } & DirectoryFilters & { sort: Sort; page: number } & DistanceQuery;

/** Built from the filter declarations: a "many" filter reads its kind of choice, a "yes" filter the word yes. */
export const searchQuerySchema = z.object({
  q: queryText,
  ...Object.fromEntries(
    FILTER_NAMES.map((name) => {
      const filter = FILTERS[name];
      return [name, filter.kind === 'many' ? manyOf<string>(CHOICE_SCHEMAS[filter.choices]) : yes];
    }),
  ),
  sort: z.enum(SORTS).optional().catch(undefined).transform((value) => value ?? 'relevance'),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined).transform((value) => value ?? 1),
  from: placeText,
  within: withinMiles,
}) as unknown as z.ZodType<SearchQuery>;

/** Suggestions are ranked by how well they meet the need, or listed nearest first. */
export const SUGGEST_SORTS = ['relevance', 'distance'] as const satisfies readonly Sort[];

export const suggestQuerySchema = z.object({
  need: manyOf(slug),
  text: queryText,
  phase: slug.optional().catch(undefined),
  from: placeText,
  within: withinMiles,
  sort: z.enum(SUGGEST_SORTS).optional().catch(undefined).transform((value) => value ?? 'relevance'),
});

export type SuggestQuery = z.infer<typeof suggestQuerySchema>;
