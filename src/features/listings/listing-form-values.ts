import type { ListingRecord } from './listing.model';
import type { ReviewedValues } from './listing-revisions';

const dateParts = (name: string, date: unknown): Record<string, string> => {
  if (!date) return {};
  const value = new Date(date as string);
  return {
    [`${name}-day`]: String(value.getUTCDate()),
    [`${name}-month`]: String(value.getUTCMonth() + 1),
    [`${name}-year`]: String(value.getUTCFullYear()),
  };
};

/** The edit form filled from a listing: the pending revision's fields where there is one. */
export function formValuesOf(listing: ListingRecord): Record<string, unknown> {
  const pending = (listing.pendingRevision as { fields: ReviewedValues } | undefined)?.fields;
  const values = (pending ?? listing) as ReviewedValues;
  const designation = values.designation as { awardedOn?: Date; expiresOn?: Date } | undefined;
  const pence = values.dailyRatePence as number | undefined;
  return {
    name: values.name,
    providerType: values.providerType,
    organisation: values.organisation,
    employingSchool: values.employingSchool?.toString(),
    summary: values.summary,
    experience: values.experience,
    expertise: values.expertise,
    phases: values.phases,
    subjects: values.subjects,
    contexts: values.contexts,
    offers: values.offers,
    areas: ((values.areas as string[] | undefined) ?? []).join(', '),
    capacityDays: listing.capacity?.days?.toString(),
    capacityPeriod: listing.capacity?.period,
    fundedByLa: values.fundedByLa ? 'yes' : 'no',
    dailyRate: typeof pence === 'number' ? (pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2)) : undefined,
    contactName: listing.contact?.name,
    contactEmail: listing.contact?.email,
    contactPhone: listing.contact?.phone,
    contactRoute: listing.contact?.route,
    contactOpenData: listing.contact?.openData ?? [],
    ...dateParts('designationAwarded', designation?.awardedOn),
    ...dateParts('designationExpires', designation?.expiresOn),
  };
}
