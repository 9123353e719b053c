import { z } from 'zod';
import { SECURITY_EVENT_TYPES } from './security-events';

/** The Security events page's query string: anything unusable is simply not applied. */
export const securityEventsQuerySchema = z.object({
  type: z.enum(SECURITY_EVENT_TYPES).optional().catch(undefined),
  email: z.string().trim().toLowerCase().max(254).optional().catch(undefined),
  user: z.string().regex(/^[0-9a-f]{24}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export type SecurityEventsQuery = z.infer<typeof securityEventsQuerySchema>;
