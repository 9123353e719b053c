import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80);

/** Synonyms are typed one per line or separated by commas; stored lower-case, without repeats. */
const synonymList = z
  .string()
  .optional()
  .transform((value) => [...new Set((value ?? '').split(/[\n,]/).map((synonym) => synonym.trim().toLowerCase()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(60, 'Each synonym must be 60 characters or fewer'))
      .max(30, 'Enter 30 synonyms or fewer'),
  );

const slugList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .pipe(z.array(slug).max(20));

export const termFormSchema = z.object({
  label: z
    .string({ error: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name')
    .max(120, 'Name must be 120 characters or fewer'),
  synonyms: synonymList,
  categories: slugList,
});

export const mergeFormSchema = z.object({
  target: z.string({ error: 'Select the term to merge into' }).pipe(slug.or(z.literal('')).refine((value) => value !== '', 'Select the term to merge into')),
});

export type TermForm = z.infer<typeof termFormSchema>;
