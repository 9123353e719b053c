import type { Types } from 'mongoose';
import { findInOrder } from '../../db/id-lookups';
import { NotAllowedError } from '../../lib/errors';
import { formatDate, formatDateTime, formatPounds } from '../../lib/format';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import { historyOf } from '../audit/audit.service';
import {
  canRecommendListing,
  canRequestRecommendations,
  portraitRecommendations,
  recommendationsOfListing,
} from './recommendations.service';
import { schoolNameOf } from '../schools/schools.service';
import { termResolver, type TermResolver } from '../taxonomy/taxonomy.service';
import type { TermKind } from '../taxonomy/term-kinds';
import { CHECK_LABELS, type CheckKind } from './checks/check-kinds';
import { checksHoldBack, checksUpToDate } from './checks/check-status';
import { canDecideListings, canEditListing, canManageListing, canSubmitListing, isOwnerOf } from './listing-access';
import { contactShown } from './listing-handout';
import { changedReviewedFields, REVIEWED_FIELD_LABELS, type ReviewedField, type ReviewedValues } from './listing-revisions';
import { isListedInDirectory, reviewStateOf, type ReviewState } from './listing-visibility';
import { Listing, listingsOwnedBy, type ListingRecord } from './listing.model';
import { listingsBelowTwoRecommendations } from './recommendation-standing';
import { DESIGNATED_TYPES, LISTING_STATUS_LABELS, PROVIDER_TYPE_LABELS, type ProviderType } from './listing-vocabulary';
import { evidenceFilesOf, findListing, RECOMMENDATIONS_NEEDED, standingRecommendationCount, standingRecommendationCounts, type ListingRules } from './listings.service';

type PendingRevision = { fields: ReviewedValues; changed: ReviewedField[]; submittedAt: Date };
const pendingOf = (listing: ListingRecord) => listing.pendingRevision as PendingRevision | undefined;

const TERM_FIELDS: [ReviewedField, TermKind][] = [
  ['expertise', 'category'],
  ['phases', 'phase'],
  ['subjects', 'subject'],
  ['contexts', 'context'],
  ['offers', 'offer'],
];

function termLabels(terms: TermResolver, kind: TermKind, slugs: unknown): string[] {
  return terms(kind, (slugs as string[] | undefined) ?? []).map((term) => term.label);
}

const schoolName = schoolNameOf;

/**
 * What the pen portrait shows from features above listings: the impact ratings (feedback), whether this
 * user may ask for support (commissions) and whether they make shortlists (directory). createApp passes them in.
 */
export type PenPortraitParts = {
  impactRows(listingId: ListingRecord['_id']): Promise<{ schools: number; overall: string; rows: { label: string; average: string }[] } | null>;
  canAskForSupport(actor: SessionUser): boolean;
  canMakeShortlists(actor: SessionUser): boolean;
};

function rateText(values: ReviewedValues): string {
  if (values.fundedByLa) return 'Funded by the LA';
  return typeof values.dailyRatePence === 'number' ? `${formatPounds(values.dailyRatePence)} a day` : 'Not given';
}

/** One field's value as a reader sees it, for the pen portrait and the reviewers' diff. */
async function displayValue(field: ReviewedField, values: ReviewedValues, terms: TermResolver): Promise<string> {
  const termKind = TERM_FIELDS.find(([name]) => name === field)?.[1];
  if (termKind) return termLabels(terms, termKind, values[field]).join(', ');
  switch (field) {
    case 'providerType':
      return PROVIDER_TYPE_LABELS[values.providerType as ProviderType] ?? '';
    case 'employingSchool':
      return (await schoolName(values.employingSchool)) ?? '';
    case 'fundedByLa':
      return values.fundedByLa ? 'Yes' : 'No';
    case 'dailyRatePence':
      return rateText(values);
    case 'areas':
      return ((values.areas as string[] | undefined) ?? []).join(', ');
    case 'designation': {
      const designation = values.designation as { awardedOn?: Date; expiresOn?: Date } | undefined;
      if (!designation?.awardedOn && !designation?.expiresOn) return '';
      return `Awarded ${formatDate(designation.awardedOn)}, expires ${formatDate(designation.expiresOn)}`;
    }
    default:
      return values[field] === undefined || values[field] === null ? '' : String(values[field]);
  }
}

/** The pen portrait as shown: the published version, or (owners and Traded Services) the pending one. */
export async function penPortraitPage(actor: SessionUser, listing: ListingRecord, wantPending: boolean, rules: ListingRules, parts: PenPortraitParts) {
  const pending = pendingOf(listing);
  const showingPending = wantPending && Boolean(pending) && canManageListing(actor, listing);
  const values: ReviewedValues = showingPending ? pending!.fields : (listing as ReviewedValues);
  const designation = values.designation as { awardedOn?: Date; expiresOn?: Date } | undefined;
  // Read side by side: the page waits for the slowest read, not for their sum.
  const [files, terms, recommendations, impact] = await Promise.all([
    evidenceFilesOf(listing),
    termResolver(),
    portraitRecommendations(actor, listing._id, values.employingSchool as Types.ObjectId | null | undefined),
    parts.impactRows(listing._id),
  ]);
  const id = listing._id.toString();
  const now = new Date();
  const listed = isListedInDirectory(listing, now, rules.reviewGraceDays);
  return {
    listingId: id,
    showingPending,
    hasPending: Boolean(pending) && canManageListing(actor, listing),
    canManage: canManageListing(actor, listing),
    listed,
    statusLabel: LISTING_STATUS_LABELS[listing.status],
    portrait: {
      name: String(values.name),
      typeLabel: PROVIDER_TYPE_LABELS[values.providerType as ProviderType],
      designated: DESIGNATED_TYPES.includes(values.providerType as ProviderType),
      designationAwarded: formatDate(designation?.awardedOn),
      designationExpires: formatDate(designation?.expiresOn),
      organisation: values.organisation ? String(values.organisation) : undefined,
      employingSchoolName: recommendations.employingSchoolName,
      summary: String(values.summary ?? ''),
      experience: String(values.experience ?? ''),
      expertise: termLabels(terms, 'category', values.expertise),
      phases: termLabels(terms, 'phase', values.phases),
      subjects: termLabels(terms, 'subject', values.subjects),
      contexts: termLabels(terms, 'context', values.contexts),
      offers: termLabels(terms, 'offer', values.offers),
      areas: (values.areas as string[] | undefined) ?? [],
      capacity: listing.capacity?.days !== undefined && listing.capacity.days !== null ? `${listing.capacity.days} days a ${listing.capacity.period}` : 'Not given',
      rate: rateText(values),
      contact: contactShown(listing.contact),
      photoUrl: listing.photo ? paths.listings.file(id, listing.photo.toString()) : undefined,
      evidence: files.map((file) => ({ ...file, href: paths.listings.file(id, file.id) })),
      recommendations: recommendations.given,
      lastReviewed: formatDate(listing.lastReviewedAt),
      impact,
      // All anyone but its owners and Traded Services learns of its checks: never dates, documents or which is missing.
      checksUpToDate: checksUpToDate(listing, now),
    },
    canAskForSupport: listing.status === 'approved' && parts.canAskForSupport(actor),
    // A school asks the LA for support it deploys; brokers arrange it either way.
    askTheLa: !!listing.arrangedByLa && actor.role === 'school',
    canShortlist: !showingPending && listed && parts.canMakeShortlists(actor),
    canRecommend: canRecommendListing(actor, listing) && recommendations.own !== 'given',
    canWithdraw: recommendations.own === 'given',
  };
}


/** Where a listing stands and what is missing, with the actions this user may take. */
export async function listingStatusPage(actor: SessionUser, listing: ListingRecord, rules: ListingRules) {
  if (!canManageListing(actor, listing)) throw new NotAllowedError();
  const standing = await standingRecommendationCount(listing);
  const pending = pendingOf(listing);
  const now = new Date();
  return {
    listingId: listing._id.toString(),
    name: listing.name,
    status: listing.status,
    statusLabel: LISTING_STATUS_LABELS[listing.status],
    statusReason: listing.statusReason,
    standing,
    needed: RECOMMENDATIONS_NEEDED,
    missing: Math.max(0, RECOMMENDATIONS_NEEDED - standing),
    recommendations: await recommendationsOfListing(listing._id, canDecideListings(actor)),
    pendingSubmittedAt: pending ? formatDateTime(pending.submittedAt) : undefined,
    reviewDueOn: formatDate(listing.reviewDueOn),
    reviewState: listing.status === 'approved' ? reviewStateOf(listing.reviewDueOn, now, rules.reviewGraceDays) : 'not_due',
    lastReviewed: formatDate(listing.lastReviewedAt),
    listed: isListedInDirectory(listing, now, rules.reviewGraceDays),
    shortOfRecommendations: listing.recommendationState === 'short',
    checks: listing.checksState ? { upToDate: !checksHoldBack(listing, now), href: paths.listings.checks(listing._id.toString()) } : undefined,
    arrangedByLa: !!listing.arrangedByLa,
    can: {
      edit: canEditListing(actor, listing),
      submit: canSubmitListing(actor, listing),
      request: canRequestRecommendations(actor, listing),
      decide: canDecideListings(actor) && listing.status === 'submitted',
      suspend: canDecideListings(actor) && listing.status === 'approved',
      reinstate: canDecideListings(actor) && listing.status === 'suspended',
      review: canDecideListings(actor) && (listing.status === 'approved' || listing.status === 'suspended'),
      arrange: canDecideListings(actor),
      decideRevision: canDecideListings(actor) && Boolean(pending),
    },
  };
}

export type OwnListingRow = { id: string; name: string; typeLabel: string; statusLabel: string; recommendations: string; revisionPending: boolean; checksNeeded: boolean };

export async function listingsOfOwner(actor: SessionUser): Promise<OwnListingRow[]> {
  if (actor.role !== 'provider') throw new NotAllowedError();
  const listings = await listingsOwnedBy(actor.id);
  const standing = await standingRecommendationCounts(listings);
  const now = new Date();
  return listings.map((listing) => ({
    id: listing._id.toString(),
    name: listing.name,
    typeLabel: PROVIDER_TYPE_LABELS[listing.providerType],
    statusLabel: LISTING_STATUS_LABELS[listing.status],
    recommendations: `${Math.min(standing.get(listing._id.toString()) ?? 0, RECOMMENDATIONS_NEEDED)} of ${RECOMMENDATIONS_NEEDED} recommendations`,
    revisionPending: Boolean(listing.pendingRevision),
    checksNeeded: checksHoldBack(listing, now),
  }));
}

export type QueueRow = { id: string; name: string; typeLabel: string; statusLabel: string; since: string; reviewDueOn: string; reviewState: ReviewState };

/** Which published listings are due for review: the directory keeper knows every review date without reading every listing. */
/** The directory keeper's list of listings due for review (it follows every review date). */
export type ReviewDates = { listingsDueForReview(): Promise<string[]> };

/**
 * Traded Services' queue: decisions waiting, revisions waiting, reviews due, live listings short of two
 * recommendations, and suspended listings.
 * Each list is found by an index or from memory (FerretDB would read every listing to answer a filter on
 * pendingRevision or a date range), then checked against the listings as read.
 */
export async function approvalQueue(actor: SessionUser, rules: ListingRules, reviewDates: ReviewDates, now = new Date()) {
  if (!canDecideListings(actor)) throw new NotAllowedError();
  const row = (listing: ListingRecord, since: Date | undefined): QueueRow => ({
    id: listing._id.toString(),
    name: listing.name,
    typeLabel: PROVIDER_TYPE_LABELS[listing.providerType],
    statusLabel: LISTING_STATUS_LABELS[listing.status],
    since: formatDate(since),
    reviewDueOn: formatDate(listing.reviewDueOn),
    reviewState: reviewStateOf(listing.reviewDueOn, now, rules.reviewGraceDays),
  });
  const [submitted, revisions, overdue, suspended, short] = await Promise.all([
    Listing.find({ status: 'submitted' }).sort({ updatedAt: 1 }).lean<ListingRecord[]>(),
    Listing.find({ revisionState: 'waiting' }).lean<ListingRecord[]>(),
    reviewDates.listingsDueForReview().then((ids) => findInOrder(Listing, ids)),
    Listing.find({ status: 'suspended' }).sort({ name: 1 }).lean<ListingRecord[]>(),
    listingsBelowTwoRecommendations(),
  ]);
  return {
    submitted: submitted.map((listing) => row(listing, listing.updatedAt)),
    revisions: revisions
      .filter((listing) => pendingOf(listing))
      .sort((a, b) => new Date(pendingOf(a)!.submittedAt).getTime() - new Date(pendingOf(b)!.submittedAt).getTime())
      .map((listing) => row(listing, pendingOf(listing)!.submittedAt)),
    overdue: overdue
      .filter((listing) => listing.status === 'approved' && listing.reviewDueOn && listing.reviewDueOn <= now)
      .map((listing) => row(listing, listing.reviewDueOn!)),
    suspended: suspended.map((listing) => row(listing, listing.updatedAt)),
    short: short.map((listing) => row(listing, listing.recommendationsShortSince ?? undefined)),
  };
}

export type DiffRow = { label: string; before: string; after: string };

/** The field-by-field difference between the published version and the pending revision. */
export async function revisionDiffPage(actor: SessionUser, id: string) {
  if (!canDecideListings(actor)) throw new NotAllowedError();
  const listing = await findListing(id);
  const pending = pendingOf(listing);
  if (!pending) return { listingId: id, name: listing.name, rows: [] as DiffRow[], submittedAt: undefined, submittedAtIso: undefined };
  const rows: DiffRow[] = [];
  const terms = await termResolver();
  for (const field of changedReviewedFields(listing as ReviewedValues, pending.fields)) {
    rows.push({
      label: REVIEWED_FIELD_LABELS[field],
      before: await displayValue(field, listing as ReviewedValues, terms),
      after: await displayValue(field, pending.fields, terms),
    });
  }
  return { listingId: id, name: listing.name, rows, submittedAt: formatDateTime(pending.submittedAt), submittedAtIso: new Date(pending.submittedAt).toISOString() };
}

const ACTION_TEXT: Record<string, string> = {
  listing_created: 'Listing created',
  listing_edited: 'Listing edited',
  evidence_removed: 'Evidence document removed',
  listing_submitted: 'Sent for approval',
  listing_approved: 'Approved and published',
  listing_changes_requested: 'Changes requested',
  listing_rejected: 'Rejected',
  listing_suspended: 'Suspended',
  listing_reinstated: 'Reinstated',
  listing_reviewed: 'Reviewed',
  revision_submitted: 'Changes sent for review',
  revision_approved: 'Changes approved and published',
  revision_rejected: 'Changes not accepted',
  recommendation_requested: 'Recommendation requested',
  recommendation_given: 'Recommended',
  recommendation_declined: 'Recommendation request declined',
  recommendation_withdrawn: 'Recommendation withdrawn',
  listing_short_of_recommendations: 'Fewer than two recommendations: left the directory',
  listing_recommendations_restored: 'Two recommendations again: back in the directory',
  check_submitted: 'Check sent to Traded Services',
  check_verified: 'Check verified',
  check_returned: 'Check returned to the provider',
  listing_checks_required: 'Traded Services now need checks it has not got: left the directory',
};

/** Who did what, when and why. The provider is not shown declines at all (see statusShownToAsker). */
export async function listingHistoryPage(actor: SessionUser, id: string) {
  const listing = await findListing(id);
  if (!canManageListing(actor, listing)) throw new NotAllowedError();
  const entries = await historyOf('Listing', listing._id);
  const hideDeclines = isOwnerOf(actor, listing);
  const rows = [];
  for (const entry of entries) {
    if (hideDeclines && entry.action === 'recommendation_declined') continue;
    const changes = (entry.changes ?? {}) as { school?: Types.ObjectId; fields?: ReviewedField[]; check?: CheckKind; missing?: CheckKind[] };
    const checks = [...(changes.check ? [changes.check] : []), ...(changes.missing ?? [])].map((kind) => CHECK_LABELS[kind] ?? kind);
    const school = changes.school ? await schoolName(changes.school) : undefined;
    rows.push({
      at: formatDateTime(entry.at),
      what: `${ACTION_TEXT[entry.action] ?? entry.action}${checks.length ? `: ${checks.join(', ')}` : ''}`,
      who: entry.actor?.name ?? 'Unknown',
      school,
      fields: (changes.fields ?? []).map((field) => REVIEWED_FIELD_LABELS[field] ?? field).join(', '),
      reason: entry.reason ?? undefined,
    });
  }
  return { listingId: id, name: listing.name, rows };
}
