import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true').optional().catch(undefined);
const uuid = z.string().trim().toLowerCase().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/).optional().catch(undefined);

/** Paging and filters of the Open Referral API's lists; anything unusable is simply not applied. */
export const hsdsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  per_page: z.coerce.number().int().min(1).max(1000).catch(50),
  search: z.string().trim().toLowerCase().max(200).optional().catch(undefined),
  full: flag,
  taxonomy_term_id: uuid,
  taxonomy_id: uuid,
  organization_id: uuid,
  parent_id: uuid,
  top_only: flag,
  modified_after: z
    .string()
    .trim()
    .max(40)
    .transform((value) => new Date(value))
    .refine((date) => !Number.isNaN(date.getTime()))
    .optional()
    .catch(undefined),
});

export type HsdsQuery = z.infer<typeof hsdsQuerySchema>;
