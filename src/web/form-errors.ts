import type { z } from 'zod';

/** The shape the error-summary and field partials read. */
export type FormErrors = {
  summary: { href: string; text: string }[];
  byField: Record<string, string>;
};

/** First message per field, in the order the fields appear on the page. */
export function formErrorsFrom(error: z.ZodError, fieldOrder: readonly string[] = []): FormErrors {
  const byField: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !(field in byField)) byField[field] = issue.message;
  }
  return fieldErrors(byField, fieldOrder);
}

export function fieldErrors(byField: Record<string, string>, fieldOrder: readonly string[] = []): FormErrors {
  const rank = (field: string) => {
    const index = fieldOrder.indexOf(field);
    return index === -1 ? fieldOrder.length : index;
  };
  const fields = Object.keys(byField).sort((a, b) => rank(a) - rank(b));
  return { summary: fields.map((field) => ({ href: `#${field}`, text: byField[field]! })), byField };
}

/** What the user typed, to show again beside the errors; passwords are never sent back. */
export function valuesToRedisplay(body: unknown, omit: readonly string[] = []): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body).filter(
      ([key, value]) => !omit.includes(key) && key !== '_csrf' && (typeof value === 'string' || isStringArray(value)),
    ),
  );
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
