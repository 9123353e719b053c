import type { TermKind } from './taxonomy.model';

/** Which listing field holds slugs of which list. Needs are referenced by school priorities, not listings. */
export const LISTING_FIELD_FOR_KIND = {
  category: 'expertise',
  phase: 'phases',
  subject: 'subjects',
  context: 'contexts',
  offer: 'offers',
} as const satisfies Partial<Record<TermKind, string>>;

export type ListingTermKind = keyof typeof LISTING_FIELD_FOR_KIND;
export type ListingTermField = (typeof LISTING_FIELD_FOR_KIND)[ListingTermKind];

export function listingFieldFor(kind: TermKind): ListingTermField | undefined {
  return (LISTING_FIELD_FOR_KIND as Partial<Record<TermKind, ListingTermField>>)[kind];
}
