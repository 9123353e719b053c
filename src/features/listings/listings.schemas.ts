import { z } from 'zod';
import { formDate } from '../../lib/dates';
import { CAPACITY_PERIODS, DESIGNATED_TYPES, OPEN_DATA_CONTACT_ROUTES, PROVIDER_TYPES, type OpenDataContactRoute, type ProviderType } from './listing-vocabulary';

export const SUMMARY_MAX = 400;
export const EXPERIENCE_MAX = 5000;
export const REASON_MAX = 2000;
export const CONTACT_ROUTE_MAX = 400;
/** The listing model's ceiling (dailyRatePence max); a higher rate is a typing slip. */
export const DAILY_RATE_MAX_POUNDS = 10_000;

/** Checkboxes arrive as nothing, one string or several: always an array of strings. */
const checkboxes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((item) => item !== ''));

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((value) => (value ? value : undefined));

const requiredText = (missing: string, max: number, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

const datePart = z.string().trim().optional();

/** The order fields appear on the form, for the error summary. */
export const LISTING_FIELD_ORDER = [
  'name', 'providerType', 'organisation', 'employingSchool', 'summary', 'experience', 'expertise', 'phases',
  'subjects', 'contexts', 'offers', 'areas', 'capacityDays', 'capacityPeriod', 'fundedByLa', 'dailyRate',
  'contactName', 'contactEmail', 'contactPhone', 'contactRoute', 'contactOpenData', 'designationAwarded', 'designationExpires',
  'photo', 'evidence',
];

export const listingFormSchema = z
  .object({
    name: requiredText('Enter the name schools will see', 120, 'Name must be 120 characters or fewer'),
    providerType: z.enum(PROVIDER_TYPES, { error: 'Select the type of provider' }),
    organisation: optionalText(200, 'Organisation must be 200 characters or fewer'),
    employingSchool: z
      .string()
      .trim()
      .regex(/^([0-9a-f]{24})?$/, 'Select a school from the list')
      .optional()
      .transform((value) => value || undefined),
    summary: requiredText('Enter a short summary', SUMMARY_MAX, `Summary must be ${SUMMARY_MAX} characters or fewer`),
    experience: requiredText('Describe your experience', EXPERIENCE_MAX, `Experience must be ${EXPERIENCE_MAX} characters or fewer`),
    expertise: checkboxes.refine((list) => list.length > 0, 'Select at least one area of expertise'),
    phases: checkboxes.refine((list) => list.length > 0, 'Select at least one phase'),
    subjects: checkboxes,
    contexts: checkboxes,
    offers: checkboxes.refine((list) => list.length > 0, 'Select at least one kind of support you offer'),
    areas: optionalText(300, 'Areas must be 300 characters or fewer'),
    capacityDays: z
      .string({ error: 'Enter how many days you can offer' })
      .trim()
      .min(1, 'Enter how many days you can offer')
      .regex(/^\d{1,3}$/, 'Days must be a whole number, like 10')
      .transform(Number)
      .refine((days) => days <= 365, 'Days must be 365 or fewer'),
    capacityPeriod: z.enum(CAPACITY_PERIODS, { error: 'Select whether the days are per term or per year' }),
    fundedByLa: z.enum(['yes', 'no'], { error: 'Select whether the LA funds this support' }),
    dailyRate: z
      .string()
      .trim()
      .regex(/^(\d{1,5}(\.\d{2})?)?$/, 'Enter the daily rate in pounds, like 450 or 450.00')
      .refine((rate) => Number(rate) <= DAILY_RATE_MAX_POUNDS, `The daily rate must be £${DAILY_RATE_MAX_POUNDS.toLocaleString('en-GB')} or less`)
      .optional(),
    contactName: optionalText(100, 'Contact name must be 100 characters or fewer'),
    contactEmail: z
      .string({ error: 'Enter a contact email address' })
      .trim()
      .min(1, 'Enter a contact email address')
      .max(254, 'Email address must be 254 characters or fewer')
      .email('Enter an email address in the correct format, like name@example.org')
      .transform((value) => value.toLowerCase()),
    contactPhone: z
      .string()
      .trim()
      .regex(/^[0-9 +()-]{0,30}$/, 'Enter a telephone number, like 01632 960 001')
      .optional()
      .transform((value) => value || undefined),
    contactRoute: optionalText(CONTACT_ROUTE_MAX, `How to get in touch must be ${CONTACT_ROUTE_MAX} characters or fewer`),
    contactOpenData: checkboxes.refine(
      (list) => list.every((item) => (OPEN_DATA_CONTACT_ROUTES as readonly string[]).includes(item)),
      'Select what to publish from the list',
    ),
    'designationAwarded-day': datePart,
    'designationAwarded-month': datePart,
    'designationAwarded-year': datePart,
    'designationExpires-day': datePart,
    'designationExpires-month': datePart,
    'designationExpires-year': datePart,
  })
  .transform((form, context) => {
    const awardedOn = formDate(form, 'designationAwarded');
    const expiresOn = formDate(form, 'designationExpires');
    const designated = DESIGNATED_TYPES.includes(form.providerType);
    const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (awardedOn === 'invalid') problem('designationAwarded', 'Award date must be a real date, like 1 9 2024');
    else if (designated && awardedOn === 'blank') problem('designationAwarded', 'Enter the date the designation was awarded');
    if (expiresOn === 'invalid') problem('designationExpires', 'Expiry date must be a real date, like 31 8 2028');
    else if (designated && expiresOn === 'blank') problem('designationExpires', 'Enter the date the designation expires');
    if (awardedOn instanceof Date && expiresOn instanceof Date && expiresOn <= awardedOn) {
      problem('designationExpires', 'Expiry date must be after the award date');
    }
    const openData = [...new Set(form.contactOpenData)] as OpenDataContactRoute[];
    if (openData.includes('phone') && !form.contactPhone) problem('contactOpenData', 'Enter a contact telephone number to publish it, or untick it');
    if (openData.includes('route') && !form.contactRoute) problem('contactOpenData', 'Say how to get in touch to publish it, or untick it');
    const fundedByLa = form.fundedByLa === 'yes';
    if (!fundedByLa && !form.dailyRate) problem('dailyRate', 'Enter the daily rate, or say the LA funds this support');
    return {
      name: form.name,
      providerType: form.providerType as ProviderType,
      organisation: form.organisation,
      employingSchool: form.employingSchool,
      summary: form.summary,
      experience: form.experience,
      expertise: form.expertise,
      phases: form.phases,
      subjects: form.subjects,
      contexts: form.contexts,
      offers: form.offers,
      areas: (form.areas ?? '').split(',').map((area) => area.trim()).filter(Boolean),
      fundedByLa,
      dailyRatePence: !fundedByLa && form.dailyRate ? Math.round(Number(form.dailyRate) * 100) : undefined,
      designation: {
        awardedOn: awardedOn instanceof Date && designated ? awardedOn : undefined,
        expiresOn: expiresOn instanceof Date && designated ? expiresOn : undefined,
      },
      capacity: { days: form.capacityDays, period: form.capacityPeriod },
      contact: { name: form.contactName, email: form.contactEmail, phone: form.contactPhone, route: form.contactRoute, openData },
    };
  });

export type ListingForm = z.output<typeof listingFormSchema>;

const reason = (missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(REASON_MAX, `Reason must be ${REASON_MAX} characters or fewer`);

export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'changes_requested', 'reject'], { error: 'Select your decision' }),
    reason: z.string().trim().max(REASON_MAX, `Reason must be ${REASON_MAX} characters or fewer`).optional(),
  })
  .superRefine((form, context) => {
    if (form.decision !== 'approve' && !form.reason) {
      context.addIssue({ code: 'custom', path: ['reason'], message: 'Give reasons the provider can act on' });
    }
  });

export const revisionDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject'], { error: 'Select your decision' }),
    reason: z.string().trim().max(REASON_MAX, `Reason must be ${REASON_MAX} characters or fewer`).optional(),
  })
  .superRefine((form, context) => {
    if (form.decision === 'reject' && !form.reason) {
      context.addIssue({ code: 'custom', path: ['reason'], message: 'Say why the changes were not accepted' });
    }
  });

export const suspendSchema = z.object({ reason: reason('Give the reason for suspending this listing') });
export const arrangementSchema = z.object({
  arrangedByLa: z.enum(['yes', 'no'], { error: 'Select how schools ask for this support' }).transform((value) => value === 'yes'),
});

export type DecisionForm = z.output<typeof decisionSchema>;
