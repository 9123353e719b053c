import { z } from 'zod';
import { formDate } from '../../lib/dates';
import { optionalCount, stringList } from '../schools/schools.schemas';
import { SIP_RATING_LABELS, SIP_RATINGS, SIP_TEXT_LIMITS, type SipRating } from './sip-vocabulary';

/** What the SIP (or Traded Services) keep on the profile: the slugs are checked against the taxonomy by the service. */
export const sipProfileSchema = z.object({
  experience: z
    .string()
    .trim()
    .max(SIP_TEXT_LIMITS.experience, `Experience must be ${SIP_TEXT_LIMITS.experience} characters or fewer`)
    .optional()
    .default(''),
  phases: stringList,
  specialisms: stringList,
});

const datePart = z.string().trim().optional().default('');

function renewalDateOf(form: Record<string, unknown>): Date | null {
  const date = formDate(form, 'renewalDate');
  return date instanceof Date ? date : null;
}

/** What Traded Services record: the licence to practise and its renewal date, and the SIP's capacity. */
export const sipLicenceSchema = z
  .object({
    reference: z
      .string()
      .trim()
      .max(SIP_TEXT_LIMITS.licenceReference, `Reference must be ${SIP_TEXT_LIMITS.licenceReference} characters or fewer`)
      .regex(/^[A-Za-z0-9 /-]*$/, 'Reference must be letters, numbers, spaces, hyphens and slashes only')
      .optional()
      .default(''),
    'renewalDate-day': datePart,
    'renewalDate-month': datePart,
    'renewalDate-year': datePart,
    capacityDays: optionalCount(365, 'Enter a number of days from 0 to 365, or leave it empty', true),
  })
  .refine((form) => renewalDateOf(form) !== null, {
    path: ['renewalDate'],
    message: 'Enter the licence’s real renewal date, for example 31 8 2027',
    // Checked even when other fields are wrong, so every problem shows at once.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .transform((form) => ({ reference: form.reference, renewalDate: renewalDateOf(form)!, capacityDays: form.capacityDays }));

export const daysPerSchoolSchema = z.object({
  daysPerSchool: optionalCount(365, 'Enter a number of days from 0 to 365, or leave it empty', true),
});

export const assignSipSchema = z.object({
  sip: z.string({ error: 'Select a School Improvement Partner, or no SIP' }).trim().max(24, 'Select a School Improvement Partner from the list'),
});

const rating = (question: string) => z.enum(['1', '2', '3', '4', '5'], { error: `Select a rating for ${question}` }).transform(Number);

export const sipFeedbackSchema = z.object({
  ...(Object.fromEntries(SIP_RATINGS.map((name) => [name, rating(SIP_RATING_LABELS[name].toLowerCase())])) as Record<SipRating, ReturnType<typeof rating>>),
  comment: z
    .string()
    .trim()
    .max(SIP_TEXT_LIMITS.feedbackComment, `Comment must be ${SIP_TEXT_LIMITS.feedbackComment} characters or fewer`)
    .optional()
    .default(''),
});

export type SipProfileForm = z.infer<typeof sipProfileSchema>;
export type SipLicenceForm = z.infer<typeof sipLicenceSchema>;
export type SipFeedbackForm = z.infer<typeof sipFeedbackSchema>;
