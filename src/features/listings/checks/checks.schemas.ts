import { z } from 'zod';
import { formDate } from '../../../lib/dates';
import { PROVIDER_TYPES, type ProviderType } from '../listing-vocabulary';
import { CHECK_KINDS, type CheckKind } from './check-kinds';
import type { CheckFacts } from './check-status';

export const CHECK_REASON_MAX = 2000;
export const ACCEPTED_MONTHS_MAX = 240;

/** The order fields appear on the record-a-check form, for the error summary. */
export const CHECK_FIELD_ORDER = ['datedOn', 'updateService', 'updateServiceRenewsOn', 'endsOn', 'evidence'];

const datePart = z.string().trim().optional();
const dateParts = (name: string) => ({ [`${name}-day`]: datePart, [`${name}-month`]: datePart, [`${name}-year`]: datePart });

/** What each kind asks for: the date it is dated (and what that date is called), an end date, the DBS update service. */
export const CHECK_QUESTIONS: Record<CheckKind, { datedOn?: string; endsOn?: { label: string; required: boolean }; updateService?: true }> = {
  dbs: { datedOn: 'Date of issue on the certificate, or of the latest update-service status check', updateService: true },
  safeguarding: { datedOn: 'Date of the training' },
  insurance: { endsOn: { label: 'Last day of cover', required: true } },
  dpa: { datedOn: 'Date the agreement was signed', endsOn: { label: 'Date the agreement ends (if it has one)', required: false } },
};

/**
 * The record-a-check form of one kind, as of `today` (UTC midnight): a date it is dated must not be in
 * the future, and an end date must not have passed (a check that has already ended cannot be verified).
 */
export function checkFormSchema(kind: CheckKind, today: Date) {
  const questions = CHECK_QUESTIONS[kind];
  return z
    .object({
      ...dateParts('datedOn'),
      ...dateParts('endsOn'),
      ...dateParts('updateServiceRenewsOn'),
      updateService: z.enum(['yes', 'no']).optional(),
    })
    .transform((form, context): CheckFacts => {
      const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
      const facts: CheckFacts = {};
      if (questions.datedOn) {
        const datedOn = formDate(form, 'datedOn');
        if (datedOn === 'blank') problem('datedOn', `Enter the ${questions.datedOn.toLowerCase()}`);
        else if (datedOn === 'invalid') problem('datedOn', 'The date must be a real date, like 15 1 2025');
        else if (datedOn > today) problem('datedOn', 'The date must be today or in the past');
        else facts.datedOn = datedOn;
      }
      if (questions.endsOn) {
        const endsOn = formDate(form, 'endsOn');
        if (endsOn === 'blank') {
          if (questions.endsOn.required) problem('endsOn', 'Enter the last day of cover');
        } else if (endsOn === 'invalid') problem('endsOn', 'The date must be a real date, like 31 3 2027');
        else if (endsOn < today) problem('endsOn', 'The date has passed: record the cover or agreement that is in force now');
        else if (facts.datedOn && endsOn <= facts.datedOn) problem('endsOn', 'The end date must be after the date it was signed');
        else facts.endsOn = endsOn;
      }
      if (questions.updateService) {
        if (!form.updateService) problem('updateService', 'Select yes if the certificate is on the DBS update service');
        facts.updateService = form.updateService === 'yes';
        const renewsOn = formDate(form, 'updateServiceRenewsOn');
        if (renewsOn === 'invalid') problem('updateServiceRenewsOn', 'The renewal date must be a real date, like 15 1 2026');
        else if (renewsOn instanceof Date && facts.updateService) facts.updateServiceRenewsOn = renewsOn;
      }
      return facts;
    });
}

export const checkDecisionSchema = z
  .object({
    decision: z.enum(['verify', 'return'], { error: 'Select whether the check is verified' }),
    reason: z.string().trim().max(CHECK_REASON_MAX, `Reason must be ${CHECK_REASON_MAX} characters or fewer`).optional(),
    submittedAt: z.string().trim().max(40).optional().default(''),
  })
  .superRefine((form, context) => {
    if (form.decision === 'return' && !form.reason) {
      context.addIssue({ code: 'custom', path: ['reason'], message: 'Say what the provider needs to put right' });
    }
  });

export type CheckDecisionForm = z.output<typeof checkDecisionSchema>;

/** Checkboxes arrive as nothing, one string or several. */
const providerTypes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((item) => item !== ''))
  .refine((list) => list.every((item) => (PROVIDER_TYPES as readonly string[]).includes(item)), 'Select provider types from the list')
  .transform((list) => [...new Set(list)] as ProviderType[]);

const acceptedMonths = (what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value ?? '')
    .refine((value) => value === '' || /^\d{1,3}$/.test(value), `${what} must be a whole number of months, like 36`)
    .transform((value) => (value === '' ? null : Number(value)))
    .refine((months) => months === null || (months >= 1 && months <= ACCEPTED_MONTHS_MAX), `${what} must be between 1 and ${ACCEPTED_MONTHS_MAX} months`);

export const REQUIREMENTS_FIELD_ORDER = [...CHECK_KINDS, 'dbsMonths', 'safeguardingMonths'];

export const requirementsSchema = z
  .object({
    dbs: providerTypes,
    safeguarding: providerTypes,
    insurance: providerTypes,
    dpa: providerTypes,
    dbsMonths: acceptedMonths('How long a DBS check is accepted'),
    safeguardingMonths: acceptedMonths('How long safeguarding training is accepted'),
    version: z.string().trim().max(40).optional(),
  })
  .transform((form) => ({
    requiredFor: { dbs: form.dbs, safeguarding: form.safeguarding, insurance: form.insurance, dpa: form.dpa },
    accepted: { dbs: form.dbsMonths, safeguarding: form.safeguardingMonths },
    version: form.version || undefined,
  }));
