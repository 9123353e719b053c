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
  /**
   * Which body the listing belongs to, for open data: listings of one provider account under one
   * organisation name are one organisation; two accounts with the same name are two.
   */
  organisationKey?: string;
  summary: string;
  experience: string;
  expertise: string[];
  phases: string[];
  subjects: string[];
  contexts: string[];
  offers: string[];
  areas: string[];
  /**
   * The employing school, whose GIAS grid reference is the provider's base for distances (the index
   * holds the grid references, so a GIAS import moves them without touching listings). Null for a
   * provider with no single base, such as an LA team, which works across the areas it covers.
   */
  employingSchoolId: string | null;
  capacity: { days: number; period: 'term' | 'year' } | null;
  fundedByLa: boolean;
  dailyRatePence: number | null;
  designation: { awardedOn: Date | null; expiresOn: Date | null };
  status: string;
  reviewDueOn: Date | null;
  /** 'short' while the listing lacks two standing recommendations (it is then not listed). */
  recommendationState?: string | null;
  /** The listing's checks in brief (listings/checks/check-status.ts): it leaves the directory when one lapses. */
  checksState?: string | null;
  checksLapseOn?: Date | null;
  publishedAt: Date | null;
  revision: number;
  updatedAt: Date;
  impact?: ImpactSummary;
  /** Only the contact details the provider chose to publish as open data (absent in snapshots from before the choice). */
  publicContact?: PublicContact;
};

export type PublicContact = { email?: string; phone?: string; route?: string };

function publicContactOf(contact: ListingFields['contact'] | undefined): PublicContact {
  const chosen = new Set(contact?.openData ?? []);
  const published: PublicContact = {};
  if (chosen.has('email') && contact?.email) published.email = contact.email;
  if (chosen.has('phone') && contact?.phone) published.phone = contact.phone;
  if (chosen.has('route') && contact?.route) published.route = contact.route;
  return published;
}

type ListingRecord = ListingFields & { _id: { toString(): string }; updatedAt?: Date | null };

function organisationKeyOf(listing: ListingRecord): string {
  const name = (listing.organisation || listing.name).trim().toLowerCase().replace(/\s+/g, ' ');
  const owner = listing.owners?.map((id) => id.toString()).sort()[0];
  return owner ? `owner:${owner}:${name}` : `listing:${listing._id.toString()}`;
}

export function toDirectoryDocument(listing: ListingRecord, impact?: ImpactSummary): DirectoryDocument {
  const capacityDays = listing.capacity?.days;
  return {
    id: listing._id.toString(),
    name: listing.name,
    providerType: listing.providerType,
    organisation: listing.organisation ?? '',
    organisationKey: organisationKeyOf(listing),
    summary: listing.summary ?? '',
    experience: listing.experience ?? '',
    expertise: listing.expertise ?? [],
    phases: listing.phases ?? [],
    subjects: listing.subjects ?? [],
    contexts: listing.contexts ?? [],
    offers: listing.offers ?? [],
    areas: [...new Set(listing.areas ?? [])],
    employingSchoolId: listing.employingSchool?.toString() ?? null,
    capacity: typeof capacityDays === 'number' ? { days: capacityDays, period: listing.capacity?.period === 'year' ? 'year' : 'term' } : null,
    fundedByLa: listing.fundedByLa,
    dailyRatePence: listing.dailyRatePence ?? null,
    designation: { awardedOn: listing.designation?.awardedOn ?? null, expiresOn: listing.designation?.expiresOn ?? null },
    status: listing.status,
    reviewDueOn: listing.reviewDueOn ?? null,
    recommendationState: listing.recommendationState ?? null,
    checksState: listing.checksState ?? null,
    checksLapseOn: listing.checksLapseOn ?? null,
    publishedAt: listing.publishedAt ?? null,
    revision: listing.revision,
    updatedAt: listing.updatedAt ?? new Date(0),
    ...(impact ? { impact } : {}),
    publicContact: publicContactOf(listing.contact ?? undefined),
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
