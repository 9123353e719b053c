import { parse } from 'node:querystring';
import type { RequestHandler } from 'express';

/** C0 control characters (and DEL) except tab, line feed and carriage return: nobody types them into a form. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A string (or each string of an array) without control characters; anything else as it is. */
export const withoutControlCharacters = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(CONTROL_CHARACTERS, '');
  if (Array.isArray(value)) return value.map(withoutControlCharacters);
  return value;
};

/**
 * Removes control characters from every submitted field before anything reads it. A NUL byte pasted
 * into a name would otherwise be stored, and some back ends (FerretDB on PostgreSQL) refuse such text.
 * Nested objects are left alone: the zod schemas refuse them where text is expected.
 */
export const stripControlCharacters: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    for (const [name, value] of Object.entries(body)) body[name] = withoutControlCharacters(value);
  }
  next();
};

/**
 * The app's query-string parser (Express's "simple" one, node:querystring, which makes only strings and
 * arrays of strings), with control characters removed from every name and value: so no value a page
 * reads from its query string, whatever it does with it, can carry a NUL to the database (PostgreSQL
 * cannot store one, and FerretDB answered such a filter with an error).
 */
export function parseQueryString(query: string): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parse(query))) parsed[withoutControlCharacters(name) as string] = withoutControlCharacters(value);
  return parsed;
}
