import { z } from 'zod';
import { isCommonPassword } from './password-strength';
import { ROLES } from '../../web/identity';

export const PASSWORD_MIN_LENGTH = 12;

const emailField = (missing: string) =>
  z
  .string({ error: missing })
  .trim()
  .min(1, missing)
  .max(254, 'Email address must be 254 characters or fewer')
  .email('Enter an email address in the correct format, like name@example.org')
  .transform((value) => value.toLowerCase());

const newPassword = z
  .string({ error: 'Enter a new password' })
  .min(1, 'Enter a new password')
  .min(PASSWORD_MIN_LENGTH, `Password must be ${PASSWORD_MIN_LENGTH} characters or more`)
  .max(128, 'Password must be 128 characters or fewer')
  .refine((password) => password.length > 128 || !isCommonPassword(password), {
    message: 'This password is too easy to guess: it is one of the most common passwords or close to one. Try a few unrelated words',
  });

export const signInSchema = z.object({
  email: emailField('Enter your email address'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(128, 'Enter your password'),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password').max(128),
    newPassword,
    confirmPassword: z.string({ error: 'Enter the new password again' }).min(1, 'Enter the new password again'),
  })
  .refine((form) => form.newPassword === form.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The passwords do not match',
  })
  .refine((form) => form.newPassword !== form.currentPassword, {
    path: ['newPassword'],
    message: 'The new password must be different from your current password',
  });

const URN = /^\d{6}$/;
const URN_FORMAT = 'A URN is 6 digits, like 123456';
/** The most schools one invitation links (a large trust's schools; more are linked on the user's page). */
export const MAX_URNS_PER_INVITATION = 40;

/** The URNs typed in one box, separated by spaces or commas, each once. */
export function urnsIn(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export const inviteUserSchema = z
  .object({
    name: z
      .string({ error: 'Enter the person’s full name' })
      .trim()
      .min(1, 'Enter the person’s full name')
      .max(100, 'Name must be 100 characters or fewer'),
    email: emailField('Enter their email address'),
    role: z.enum(ROLES, { error: 'Select a role' }),
    school: z.string().trim().max(MAX_URNS_PER_INVITATION * 8, `Enter at most ${MAX_URNS_PER_INVITATION} URNs`).optional().default(''),
  })
  .superRefine((form, context) => {
    if (form.role !== 'school') return;
    const urns = urnsIn(form.school);
    if (urns.length === 0) context.addIssue({ code: 'custom', path: ['school'], message: 'Enter the URN of the school this person works at' });
    else if (!urns.every((urn) => URN.test(urn))) context.addIssue({ code: 'custom', path: ['school'], message: `${URN_FORMAT}; separate several with commas` });
    else if (urns.length > MAX_URNS_PER_INVITATION) context.addIssue({ code: 'custom', path: ['school'], message: `Enter at most ${MAX_URNS_PER_INVITATION} URNs` });
  })
  .transform((form) => ({ ...form, schoolUrns: form.role === 'school' ? urnsIn(form.school) : [] }));

/** Traded Services link one more school to a school user. */
export const linkSchoolSchema = z.object({
  urn: z
    .string({ error: 'Enter the URN of the school to link' })
    .trim()
    .min(1, 'Enter the URN of the school to link')
    .max(20, URN_FORMAT)
    .regex(URN, URN_FORMAT),
});

export const setPasswordSchema = z
  .object({
    token: z.string().max(100).optional().default(''),
    newPassword,
    confirmPassword: z.string({ error: 'Enter the password again' }).min(1, 'Enter the password again'),
  })
  .refine((form) => form.newPassword === form.confirmPassword, { path: ['confirmPassword'], message: 'The passwords do not match' });

export const forgottenPasswordSchema = z.object({ email: emailField('Enter your email address') });

/** The longest the erasure reason may be: the form shows it too. */
export const ERASURE_REASON_MAX = 1000;

export const eraseUserSchema = z.object({
  reason: z
    .string({ error: 'Enter why this person’s data is being erased' })
    .trim()
    .min(1, 'Enter why this person’s data is being erased')
    .max(ERASURE_REASON_MAX, `The reason must be ${ERASURE_REASON_MAX} characters or fewer`),
});

export type SignInForm = z.infer<typeof signInSchema>;
export type ChangePasswordForm = z.infer<typeof changePasswordSchema>;
export type InviteUserForm = z.infer<typeof inviteUserSchema>;
export type LinkSchoolForm = z.infer<typeof linkSchoolSchema>;
export type EraseUserForm = z.infer<typeof eraseUserSchema>;
