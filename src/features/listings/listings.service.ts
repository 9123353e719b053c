import { Types } from 'mongoose';
import { claimOnce } from '../../db/claims';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import { Recommendation } from './recommendation.model';
import { openSchoolIdsAmong, schoolExists } from '../schools/school-reads';
import { areActiveTerms } from '../taxonomy/taxonomy.service';
import type { TermKind } from '../taxonomy/term-kinds';
import { refreshCheckSummary } from './checks/check-standing';
import { canCreateListings, canDecideListings, canEditListing, canManageListing, canSubmitListing } from './listing-access';
import { changedReviewedFields, comparable, pickReviewed, type ReviewedValues } from './listing-revisions';
import { isListedInDirectory } from './listing-visibility';
import { Listing, type ListingRecord } from './listing.model';
import type { ListingForm } from './listings.schemas';
import type { PreparedUploads } from './listing-uploads';
import { StoredFile } from './stored-file.model';

export const RECOMMENDATIONS_NEEDED = 2;

export type ListingRules = { reviewMonths: number; reviewGraceDays: number };
export type FieldProblem = { field: string; message: string };
export type SaveResult = { ok: true; id: string; outcome: 'saved' | 'revision_pending' } | { ok: false; problems: FieldProblem[] };

const actorId = (user: SessionUser) => new Types.ObjectId(user.id);

/**
 * Claims the right to change this version of the listing (identified by its last update), so of two
 * people changing it at once exactly one goes ahead; the conditional update still guards the state.
 */
export function claimListingChange(listing: Pick<ListingRecord, '_id' | 'updatedAt'>): Promise<boolean> {
  return claimOnce(`listing:${listing._id.toString()}:${new Date(listing.updatedAt).getTime()}`);
}

export async function findListing(id: string): Promise<ListingRecord> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const listing = await Listing.findById(id).lean<ListingRecord>();
  if (!listing) throw new NotFoundError();
  return listing;
}

/**
 * Owners and Traded Services see any listing; everyone signed in sees one the directory lists; a
 * school asked for (or giving) a recommendation sees the one it is asked about.
 */
export async function canViewListing(user: SessionUser, listing: ListingRecord, rules: ListingRules, now = new Date()): Promise<boolean> {
  if (canManageListing(user, listing)) return true;
  if (isListedInDirectory(listing, now, rules.reviewGraceDays)) return true;
  if (user.role !== 'school' || !user.actingSchoolId) return false;
  return Boolean(await Recommendation.exists({ listing: listing._id, school: new Types.ObjectId(user.actingSchoolId) }));
}

export async function viewableListing(user: SessionUser, id: string, rules: ListingRules): Promise<ListingRecord> {
  const listing = await findListing(id);
  if (!(await canViewListing(user, listing, rules))) throw new NotAllowedError();
  return listing;
}

export async function editableListing(user: SessionUser, id: string): Promise<ListingRecord> {
  const listing = await findListing(id);
  if (!canEditListing(user, listing)) throw new NotAllowedError();
  return listing;
}

export async function evidenceFilesOf(listing: Pick<ListingRecord, 'evidence'>) {
  if (!listing.evidence?.length) return [];
  const files = await StoredFile.find({ _id: { $in: listing.evidence } }, { filename: 1, size: 1 }).lean();
  return files.map((file) => ({ id: file._id.toString(), filename: file.filename, sizeKb: Math.ceil(file.size / 1024) }));
}

const TAXONOMY_FIELDS: [keyof ListingForm & string, TermKind, string][] = [
  ['expertise', 'category', 'Select areas of expertise from the list'],
  ['phases', 'phase', 'Select phases from the list'],
  ['subjects', 'subject', 'Select subjects from the list'],
  ['contexts', 'context', 'Select school contexts from the list'],
  ['offers', 'offer', 'Select the support you offer from the list'],
];

/** Problems the form schema cannot see: terms must be active taxonomy terms, the school must exist. */
async function referenceProblems(form: ListingForm): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const [field, kind, message] of TAXONOMY_FIELDS) {
    if (!(await areActiveTerms(kind, form[field] as string[]))) problems.push({ field, message });
  }
  if (form.employingSchool && !(await schoolExists(form.employingSchool))) {
    problems.push({ field: 'employingSchool', message: 'Select a school from the list' });
  }
  return problems;
}

function uploadProblems(uploads: PreparedUploads): FieldProblem[] {
  return Object.entries(uploads.problems).map(([field, message]) => ({ field, message }));
}

function storedFields(form: ListingForm) {
  return {
    ...form,
    employingSchool: form.employingSchool ? new Types.ObjectId(form.employingSchool) : undefined,
  };
}

async function storeFiles(actor: SessionUser, listingId: Types.ObjectId, uploads: PreparedUploads) {
  const save = (kind: 'photo' | 'evidence', file: PreparedUploads['evidence'][number]) =>
    StoredFile.create({ listing: listingId, kind, ...file, size: file.data.length, uploadedBy: actorId(actor) });
  const photo = uploads.photo ? await save('photo', uploads.photo) : undefined;
  const evidence = [];
  for (const document of uploads.evidence) evidence.push(await save('evidence', document));
  return { photo: photo?._id, evidence: evidence.map((file) => file._id) };
}

export async function createListing(actor: SessionUser, form: ListingForm, uploads: PreparedUploads): Promise<SaveResult> {
  if (!canCreateListings(actor)) throw new NotAllowedError();
  const problems = [...(await referenceProblems(form)), ...uploadProblems(uploads)];
  if (problems.length > 0) return { ok: false, problems };
  const listing = await Listing.create({ ...storedFields(form), owners: [actorId(actor)], status: 'draft' });
  const files = await storeFiles(actor, listing._id, uploads);
  if (files.photo || files.evidence.length > 0) {
    await Listing.updateOne({ _id: listing._id }, { $set: { photo: files.photo }, $push: { evidence: { $each: files.evidence } } });
  }
  await refreshCheckSummary(listing._id);
  await recordAudit({ actor: actorId(actor), action: 'listing_created', subjectType: 'Listing', subjectId: listing._id });
  return { ok: true, id: listing.id as string, outcome: 'saved' };
}

/**
 * A draft good-practice listing started for the person a nominated school named to lead its support: the
 * school and its areas of good practice filled in, everything else theirs to write before the normal rules
 * (two recommendations, Traded Services' approval) apply.
 */
export async function startGoodPracticeListing(
  actor: SessionUser,
  draft: { owner: Types.ObjectId; school: { _id: Types.ObjectId; name: string }; areas: string[] },
): Promise<Types.ObjectId> {
  if (!canDecideListings(actor)) throw new NotAllowedError();
  const listing = await Listing.create({
    name: draft.school.name,
    providerType: 'good_practice_school',
    organisation: draft.school.name,
    employingSchool: draft.school._id,
    expertise: draft.areas,
    owners: [draft.owner],
    status: 'draft',
  });
  await refreshCheckSummary(listing._id);
  await recordAudit({ actor: actorId(actor), action: 'listing_created', subjectType: 'Listing', subjectId: listing._id, reason: 'Started from a good-practice nomination' });
  return listing._id;
}

/**
 * Saves an owner's edit. Drafts change in place. On a live listing, contact details, capacity and
 * files change at once; other changes wait in a pending revision for Traded Services, the approved
 * version staying visible. Editing again replaces the pending revision; undoing every change drops it.
 */
export async function updateListing(actor: SessionUser, id: string, form: ListingForm, uploads: PreparedUploads): Promise<SaveResult> {
  const listing = await findListing(id);
  if (!canEditListing(actor, listing)) throw new NotAllowedError();
  const problems = [...(await referenceProblems(form)), ...uploadProblems(uploads)];
  if (problems.length > 0) return { ok: false, problems };

  const fields = storedFields(form);
  const files = await storeFiles(actor, listing._id, uploads);
  const fileChanges = {
    ...(files.photo ? { $set: { photo: files.photo } } : {}),
    ...(files.evidence.length > 0 ? { $push: { evidence: { $each: files.evidence } } } : {}),
  };
  const live = listing.status === 'approved' || listing.status === 'suspended';

  if (!live) {
    const updated = await Listing.findOneAndUpdate(
      { _id: listing._id, status: listing.status },
      { ...fileChanges, $set: { ...fields, ...fileChanges.$set } },
    );
    if (!updated) throw new NotAllowedError('This listing changed status while you were editing it');
    // Its type may have changed, and with it the checks it needs.
    await refreshCheckSummary(listing._id);
    await recordAudit({ actor: actorId(actor), action: 'listing_edited', subjectType: 'Listing', subjectId: listing._id });
    return { ok: true, id, outcome: 'saved' };
  }

  const proposed = pickReviewed(fields as ReviewedValues);
  const changed = changedReviewedFields(listing as ReviewedValues, proposed);
  const freeChanged =
    comparable(listing.capacity) !== comparable(fields.capacity) ||
    comparable(listing.contact) !== comparable(fields.contact) ||
    Boolean(files.photo) ||
    files.evidence.length > 0;
  const update: Record<string, unknown> = {
    ...fileChanges,
    $set: { capacity: fields.capacity, contact: fields.contact, ...fileChanges.$set },
    ...(freeChanged ? { $inc: { revision: 1 } } : {}),
  };
  if (changed.length > 0) {
    Object.assign(update.$set as Record<string, unknown>, {
      pendingRevision: { fields: proposed, changed, submittedAt: new Date(), submittedBy: actorId(actor) },
      revisionState: 'waiting',
    });
  } else {
    update.$unset = { pendingRevision: 1, revisionState: 1 };
  }
  const updated = await Listing.findOneAndUpdate({ _id: listing._id, status: { $in: ['approved', 'suspended'] } }, update);
  if (!updated) throw new NotAllowedError('This listing changed status while you were editing it');
  await recordAudit({
    actor: actorId(actor),
    action: changed.length > 0 ? 'revision_submitted' : 'listing_edited',
    subjectType: 'Listing',
    subjectId: listing._id,
    changes: changed.length > 0 ? { fields: changed } : undefined,
  });
  return { ok: true, id, outcome: changed.length > 0 ? 'revision_pending' : 'saved' };
}

/**
 * Recommendations that count: given, not withdrawn, by a school that is open now (a closed school's
 * recommendation lapses) and is not the provider's own (one per school by index).
 */
export async function standingRecommendationCount(listing: Pick<ListingRecord, '_id' | 'employingSchool'>): Promise<number> {
  return (await standingRecommendationCounts([listing])).get(listing._id.toString()) ?? 0;
}

/**
 * standingRecommendationCount for several listings, in two reads whatever their number: the recommendations
 * given to any of them, then which of the recommending schools are open.
 */
export async function standingRecommendationCounts(listings: readonly Pick<ListingRecord, '_id' | 'employingSchool'>[]): Promise<Map<string, number>> {
  if (listings.length === 0) return new Map();
  const given = await Recommendation.find({ listing: { $in: listings.map((listing) => listing._id) }, status: 'given' }, { listing: 1, school: 1 }).lean();
  const open = new Set((await openSchoolIdsAmong(given.map((row) => row.school))).map(String));
  const employing = new Map(listings.map((listing) => [listing._id.toString(), listing.employingSchool?.toString()]));
  const counts = new Map(listings.map((listing) => [listing._id.toString(), 0]));
  for (const row of given) {
    const listing = row.listing.toString();
    const school = row.school.toString();
    // A provider's own school does not count towards its two.
    if (school !== employing.get(listing) && open.has(school)) counts.set(listing, (counts.get(listing) ?? 0) + 1);
  }
  return counts;
}

export type SubmitResult = { ok: true } | { ok: false; message: string };

export async function submitListing(actor: SessionUser, id: string): Promise<SubmitResult> {
  const listing = await findListing(id);
  if (!canSubmitListing(actor, listing)) throw new NotAllowedError();
  const standing = await standingRecommendationCount(listing);
  if (standing < RECOMMENDATIONS_NEEDED) {
    return {
      ok: false,
      message: `You have ${standing} of ${RECOMMENDATIONS_NEEDED} recommendations. Two schools (not your own) must recommend this listing before you can send it for approval`,
    };
  }
  const submitted =
    (await claimListingChange(listing)) &&
    (await Listing.findOneAndUpdate(
      { _id: listing._id, status: { $in: ['draft', 'changes_requested'] } },
      { $set: { status: 'submitted' }, $unset: { statusReason: 1 } },
    ));
  if (!submitted) return { ok: false, message: 'This listing has already been sent for approval' };
  await recordAudit({ actor: actorId(actor), action: 'listing_submitted', subjectType: 'Listing', subjectId: listing._id });
  return { ok: true };
}

/** A file of a listing, to a user allowed to see that listing (and only files the listing holds). */
export async function fileForViewer(actor: SessionUser, listingId: string, fileId: string, rules: ListingRules) {
  const listing = await viewableListing(actor, listingId, rules);
  const held = [listing.photo, ...listing.evidence].some((file) => file?.toString() === fileId);
  if (!held || !Types.ObjectId.isValid(fileId)) throw new NotFoundError();
  const file = await StoredFile.findOne({ _id: fileId, listing: listing._id });
  if (!file) throw new NotFoundError();
  return { filename: file.filename, contentType: file.contentType, kind: file.kind, data: file.data };
}

export async function removeEvidence(actor: SessionUser, listingId: string, fileId: string): Promise<void> {
  const listing = await findListing(listingId);
  if (!canEditListing(actor, listing)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(fileId)) throw new NotFoundError();
  const file = new Types.ObjectId(fileId);
  const live = listing.status === 'approved' || listing.status === 'suspended';
  const updated = await Listing.findOneAndUpdate(
    { _id: listing._id, evidence: file },
    { $pull: { evidence: file }, ...(live ? { $inc: { revision: 1 } } : {}) },
  );
  if (!updated) return;
  await StoredFile.deleteOne({ _id: file, listing: listing._id });
  await recordAudit({ actor: actorId(actor), action: 'evidence_removed', subjectType: 'Listing', subjectId: listing._id });
}

