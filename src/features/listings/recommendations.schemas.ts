import { z } from 'zod';

/** The longest each written answer may be: the form shows it too. */
export const RECOMMENDATION_TEXT_LIMITS = { statement: 1000 } as const;

export const recommendSchema = z.object({
  statement: z
    .string({ error: 'Describe the work you saw' })
    .trim()
    .min(1, 'Describe the work you saw')
    .max(RECOMMENDATION_TEXT_LIMITS.statement, `Your recommendation must be ${RECOMMENDATION_TEXT_LIMITS.statement} characters or fewer`),
  workSeen: z
    .string({ error: 'Say when you saw the work' })
    .trim()
    .min(1, 'Say when you saw the work')
    .max(200, 'When you saw the work must be 200 characters or fewer'),
});

export const requestSchema = z.object({
  schools: z
    .union([z.string(), z.array(z.string())], { error: 'Select at least one school' })
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.string().regex(/^[0-9a-f]{24}$/, 'Select schools from the list')).min(1, 'Select at least one school').max(20)),
});

export type RecommendForm = z.output<typeof recommendSchema>;
