import { z } from 'zod';
import { formDate } from '../../lib/dates';
import { SCHEME_PRESET_KEYS } from './support-scheme.presets';

export const URN_PATTERN = /^\d{6}$/;

/** A repeated form field arrives as a string, an array of strings, or not at all. */
export const stringList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((item) => item !== ''));

/** Read leniently, like the directory's: a search cut short or a repeated parameter still answers. */
export const schoolSearchSchema = z.object({
  q: z.string().optional().catch(undefined).transform((value) => (value ?? '').trim().slice(0, 100)),
  status: z.enum(['open', 'closed', 'all']).catch('open').default('open'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

const datePart = z.string().trim().optional().default('');

function reviewDateOf(form: Record<string, unknown>): Date | null {
  const date = formDate(form, 'reviewDue');
  return date instanceof Date ? date : null;
}

/** The longest each written answer may be: the forms show these limits too. */
export const SCHOOL_TEXT_LIMITS = { levelReason: 2000, levelDescription: 1000, capacityNote: 1000 } as const;

export const supportLevelSchema = z
  .object({
    level: z.string({ error: 'Select a support level' }).trim().min(1, 'Select a support level').max(20),
    reason: z
      .string({ error: 'Enter why the level is being set' })
      .trim()
      .min(1, 'Enter why the level is being set')
      .max(SCHOOL_TEXT_LIMITS.levelReason, `Reason must be ${SCHOOL_TEXT_LIMITS.levelReason} characters or fewer`),
    'reviewDue-day': datePart,
    'reviewDue-month': datePart,
    'reviewDue-year': datePart,
    basedOn: z.string().max(40).optional().default(''),
  })
  .refine((form) => reviewDateOf(form) !== null, {
    path: ['reviewDue'],
    message: 'Enter a real review date, for example 20 12 2026',
    // Checked even when other fields are wrong, so every problem shows at once.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .transform((form) => ({ level: form.level, reason: form.reason, reviewDue: reviewDateOf(form)!, basedOn: form.basedOn }));

export const capacitySchema = z.object({
  capacity: z.enum(['yes', 'no'], { error: 'Select whether the school has capacity to support other schools' }).transform((value) => value === 'yes'),
  capacityNote: z.string().trim().max(SCHOOL_TEXT_LIMITS.capacityNote, `The note must be ${SCHOOL_TEXT_LIMITS.capacityNote} characters or fewer`).optional().default(''),
});

export const schemePresetSchema = z.object({
  preset: z.enum(SCHEME_PRESET_KEYS as [string, ...string[]], { error: 'Select a scheme' }),
});

/** An optional whole or half number from 0 to `max`: empty means "not set". */
export function optionalCount(max: number, message: string, halves = false) {
  const pattern = halves ? /^\d{1,3}(\.5)?$/ : /^\d{1,3}$/;
  return z
    .string()
    .trim()
    .optional()
    .default('')
    .refine((value) => value === '' || (pattern.test(value) && Number(value) <= max), message)
    .transform((value) => (value === '' ? undefined : Number(value)));
}

// The version the editor loaded (a timestamp the page sets); anything else reads as out of date.
const schemeVersion = z.iso.datetime().optional().catch(undefined);

export const schemeLevelSchema = z.object({
  label: z.string({ error: 'Enter a name for the level' }).trim().min(1, 'Enter a name for the level').max(100, 'Name must be 100 characters or fewer'),
  description: z.string().trim().max(SCHOOL_TEXT_LIMITS.levelDescription, `Description must be ${SCHOOL_TEXT_LIMITS.levelDescription} characters or fewer`).optional().default(''),
  entitlementDays: optionalCount(365, 'Enter a number of days from 0 to 365, or leave it empty', true),
  visitsPerYear: optionalCount(52, 'Enter a whole number of visits from 0 to 52, or leave it empty'),
  visitsWithoutPackage: optionalCount(52, 'Enter a whole number of visits from 0 to 52, or leave it empty'),
  version: schemeVersion,
});

/** A level's code is what schools' records keep and what its page's address carries. */
export const newSchemeLevelSchema = schemeLevelSchema.extend({
  code: z
    .string({ error: 'Enter a code for the level' })
    .trim()
    .min(1, 'Enter a code for the level')
    .max(20, 'Code must be 20 characters or fewer')
    .regex(/^[A-Za-z0-9]+$/, 'Code must be letters and numbers only, like 3c or 2TV'),
});

export const schemeLevelMoveSchema = z.object({ direction: z.enum(['up', 'down']), version: schemeVersion });
export const schemeVersionSchema = z.object({ version: schemeVersion });

export type SchoolSearch = z.infer<typeof schoolSearchSchema>;
export type SupportLevelForm = z.infer<typeof supportLevelSchema>;
export type CapacityForm = z.infer<typeof capacitySchema>;
export type SchemeLevelForm = z.infer<typeof schemeLevelSchema>;
export type NewSchemeLevelForm = z.infer<typeof newSchemeLevelSchema>;

/** Where the page that sent someone to choose their acting school was; only a local path is ever followed. */
const returnToField = z.string().max(2000).optional().catch(undefined);
export const actingSchoolQuerySchema = z.object({ returnTo: returnToField });

const CHOOSE_A_SCHOOL = 'Select the school you are acting for';
export const actingSchoolSchema = z.object({
  school: z.string({ error: CHOOSE_A_SCHOOL }).regex(/^[0-9a-f]{24}$/, CHOOSE_A_SCHOOL),
  returnTo: returnToField,
});
export type ActingSchoolForm = z.infer<typeof actingSchoolSchema>;
