import { z } from 'zod';
import { stringList } from '../schools/schools.schemas';

export const NOMINATION_NOTE_LIMIT = 1000;

const contactName = z.string().trim().max(100, 'Name must be 100 characters or fewer').optional().default('');
const contactEmail = z
  .string()
  .trim()
  .max(254, 'Email address must be 254 characters or fewer')
  .optional()
  .default('')
  .refine((value) => value === '' || z.email().safeParse(value).success, 'Enter an email address in the correct format, like name@example.org')
  .transform((value) => value.toLowerCase());

/** Both or neither: a name without an address (or the reverse) cannot be invited. */
function contactComplete<T extends { contactName: string; contactEmail: string }>(form: T, context: z.RefinementCtx): void {
  if (form.contactName && !form.contactEmail) context.addIssue({ code: 'custom', path: ['contactEmail'], message: 'Enter their email address, or leave the name empty too' });
  if (form.contactEmail && !form.contactName) context.addIssue({ code: 'custom', path: ['contactName'], message: 'Enter their full name, or leave the email address empty too' });
}

export const nominationSchema = z
  .object({
    areas: stringList.refine((areas) => areas.length > 0, 'Select at least one area of good practice'),
    note: z.string().trim().max(NOMINATION_NOTE_LIMIT, `The note must be ${NOMINATION_NOTE_LIMIT} characters or fewer`).optional().default(''),
    contactName,
    contactEmail,
  })
  .superRefine(contactComplete);

export const nominationContactSchema = z
  .object({
    contactName: contactName.refine((value) => value !== '', 'Enter the full name of the person who will lead the support'),
    contactEmail: contactEmail.refine((value) => value !== '', 'Enter their email address'),
  })
  .superRefine(contactComplete);

export type NominationForm = z.infer<typeof nominationSchema>;
export type NominationContactForm = z.infer<typeof nominationContactSchema>;
