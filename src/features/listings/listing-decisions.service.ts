import { Types } from 'mongoose';
import { NotAllowedError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import { refreshCheckSummary } from './checks/check-standing';
import { canDecideListings } from './listing-access';
import { REVIEWED_FIELDS } from './listing-revisions';
import { nextReviewDate } from './listing-visibility';
import { Listing, type ListingRecord } from './listing.model';
import { claimListingChange, findListing, RECOMMENDATIONS_NEEDED, standingRecommendationCount, type ListingRules } from './listings.service';
import type { DecisionForm } from './listings.schemas';

export type DecisionResult = { ok: true } | { ok: false; message: string };

const ALREADY_DECIDED = 'Someone has already decided this. The page now shows where the listing stands';

function decider(actor: SessionUser): Types.ObjectId {
  if (!canDecideListings(actor)) throw new NotAllowedError();
  return new Types.ObjectId(actor.id);
}

/**
 * Approve, ask for changes, or reject a submitted listing: one conditional update on status
 * 'submitted', so when two people decide at once exactly one decision lands.
 */
export async function decideListing(actor: SessionUser, id: string, form: DecisionForm, rules: ListingRules): Promise<DecisionResult> {
  const by = decider(actor);
  const listing = await findListing(id);
  const now = new Date();
  if (form.decision === 'approve' && (await standingRecommendationCount(listing)) < RECOMMENDATIONS_NEEDED) {
    return { ok: false, message: 'A recommendation has been withdrawn: this listing no longer has two recommendations' };
  }
  const update =
    form.decision === 'approve'
      ? {
          $set: {
            status: 'approved',
            publishedAt: now,
            lastReviewedAt: now,
            reviewDueOn: nextReviewDate(listing.designation?.expiresOn, now, rules.reviewMonths),
          },
          $unset: { statusReason: 1 },
          $inc: { revision: 1 },
        }
      : { $set: { status: form.decision === 'reject' ? 'rejected' : 'changes_requested', statusReason: form.reason } };
  const decided = (await claimListingChange(listing)) && (await Listing.findOneAndUpdate({ _id: listing._id, status: 'submitted' }, update));
  if (!decided) return { ok: false, message: ALREADY_DECIDED };
  // Going live, it carries the summary of the checks its type needs, however it was started.
  if (form.decision === 'approve') await refreshCheckSummary(listing._id);
  const action = { approve: 'listing_approved', changes_requested: 'listing_changes_requested', reject: 'listing_rejected' }[form.decision];
  await recordAudit({ actor: by, action, subjectType: 'Listing', subjectId: listing._id, reason: form.reason });
  return { ok: true };
}

/** Suspend (with a reason) or reinstate a published listing; a double click records one change. */
export async function setListingSuspended(actor: SessionUser, id: string, suspended: boolean, reason?: string): Promise<DecisionResult> {
  const by = decider(actor);
  const listing = await findListing(id);
  const changed =
    (await claimListingChange(listing)) &&
    (await Listing.findOneAndUpdate(
    { _id: listing._id, status: suspended ? 'approved' : 'suspended' },
    suspended
      ? { $set: { status: 'suspended', statusReason: reason }, $inc: { revision: 1 } }
      : { $set: { status: 'approved' }, $unset: { statusReason: 1 }, $inc: { revision: 1 } },
  ));
  if (!changed) return { ok: false, message: ALREADY_DECIDED };
  await recordAudit({
    actor: by,
    action: suspended ? 'listing_suspended' : 'listing_reinstated',
    subjectType: 'Listing',
    subjectId: listing._id,
    reason,
  });
  return { ok: true };
}

/**
 * Whether schools ask the provider directly or ask the LA, which arranges the support (seed 001: "The
 * deployment of both the ASTs and Lead Practioners is through the LA"). Traded Services set it per listing.
 */
export async function setArrangedByLa(actor: SessionUser, id: string, arrangedByLa: boolean): Promise<DecisionResult> {
  const by = decider(actor);
  const listing = await findListing(id);
  if (!!listing.arrangedByLa === arrangedByLa) return { ok: true };
  const changed =
    (await claimListingChange(listing)) &&
    (await Listing.findOneAndUpdate({ _id: listing._id, arrangedByLa: listing.arrangedByLa ?? { $ne: true } }, { $set: { arrangedByLa }, $inc: { revision: 1 } }));
  if (!changed) return { ok: false, message: ALREADY_DECIDED };
  await recordAudit({ actor: by, action: arrangedByLa ? 'listing_arranged_by_la' : 'listing_requested_directly', subjectType: 'Listing', subjectId: listing._id });
  return { ok: true };
}

/** Traded Services have reviewed a published listing: it is good for another period (or to its designation's expiry). */
export async function recordListingReviewed(actor: SessionUser, id: string, rules: ListingRules): Promise<DecisionResult> {
  const by = decider(actor);
  const listing = await findListing(id);
  const now = new Date();
  const reviewDueOn = nextReviewDate(listing.designation?.expiresOn, now, rules.reviewMonths);
  const changed =
    (await claimListingChange(listing)) &&
    (await Listing.findOneAndUpdate(
      { _id: listing._id, status: { $in: ['approved', 'suspended'] } },
      { $set: { lastReviewedAt: now, reviewDueOn }, $inc: { revision: 1 } },
    ));
  if (!changed) return { ok: false, message: ALREADY_DECIDED };
  await recordAudit({ actor: by, action: 'listing_reviewed', subjectType: 'Listing', subjectId: listing._id, changes: { reviewDueOn } });
  return { ok: true };
}

type PendingRevision = { fields: Record<string, unknown>; changed: string[]; submittedAt: Date };

/**
 * Accept or turn down the pending revision the reviewer saw (matched by when it was submitted, so a
 * newer edit is never approved unseen).
 */
export async function decideRevision(
  actor: SessionUser,
  id: string,
  decision: 'approve' | 'reject',
  seenSubmittedAt: string,
  reason: string | undefined,
  rules: ListingRules,
): Promise<DecisionResult> {
  const by = decider(actor);
  const listing: ListingRecord = await findListing(id);
  const pending = listing.pendingRevision as PendingRevision | undefined;
  if (!pending || new Date(pending.submittedAt).toISOString() !== seenSubmittedAt) return { ok: false, message: ALREADY_DECIDED };
  const filter = { _id: listing._id, 'pendingRevision.submittedAt': pending.submittedAt };
  let update: Record<string, unknown> = { $unset: { pendingRevision: 1, revisionState: 1 } };
  if (decision === 'approve') {
    const set: Record<string, unknown> = Object.fromEntries(REVIEWED_FIELDS.map((field) => [field, pending.fields[field]]));
    const unset = Object.keys(set).filter((field) => set[field] === undefined || set[field] === null);
    for (const field of unset) delete set[field];
    const expiresOn = (pending.fields.designation as { expiresOn?: Date } | undefined)?.expiresOn;
    if (expiresOn && String(expiresOn) !== String(listing.designation?.expiresOn)) {
      set.reviewDueOn = nextReviewDate(new Date(expiresOn), new Date(), rules.reviewMonths);
    }
    update = { $set: set, $unset: { pendingRevision: 1, revisionState: 1, ...Object.fromEntries(unset.map((field) => [field, 1])) }, $inc: { revision: 1 } };
  }
  const changed = (await claimListingChange(listing)) && (await Listing.findOneAndUpdate(filter, update));
  if (!changed) return { ok: false, message: ALREADY_DECIDED };
  // An approved change of type changes the checks it needs: one it lacks takes it out of the directory.
  if (decision === 'approve') await refreshCheckSummary(listing._id);
  await recordAudit({
    actor: by,
    action: decision === 'approve' ? 'revision_approved' : 'revision_rejected',
    subjectType: 'Listing',
    subjectId: listing._id,
    reason,
    changes: { fields: pending.changed },
  });
  return { ok: true };
}
