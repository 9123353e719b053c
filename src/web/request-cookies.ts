import type { Request } from 'express';

/**
 * One cookie the browser sent, decoded; '' when its encoding is broken (there, but unusable). Read from
 * the header directly: the service reads only its own two short-lived cookies this way (the session's is
 * express-session's), so it needs no cookie parser for every request.
 */
export function requestCookie(req: Request, name: string): string | undefined {
  const pair = req
    .get('cookie')
    ?.split(/;\s*/)
    .find((each) => each.startsWith(`${name}=`));
  if (pair === undefined) return undefined;
  try {
    return decodeURIComponent(pair.slice(name.length + 1));
  } catch {
    return '';
  }
}
