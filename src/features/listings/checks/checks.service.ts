import { Types } from 'mongoose';
import { claimOnce } from '../../../db/claims';
import { findInOrder } from '../../../db/id-lookups';
import { NotAllowedError, NotFoundError } from '../../../lib/errors';
import { formatDate, formatDateTime } from '../../../lib/format';
import { paths } from '../../../paths';
import type { SessionUser } from '../../../web/identity';
import { recordAudit } from '../../audit/audit.service';
import { notify } from '../../notifications/notifications.service';
import { canDecideListings, canManageListing, isOwnerOf, type AccessFacts } from '../listing-access';
import { Listing, type ListingRecord } from '../listing.model';
import type { PreparedFile } from '../listing-uploads';
import { PROVIDER_TYPE_LABELS, type ProviderType } from '../listing-vocabulary';
import { findListing } from '../listings.service';
import { StoredFile } from '../stored-file.model';
import { CHECK_EVIDENCE, CHECK_LABELS, CHECK_NAMES, isCheckKind, type CheckKind } from './check-kinds';
import { currentRequirements, requiredKindsFor, type Requirements } from './check-requirements';
import { refreshCheckSummary } from './check-standing';
import { CHECK_STATUS_LABELS, checkStatusOf, DUE_SOON_DAYS, lastValidDay, type CheckFacts, type CheckStatus } from './check-status';
import type { CheckDecisionForm } from './checks.schemas';
import { ProviderCheck, type CheckSubmission, type ProviderCheckRecord } from './provider-check.model';

const DAY_MS = 24 * 60 * 60 * 1000;
const ALREADY_DECIDED = 'Someone has already dealt with this check. The page now shows where it stands';

/** Its owners and Traded Services see a listing's checks; nobody else ever sees a date, a document or which check is missing. */
export function canSeeChecks(user: SessionUser, listing: AccessFacts): boolean {
  return canManageListing(user, listing);
}

/** Owners record checks on any listing of theirs not rejected, while it is drafted, waits for approval or is live. */
export function canRecordChecks(user: SessionUser, listing: AccessFacts): boolean {
  return isOwnerOf(user, listing) && listing.status !== 'rejected';
}

export function canVerifyChecks(user: SessionUser): boolean {
  return canDecideListings(user);
}

async function checkRecordsOf(listingId: Types.ObjectId): Promise<Map<CheckKind, ProviderCheckRecord>> {
  const records = await ProviderCheck.find({ listing: listingId }).lean<ProviderCheckRecord[]>();
  return new Map(records.map((record) => [record.kind as CheckKind, record]));
}

/** The listing and the kind named in a URL, when this listing's type needs that check; otherwise not found. */
async function requiredCheckOf(listingId: string, kindParam: string): Promise<{ listing: ListingRecord; kind: CheckKind; requirements: Requirements }> {
  const listing = await findListing(listingId);
  const requirements = await currentRequirements();
  if (!isCheckKind(kindParam) || !requiredKindsFor(requirements, listing.providerType).includes(kindParam)) throw new NotFoundError();
  return { listing, kind: kindParam, requirements };
}

/** For the upload guard and the form: the check this owner may record, or refused before any file is read. */
export async function recordableCheck(actor: SessionUser, listingId: string, kindParam: string) {
  const listing = await findListing(listingId);
  if (!canRecordChecks(actor, listing)) throw new NotAllowedError();
  return requiredCheckOf(listingId, kindParam);
}

const yesNo = (value: boolean | null | undefined) => (value ? 'Yes' : 'No');

/** A submission's facts as label/value rows, in the words of its kind. */
function factRows(kind: CheckKind, facts: CheckFacts): { label: string; value: string }[] {
  switch (kind) {
    case 'dbs':
      return [
        { label: 'Date of issue or latest status check', value: formatDate(facts.datedOn) },
        { label: 'On the DBS update service', value: facts.updateService && facts.updateServiceRenewsOn ? `Yes, subscription renews ${formatDate(facts.updateServiceRenewsOn)}` : yesNo(facts.updateService) },
      ];
    case 'safeguarding':
      return [{ label: 'Date of the training', value: formatDate(facts.datedOn) }];
    case 'insurance':
      return [{ label: 'Last day of cover', value: formatDate(facts.endsOn) }];
    case 'dpa':
      return [
        { label: 'Signed', value: formatDate(facts.datedOn) },
        { label: 'Ends', value: facts.endsOn ? formatDate(facts.endsOn) : 'No end date' },
      ];
  }
}

const TAG_CLASSES: Record<CheckStatus, string> = {
  current: 'govuk-tag--green',
  due_soon: 'govuk-tag--yellow',
  lapsed: 'govuk-tag--red',
  missing: 'govuk-tag--grey',
  unverified: 'govuk-tag--blue',
};

async function filenamesOf(ids: (Types.ObjectId | null | undefined)[]): Promise<Map<string, string>> {
  const present = ids.filter((id): id is Types.ObjectId => Boolean(id));
  if (present.length === 0) return new Map();
  const files = await StoredFile.find({ _id: { $in: present }, kind: 'check' }, { filename: 1 }).lean();
  return new Map(files.map((file) => [file._id.toString(), file.filename]));
}

function submissionView(listingId: string, kind: CheckKind, submission: CheckSubmission, filenames: Map<string, string>) {
  const evidence = submission.evidence.toString();
  return {
    rows: factRows(kind, submission),
    evidence: { filename: filenames.get(evidence) ?? 'Evidence', href: paths.listings.checkFile(listingId, evidence) },
    submittedAt: formatDateTime(submission.submittedAt),
    submittedAtIso: new Date(submission.submittedAt).toISOString(),
    verifiedAt: submission.verifiedAt ? formatDateTime(submission.verifiedAt) : undefined,
  };
}

/** One check as its owners and Traded Services see it. */
function checkView(listingId: string, kind: CheckKind, record: ProviderCheckRecord | undefined, requirements: Requirements, filenames: Map<string, string>, now: Date) {
  const standing = checkStatusOf(kind, record, requirements.accepted, now);
  return {
    kind,
    label: CHECK_LABELS[kind],
    status: standing.status,
    statusLabel: CHECK_STATUS_LABELS[standing.status],
    tagClass: TAG_CLASSES[standing.status],
    validUntil: record?.verified ? (standing.lapsesOn ? formatDate(lastValidDay(standing.lapsesOn)) : 'No end date') : undefined,
    verified: record?.verified ? submissionView(listingId, kind, record.verified, filenames) : undefined,
    waiting: record?.waiting ? submissionView(listingId, kind, record.waiting, filenames) : undefined,
    returned: record?.returned?.reason && !record.waiting ? { reason: record.returned.reason, at: formatDateTime(record.returned.at) } : undefined,
    recordHref: paths.listings.recordCheck(listingId, kind),
    decideHref: paths.listings.decideCheck(listingId, kind),
  };
}

/** The listing's required checks, where each stands, and what this user may do. */
export async function checksPage(actor: SessionUser, id: string, now = new Date()) {
  const listing = await findListing(id);
  if (!canSeeChecks(actor, listing)) throw new NotAllowedError();
  const [requirements, records] = await Promise.all([currentRequirements(), checkRecordsOf(listing._id)]);
  const kinds = requiredKindsFor(requirements, listing.providerType);
  const filenames = await filenamesOf([...records.values()].flatMap((record) => [record.verified?.evidence, record.waiting?.evidence]));
  const checks = kinds.map((kind) => checkView(id, kind, records.get(kind), requirements, filenames, now));
  return {
    listingId: id,
    name: listing.name,
    typeLabel: PROVIDER_TYPE_LABELS[listing.providerType],
    checks,
    canRecord: canRecordChecks(actor, listing),
    canVerify: canVerifyChecks(actor),
  };
}

/** The record-a-check form: what it asks, and the check as it stands. */
export async function checkFormPage(actor: SessionUser, id: string, kindParam: string, now = new Date()) {
  const { listing, kind, requirements } = await recordableCheck(actor, id, kindParam);
  const record = (await checkRecordsOf(listing._id)).get(kind);
  const filenames = await filenamesOf([record?.verified?.evidence, record?.waiting?.evidence]);
  return {
    listingId: id,
    name: listing.name,
    kind,
    label: CHECK_LABELS[kind],
    evidenceHint: CHECK_EVIDENCE[kind],
    acceptedMonths: kind === 'dbs' || kind === 'safeguarding' ? (requirements.accepted[kind] ?? undefined) : undefined,
    check: checkView(id, kind, record, requirements, filenames, now),
  };
}

/**
 * An owner sends a check with its evidence for Traded Services to verify. It waits beside the verified
 * one (which keeps counting until it lapses); sending again replaces what waits.
 */
export async function submitCheck(actor: SessionUser, id: string, kindParam: string, facts: CheckFacts, evidence: PreparedFile, now = new Date()): Promise<void> {
  const { listing, kind } = await recordableCheck(actor, id, kindParam);
  const by = new Types.ObjectId(actor.id);
  const file = await StoredFile.create({ listing: listing._id, kind: 'check', ...evidence, size: evidence.data.length, uploadedBy: by });
  const previous = await ProviderCheck.findOne({ listing: listing._id, kind }, { waiting: 1 }).lean();
  const update = { $set: { waiting: { ...facts, evidence: file._id, submittedBy: by, submittedAt: now }, waitingState: 'waiting' }, $unset: { returned: 1 } };
  try {
    await ProviderCheck.updateOne({ listing: listing._id, kind }, update, { upsert: true });
  } catch (error) {
    // Two first submissions at once: the unique index kept one record; this one is written into it.
    if ((error as { code?: number }).code !== 11000) throw error;
    await ProviderCheck.updateOne({ listing: listing._id, kind }, update);
  }
  if (previous?.waiting?.evidence) await StoredFile.deleteOne({ _id: previous.waiting.evidence, kind: 'check' });
  await recordAudit({ actor: by, action: 'check_submitted', subjectType: 'Listing', subjectId: listing._id, changes: { check: kind } });
}

/** Traded Services' page to verify or return the check that waits. */
export async function checkDecisionPage(actor: SessionUser, id: string, kindParam: string, now = new Date()) {
  if (!canVerifyChecks(actor)) throw new NotAllowedError();
  const { listing, kind, requirements } = await requiredCheckOf(id, kindParam);
  const record = (await checkRecordsOf(listing._id)).get(kind);
  const filenames = await filenamesOf([record?.verified?.evidence, record?.waiting?.evidence]);
  return { listingId: id, name: listing.name, kind, label: CHECK_LABELS[kind], check: checkView(id, kind, record, requirements, filenames, now) };
}

export type CheckDecisionResult = { ok: true; verified: boolean; backInDirectory: boolean } | { ok: false; message: string };

/**
 * Traded Services verify the waiting check (it becomes the one that counts, and the listing's summary is
 * re-summed) or return it with what to put right. Only the submission they saw (`submittedAt`), once.
 */
export async function decideCheck(actor: SessionUser, id: string, kindParam: string, form: CheckDecisionForm, now = new Date()): Promise<CheckDecisionResult> {
  if (!canVerifyChecks(actor)) throw new NotAllowedError();
  const { listing, kind } = await requiredCheckOf(id, kindParam);
  const record = await ProviderCheck.findOne({ listing: listing._id, kind }).lean<ProviderCheckRecord>();
  const waiting = record?.waiting;
  if (!record || !waiting || new Date(waiting.submittedAt).toISOString() !== form.submittedAt) return { ok: false, message: ALREADY_DECIDED };
  if (!(await claimOnce(`check-decision:${record._id.toString()}:${new Date(waiting.submittedAt).getTime()}`))) return { ok: false, message: ALREADY_DECIDED };
  const by = new Types.ObjectId(actor.id);
  const filter = { _id: record._id, 'waiting.submittedAt': waiting.submittedAt };
  const href = paths.listings.checks(id);
  if (form.decision === 'return') {
    await ProviderCheck.updateOne(filter, { $unset: { waiting: 1, waitingState: 1 }, $set: { returned: { reason: form.reason, at: now, by } } });
    await StoredFile.deleteOne({ _id: waiting.evidence, kind: 'check' });
    await recordAudit({ actor: by, action: 'check_returned', subjectType: 'Listing', subjectId: listing._id, reason: form.reason, changes: { check: kind } });
    await notify(listing.owners ?? [], {
      subject: `Traded Services could not verify the ${CHECK_NAMES[kind]} for ${listing.name}`,
      text: `Traded Services returned the ${CHECK_NAMES[kind]} you sent for ${listing.name}: ${form.reason} Record it again with what they asked for.`,
      href,
    });
    return { ok: true, verified: false, backInDirectory: false };
  }
  await ProviderCheck.updateOne(filter, { $set: { verified: { ...waiting, verifiedBy: by, verifiedAt: now } }, $unset: { waiting: 1, waitingState: 1, returned: 1 } });
  if (record.verified?.evidence) await StoredFile.deleteOne({ _id: record.verified.evidence, kind: 'check' });
  const change = await refreshCheckSummary(listing._id, now);
  const backInDirectory = listing.status === 'approved' && Boolean(change?.heldBackBefore) && !change?.heldBackAfter;
  await recordAudit({ actor: by, action: 'check_verified', subjectType: 'Listing', subjectId: listing._id, changes: { check: kind } });
  await notify(listing.owners ?? [], {
    subject: `Traded Services verified the ${CHECK_NAMES[kind]} for ${listing.name}`,
    text: `Traded Services have verified the ${CHECK_NAMES[kind]} you sent for ${listing.name}.${backInDirectory ? ` ${listing.name} is back in the directory.` : ''}`,
    href,
  });
  return { ok: true, verified: true, backInDirectory };
}

/** A check's evidence document, to the listing's owners and Traded Services only, and only a document one of its checks holds. */
export async function checkEvidenceFor(actor: SessionUser, id: string, fileId: string) {
  const listing = await findListing(id);
  if (!canSeeChecks(actor, listing)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(fileId)) throw new NotFoundError();
  const records = await checkRecordsOf(listing._id);
  const held = [...records.values()].some((record) => record.verified?.evidence?.toString() === fileId || record.waiting?.evidence?.toString() === fileId);
  // Not lean: a lean read gives the bytes as a BSON Binary, which Express would send as JSON.
  const file = held ? await StoredFile.findOne({ _id: fileId, listing: listing._id, kind: 'check' }) : null;
  if (!file) throw new NotFoundError();
  return { filename: file.filename, contentType: file.contentType, data: file.data };
}

/** The dates the directory keeper follows for every published listing (it knows them without reading every listing). */
export type CheckDates = { listingsWithChecksLapsingBy(moment: Date): Promise<string[]> };

export type CheckQueueRow = { id: string; name: string; typeLabel: string; what: string; when: string; href: string };

/**
 * Traded Services' checks queue: checks waiting to be verified, and published listings whose checks are
 * due or lapsed (a required check never verified, one lapsed, or one lapsing within DUE_SOON_DAYS).
 */
export async function checksQueue(actor: SessionUser, dates: CheckDates, now = new Date()) {
  if (!canVerifyChecks(actor)) throw new NotAllowedError();
  const [waiting, incomplete, lapsingIds] = await Promise.all([
    ProviderCheck.find({ waitingState: 'waiting' }).lean<ProviderCheckRecord[]>(),
    // The marker alone: with status beside it, SQLite may read every published listing by the status index.
    Listing.find({ checksState: 'incomplete' }).sort({ name: 1 }).lean<ListingRecord[]>(),
    dates.listingsWithChecksLapsingBy(new Date(now.getTime() + DUE_SOON_DAYS * DAY_MS)),
  ]);
  const waitingListings = new Map((await findInOrder(Listing, [...new Set(waiting.map((record) => record.listing.toString()))])).map((listing) => [listing._id.toString(), listing]));
  const toVerify: CheckQueueRow[] = waiting
    .filter((record) => record.waiting && waitingListings.has(record.listing.toString()))
    .sort((a, b) => new Date(a.waiting!.submittedAt).getTime() - new Date(b.waiting!.submittedAt).getTime())
    .map((record) => {
      const listing = waitingListings.get(record.listing.toString())!;
      const id = listing._id.toString();
      return { id, name: listing.name, typeLabel: PROVIDER_TYPE_LABELS[listing.providerType], what: CHECK_LABELS[record.kind as CheckKind], when: formatDate(record.waiting!.submittedAt), href: paths.listings.decideCheck(id, record.kind) };
    });
  const row = (listing: ListingRecord, what: string, when: string): CheckQueueRow => ({
    id: listing._id.toString(),
    name: listing.name,
    typeLabel: PROVIDER_TYPE_LABELS[listing.providerType as ProviderType],
    what,
    when,
    href: paths.listings.checks(listing._id.toString()),
  });
  const lapsing = (await findInOrder(Listing, lapsingIds)).filter((listing) => listing.status === 'approved' && listing.checksState === 'verified' && listing.checksLapseOn);
  const dueOrLapsed = [
    ...incomplete.filter((listing) => listing.status === 'approved').map((listing) => row(listing, 'A required check is missing', 'Not in the directory')),
    ...lapsing.map((listing) =>
      listing.checksLapseOn! <= now
        ? row(listing, 'A check has lapsed', `Left the directory on ${formatDate(listing.checksLapseOn)}`)
        : row(listing, 'A check is due for renewal', `Valid until ${formatDate(lastValidDay(listing.checksLapseOn!))}`),
    ),
  ];
  return { toVerify, dueOrLapsed };
}

/** How many of a provider's own listings have a required check to record or renew (missing, returned, lapsed or due), none waiting. */
export async function countListingsNeedingChecks(actor: SessionUser, ownListings: readonly ListingRecord[], now = new Date()): Promise<number> {
  const listings = ownListings.filter((listing) => canRecordChecks(actor, listing));
  if (actor.role !== 'provider' || listings.length === 0) return 0;
  const [requirements, records] = await Promise.all([
    currentRequirements(),
    ProviderCheck.find({ listing: { $in: listings.map((listing) => listing._id) } }).lean<ProviderCheckRecord[]>(),
  ]);
  const recordOf = new Map(records.map((record) => [`${record.listing.toString()}:${record.kind}`, record]));
  return listings.filter((listing) =>
    requiredKindsFor(requirements, listing.providerType).some((kind) => {
      const { status, waiting } = checkStatusOf(kind, recordOf.get(`${listing._id.toString()}:${kind}`), requirements.accepted, now);
      return !waiting && status !== 'current';
    }),
  ).length;
}

/**
 * On erasing the person a listing is about: their checks and evidence (a DBS certificate, a training
 * record) go, and the listing is re-summed (so a required check is now missing).
 */
export async function eraseChecksOf(listingId: Types.ObjectId): Promise<void> {
  await ProviderCheck.deleteMany({ listing: listingId });
  await StoredFile.deleteMany({ listing: listingId, kind: 'check' });
  await refreshCheckSummary(listingId);
}
