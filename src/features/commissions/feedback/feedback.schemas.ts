import { z } from 'zod';
import { OBJECTIVES_MET } from './ratings';

/** The longest each written answer may be: the form shows it too. */
export const FEEDBACK_TEXT_LIMITS = { whatChanged: 3000 } as const;

const rating = (question: string) =>
  z.enum(['1', '2', '3', '4', '5'], { error: `Select a rating for ${question}` }).transform(Number);

export const feedbackSchema = z.object({
  quality: rating('quality of support'),
  impact: rating('impact on pupils’ outcomes'),
  value: rating('value for money'),
  recommend: rating('whether you would recommend them'),
  // Optional: a school may not be ready to say.
  objectivesMet: z.preprocess((value) => (value === '' ? undefined : value), z.enum(OBJECTIVES_MET, { error: 'Select how far the objectives were met' }).optional()),
  whatChanged: z
    .string({ error: 'Tell us what changed as a result' })
    .trim()
    .min(1, 'Tell us what changed as a result')
    .max(FEEDBACK_TEXT_LIMITS.whatChanged, `What changed must be ${FEEDBACK_TEXT_LIMITS.whatChanged} characters or fewer`),
});
export type FeedbackForm = z.output<typeof feedbackSchema>;

/** True when the bytes are a PDF, whatever the file is called: every PDF starts with "%PDF-". */
export function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}
