import { z } from 'zod';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i);
/** The longest a note may be: the forms show it too. */
export const SHORTLIST_TEXT_LIMITS = { note: 1000 } as const;
const note = z
  .string()
  .trim()
  .max(SHORTLIST_TEXT_LIMITS.note, `Note must be ${SHORTLIST_TEXT_LIMITS.note.toLocaleString('en-GB')} characters or fewer`)
  .optional()
  .transform((value) => value ?? '');

export const newShortlistSchema = z.object({
  title: z
    .string({ error: 'Enter a name for the shortlist' })
    .trim()
    .min(1, 'Enter a name for the shortlist')
    .max(100, 'Name must be 100 characters or fewer'),
  // Only SIPs and Traded Services choose the school; a school user's shortlists are for their own school.
  schoolUrn: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || /^\d{6}$/.test(value), 'Enter a 6-digit URN, like 123456'),
  listing: objectId.optional().catch(undefined),
  note,
});

export const addToShortlistSchema = z.object({
  shortlist: z.string({ error: 'Select a shortlist' }).regex(/^[0-9a-f]{24}$/i, 'Select a shortlist'),
  note,
});

export const noteSchema = z.object({ note });

export type NewShortlistForm = z.infer<typeof newShortlistSchema>;
