import type { Request } from 'express';
import type { RequestContext } from './identity';
import { shortUserAgent } from '../lib/user-agent';

/** Where a request came from, as recorded with security events. */
export function requestContext(req: Request): RequestContext {
  return { ip: req.ip ?? 'unknown', userAgent: shortUserAgent(req.get('user-agent')) };
}
