/** The words of a listing (provider types, statuses, capacity periods): plain data any layer above may use. */

export const PROVIDER_TYPES = [
  'nle',
  'lle',
  'sle',
  'ast',
  'lead_professional',
  'professional_partner',
  'traded_service',
  'good_practice_school',
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROVIDER_TYPE_LABELS: Record<ProviderType, string> = {
  nle: 'National Leader of Education',
  lle: 'Local Leader of Education',
  sle: 'Specialist Leader of Education',
  ast: 'Advanced Skills Teacher',
  lead_professional: 'Lead professional',
  professional_partner: 'Professional partner',
  traded_service: 'Traded service',
  good_practice_school: 'Good-practice school',
};

/** Types that hold a designation awarded for a period, which must be re-accredited. */
export const DESIGNATED_TYPES: readonly ProviderType[] = ['nle', 'lle', 'sle', 'ast'];

export const LISTING_STATUSES = ['draft', 'submitted', 'approved', 'changes_requested', 'rejected', 'suspended'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const CAPACITY_PERIODS = ['term', 'year'] as const;

/**
 * Which of their contact details a provider publishes in the open-data feed (src/features/directory/
 * open-data.ts), for other councils and tools to reach them; none unless they tick it.
 */
export const OPEN_DATA_CONTACT_ROUTES = ['email', 'phone', 'route'] as const;
export type OpenDataContactRoute = (typeof OPEN_DATA_CONTACT_ROUTES)[number];

export const LISTING_STATUS_LABELS: Record<ListingStatus, string> = {
  draft: 'Draft',
  submitted: 'Awaiting approval',
  approved: 'Published',
  changes_requested: 'Changes requested',
  rejected: 'Rejected',
  suspended: 'Suspended',
};
