import type { ListingFields } from '../listings/listing.model';
import type { ProviderType } from '../listings/listing-vocabulary';

/**
 * Aggregated impact feedback, once the feedback feature exists and a listing has enough responses.
 * Absent means "not known yet", which sorts after any known rating.
 */
export type ImpactSummary = { score: number; responses: number };

/** What the directory keeps in memory about one listed provider: the fields search, facets and results use. */
export type DirectoryDocument = {
  id: string;
  name: string;
  providerType: ProviderType;
  organisation: string;
  summary: string;
  experience: string;
  expertise: string[];
  phases: string[];
  subjects: string[];
  contexts: string[];
  offers: string[];
  areas: string[];
  capacity: { days: number; period: 'term' | 'year' } | null;
  fundedByLa: boolean;
  dailyRatePence: number | null;
  designation: { awardedOn: Date | null; expiresOn: Date | null };
  status: string;
  reviewDueOn: Date | null;
  publishedAt: Date | null;
  revision: number;
  updatedAt: Date;
  impact?: ImpactSummary;
};

type ListingRecord = ListingFields & { _id: { toString(): string }; updatedAt?: Date | null };

export function toDirectoryDocument(listing: ListingRecord, impact?: ImpactSummary): DirectoryDocument {
  const capacityDays = listing.capacity?.days;
  return {
    id: listing._id.toString(),
    name: listing.name,
    providerType: listing.providerType,
    organisation: listing.organisation ?? '',
    summary: listing.summary ?? '',
    experience: listing.experience ?? '',
    expertise: listing.expertise ?? [],
    phases: listing.phases ?? [],
    subjects: listing.subjects ?? [],
    contexts: listing.contexts ?? [],
    offers: listing.offers ?? [],
    areas: [...new Set(listing.areas ?? [])],
    capacity: typeof capacityDays === 'number' ? { days: capacityDays, period: listing.capacity?.period === 'year' ? 'year' : 'term' } : null,
    fundedByLa: listing.fundedByLa,
    dailyRatePence: listing.dailyRatePence ?? null,
    designation: { awardedOn: listing.designation?.awardedOn ?? null, expiresOn: listing.designation?.expiresOn ?? null },
    status: listing.status,
    reviewDueOn: listing.reviewDueOn ?? null,
    publishedAt: listing.publishedAt ?? null,
    revision: listing.revision,
    updatedAt: listing.updatedAt ?? new Date(0),
    ...(impact ? { impact } : {}),
  };
}

/** Days available over a year, so "5 days a term" and "12 days a year" compare (three terms a year). */
export function capacityDaysPerYear(document: DirectoryDocument): number {
  if (!document.capacity) return 0;
  return document.capacity.period === 'term' ? document.capacity.days * 3 : document.capacity.days;
}

export function hasCapacity(document: DirectoryDocument): boolean {
  return (document.capacity?.days ?? 0) > 0;
}
