import { z } from 'zod';
import { formDate } from '../../lib/dates';
import { FUNDING_SOURCES } from './commission-vocabulary';

const objectId = z.string().regex(/^[a-f0-9]{24}$/i);
const optionalObjectId = z
  .string()
  .optional()
  .transform((value) => value || undefined)
  .pipe(objectId.optional());

/** The longest each written answer may be: the forms show these limits too. */
export const COMMISSION_TEXT_LIMITS = { need: 1000, objectives: 2000, successCriteria: 2000, reason: 2000, note: 2000 } as const;
const LIMIT = COMMISSION_TEXT_LIMITS;

const text = (missing: string, max: number, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

/** Checkboxes arrive as nothing, one string or several strings. */
export const stringList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/** Digits only: Number() would also read "0x1F", "1e1" and "Infinity". */
const wholeDays = z
  .string({ error: 'Enter the number of days' })
  .trim()
  .min(1, 'Enter the number of days')
  .regex(/^\d{1,3}$/, 'Enter a whole number of days, like 3')
  .transform(Number)
  .pipe(z.number().min(1, 'Days must be 1 or more').max(100, 'Days must be 100 or fewer'));

/** Adds the parsed date under `name` (null when it is not a real date) so the schema checks it with the rest. */
const withDate = (name: string) => (body: unknown) => {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const date = formDate(fields, name);
  return { ...fields, [name]: date instanceof Date ? date : null };
};
const startDate = z.date({ error: 'Enter a real start date, like 15 9 2026' });

/** The request form, shared by schools (direct) and brokers (who also choose the school). */
export const commissionRequestSchema = z.preprocess(
  withDate('startOn'),
  z.object({
    listing: objectId,
    school: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || undefined),
    need: text('Describe what your school needs to improve', LIMIT.need, `The need must be ${LIMIT.need} characters or fewer`),
    categories: stringList.refine((list) => list.length > 0, 'Select at least one area the support addresses'),
    objectives: text('Enter the objectives of the support', LIMIT.objectives, `Objectives must be ${LIMIT.objectives} characters or fewer`),
    successCriteria: text('Enter how you will know it has worked', LIMIT.successCriteria, `Success criteria must be ${LIMIT.successCriteria} characters or fewer`),
    days: wholeDays,
    startOn: startDate,
    funding: z.enum(FUNDING_SOURCES, { error: 'Select who pays for the support' }),
    // A request against a priority of a school's support plan carries the plan and the priority.
    plan: optionalObjectId,
    priority: optionalObjectId,
  }),
);
export type CommissionRequestForm = z.output<typeof commissionRequestSchema>;

export const reasonSchema = z.object({
  reason: text('Enter a reason', LIMIT.reason, `The reason must be ${LIMIT.reason} characters or fewer`),
});

export const proposalSchema = z.preprocess(
  withDate('startOn'),
  z.object({
    days: wholeDays,
    startOn: startDate,
    note: text('Explain the change you propose', LIMIT.note, `The explanation must be ${LIMIT.note} characters or fewer`),
  }),
);
export type ProposalForm = z.output<typeof proposalSchema>;
