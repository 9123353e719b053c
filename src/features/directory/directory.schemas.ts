import { z } from 'zod';
import { PROVIDER_TYPES } from '../listings/listing-vocabulary';
import { FILTER_NAMES, FILTERS, SORTS, type DirectoryFilters, type Sort } from './directory-filters';

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

/** What a query string may hold for each kind of filter choice (see FILTERS in directory-filters.ts). */
const CHOICE_SCHEMAS = {
  providerTypes: z.enum(PROVIDER_TYPES),
  terms: slug,
  areasServed: z.string().min(1).max(100),
} as const;

export type SearchQuery = { q: string } & DirectoryFilters & { sort: Sort; page: number };

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
}) as unknown as z.ZodType<SearchQuery>;

export const suggestQuerySchema = z.object({
  need: manyOf(slug),
  text: queryText,
  phase: slug.optional().catch(undefined),
});

export type SuggestQuery = z.infer<typeof suggestQuerySchema>;
