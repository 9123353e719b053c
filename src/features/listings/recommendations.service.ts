import { Types } from 'mongoose';
import { NotAllowedError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { paths } from '../../paths';
import { activeUserIds } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { notify } from '../notifications/notifications.service';
import { isOwnerOf } from './listing-access';
import type { ListingRecord } from './listing.model';
import { findListing, viewableListing, type ListingRules } from './listings.service';
import { checkRecommendationStanding } from './recommendation-standing';
import { findSchools } from '../schools/school-reads';
import { Recommendation, type RecommendationStatus } from './recommendation.model';
import type { RecommendForm } from './recommendations.schemas';

export type RecommendationResult = { ok: true } | { ok: false; message: string };

const CLOSED_STATUSES: readonly string[] = ['rejected'];

/** Only a school user, for a listing that is not their own school's and not rejected. */
export function canRecommendListing(user: SessionUser, listing: Pick<ListingRecord, 'status' | 'employingSchool'>): boolean {
  return (
    user.role === 'school' &&
    Boolean(user.actingSchoolId) &&
    listing.employingSchool?.toString() !== user.actingSchoolId &&
    !CLOSED_STATUSES.includes(listing.status)
  );
}

/** Owners ask schools to recommend; never their own school. */
export function canRequestRecommendations(user: SessionUser, listing: Pick<ListingRecord, 'status' | 'owners'>): boolean {
  return isOwnerOf(user, listing) && !CLOSED_STATUSES.includes(listing.status);
}

const audit = (actor: SessionUser, action: string, listing: Types.ObjectId, school: Types.ObjectId, reason?: string) =>
  recordAudit({ actor: new Types.ObjectId(actor.id), action, subjectType: 'Listing', subjectId: listing, reason, changes: { school } });

/** The listing, if this user may ask schools to recommend it (its owner, while it can still gather them). */
export async function listingToRequestRecommendationsFor(actor: SessionUser, listingId: string): Promise<ListingRecord> {
  const listing = await findListing(listingId);
  if (!canRequestRecommendations(actor, listing)) throw new NotAllowedError();
  return listing;
}

export async function requestRecommendations(actor: SessionUser, listingId: string, schoolIds: string[]): Promise<RecommendationResult> {
  const listing = await listingToRequestRecommendationsFor(actor, listingId);
  if (schoolIds.some((school) => school === listing.employingSchool?.toString())) {
    return { ok: false, message: 'Your own school cannot recommend your listing' };
  }
  const schools = await findSchools(schoolIds, { _id: 1, name: 1 });
  if (schools.length !== new Set(schoolIds).size) return { ok: false, message: 'Select schools from the list' };
  for (const school of schools) {
    const result = await Recommendation.updateOne(
      { listing: listing._id, school: school._id },
      { $setOnInsert: { status: 'requested', requestedBy: new Types.ObjectId(actor.id), requestedAt: new Date() } },
      { upsert: true },
    );
    if (result.upsertedCount === 0) continue;
    await audit(actor, 'recommendation_requested', listing._id, school._id);
    await notify(await activeUserIds({ role: 'school', school: school._id }), {
      subject: `Recommendation requested: ${listing.name}`,
      text: `${listing.name} asks ${school.name} to recommend them to the local authority. Say what work of theirs you have seen, or decline.`,
      href: paths.recommendations.recommend(listing._id.toString()),
      school: school._id,
    });
  }
  return { ok: true };
}

function schoolOf(actor: SessionUser): Types.ObjectId {
  if (actor.role !== 'school' || !actor.actingSchoolId) throw new NotAllowedError();
  return new Types.ObjectId(actor.actingSchoolId);
}

/** The listing, if this school user may recommend it: the same rule as its page (a draft only for schools asked). */
export async function listingToRecommendFor(actor: SessionUser, listingId: string, rules: ListingRules): Promise<ListingRecord> {
  const listing = await viewableListing(actor, listingId, rules);
  if (!canRecommendListing(actor, listing)) throw new NotAllowedError();
  return listing;
}

/**
 * Recommend a listing the school can see: a live one unasked, a draft only when asked. One conditional
 * upsert: it matches only a record that is not already a standing recommendation, so a second one from
 * the same school hits the unique index and is refused.
 */
export async function recommendListing(actor: SessionUser, listingId: string, form: RecommendForm, rules: ListingRules): Promise<RecommendationResult> {
  const school = schoolOf(actor);
  const listing = await listingToRecommendFor(actor, listingId, rules);
  try {
    await Recommendation.findOneAndUpdate(
      { listing: listing._id, school, status: { $ne: 'given' } },
      { $set: { status: 'given', statement: form.statement, workSeen: form.workSeen, answeredBy: new Types.ObjectId(actor.id), answeredAt: new Date() } },
      { upsert: true },
    );
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { ok: false, message: 'Your school has already recommended this listing' };
    throw error;
  }
  await audit(actor, 'recommendation_given', listing._id, school);
  await checkRecommendationStanding(listing._id, new Types.ObjectId(actor.id));
  return { ok: true };
}

/** Answers the school's own record for a listing it can see (asked, or having recommended it). */
async function answer(actor: SessionUser, listingId: string, rules: ListingRules, from: RecommendationStatus, to: RecommendationStatus, action: string) {
  const school = schoolOf(actor);
  const listing = await viewableListing(actor, listingId, rules);
  const changed = await Recommendation.findOneAndUpdate(
    { listing: listing._id, school, status: from },
    { $set: { status: to, answeredBy: new Types.ObjectId(actor.id), answeredAt: new Date() } },
  );
  if (!changed) return { ok: false as const, message: 'There is nothing to change: this has already been answered' };
  await audit(actor, action, listing._id, school);
  // A withdrawal can leave a live listing short of two; the listing is then marked (recommendation-standing.ts).
  if (to === 'withdrawn') await checkRecommendationStanding(listing._id, new Types.ObjectId(actor.id));
  return { ok: true as const };
}

export const declineRecommendation = (actor: SessionUser, listingId: string, rules: ListingRules) =>
  answer(actor, listingId, rules, 'requested', 'declined', 'recommendation_declined');

/** A withdrawn recommendation stops counting at once, for submission, for approval and for a live listing's place in the directory. */
export const withdrawRecommendation = (actor: SessionUser, listingId: string, rules: ListingRules) =>
  answer(actor, listingId, rules, 'given', 'withdrawn', 'recommendation_withdrawn');

export type SchoolRecommendationRow = { listingId: string; listingName: string; status: RecommendationStatus; answeredAt?: Date };

/** The school's requests waiting for an answer, and what it has already said. */
export async function recommendationsOfSchool(actor: SessionUser): Promise<{ waiting: SchoolRecommendationRow[]; answered: SchoolRecommendationRow[] }> {
  const school = schoolOf(actor);
  const rows = await Recommendation.find({ school })
    .sort({ updatedAt: -1 })
    .populate<{ listing: { _id: Types.ObjectId; name: string } | null }>('listing', 'name')
    .lean();
  const shaped = rows
    .filter((row) => row.listing)
    .map((row) => ({
      listingId: row.listing!._id.toString(),
      listingName: row.listing!.name,
      status: row.status as RecommendationStatus,
      answeredAt: row.answeredAt ?? undefined,
    }));
  return { waiting: shaped.filter((row) => row.status === 'requested'), answered: shaped.filter((row) => row.status !== 'requested') };
}

export type ListingRecommendationRow = { schoolName: string; status: RecommendationStatus; statement?: string; workSeen?: string; answeredAt?: Date };

/**
 * A school's answer as the provider who asked may know it. A decline looks exactly like no answer yet:
 * naming the asked schools beside an anonymous "declined" would name the decliner by elimination.
 */
export function statusShownToAsker(status: RecommendationStatus): RecommendationStatus {
  return status === 'declined' ? 'requested' : status;
}

/**
 * Every school asked or recommending, for the owner's and Traded Services' view of a listing. Only
 * Traded Services (revealDecliners) see which schools declined; the owner sees them as not answered yet.
 */
export async function recommendationsOfListing(listingId: Types.ObjectId, revealDecliners: boolean): Promise<ListingRecommendationRow[]> {
  return (await recommendationRowsOf(listingId)).rows.map((row) => shownRow(row, revealDecliners));
}

/**
 * What the pen portrait shows: the recommendations given, the signed-in school's own answer, and the name of
 * the listing's employing school, named with the recommending schools in the same read.
 */
export async function portraitRecommendations(
  actor: SessionUser,
  listingId: Types.ObjectId,
  employingSchool: Types.ObjectId | null | undefined,
): Promise<{ given: ListingRecommendationRow[]; own?: RecommendationStatus; employingSchoolName?: string }> {
  const { rows, names } = await recommendationRowsOf(listingId, employingSchool ? [employingSchool] : []);
  const ownSchool = actor.role === 'school' ? actor.actingSchoolId : undefined;
  const own = ownSchool ? rows.find((row) => row.school?._id.toString() === ownSchool) : undefined;
  return {
    given: rows.filter((row) => row.status === 'given').map((row) => shownRow(row, true)),
    own: own?.status as RecommendationStatus | undefined,
    employingSchoolName: employingSchool ? names.get(employingSchool.toString()) : undefined,
  };
}

/** A listing's recommendations in the order they were asked for, with their schools' names and those of alsoNamed: two reads. */
async function recommendationRowsOf(listingId: Types.ObjectId, alsoNamed: readonly Types.ObjectId[] = []) {
  const rows = await Recommendation.find({ listing: listingId }).sort({ createdAt: 1 }).lean();
  const ids = [...rows.flatMap((row) => (row.school ? [row.school] : [])), ...alsoNamed];
  const names = new Map(ids.length > 0 ? (await findSchools(ids, { name: 1 })).map((school) => [school._id.toString(), school.name]) : []);
  return {
    rows: rows.map((row) => ({ ...row, school: row.school ? { _id: row.school, name: names.get(row.school.toString()) } : null })),
    names,
  };
}

function shownRow(row: Awaited<ReturnType<typeof recommendationRowsOf>>['rows'][number], revealDecliners: boolean): ListingRecommendationRow {
  const status = row.status as RecommendationStatus;
  const hidden = !revealDecliners && status === 'declined';
  return {
    schoolName: row.school?.name ?? 'A school',
    status: revealDecliners ? status : statusShownToAsker(status),
    statement: row.statement ?? undefined,
    workSeen: row.workSeen ?? undefined,
    answeredAt: hidden ? undefined : (row.answeredAt ?? undefined),
  };
}

/** For each of these listings, the schools that recommend it, in the order they did: one read for them all. */
export async function recommendingSchoolsOf(listingIds: readonly Types.ObjectId[]): Promise<Map<string, string[]>> {
  const rows = await Recommendation.find({ listing: { $in: listingIds }, status: 'given' }, { listing: 1, school: 1 })
    .sort({ createdAt: 1 })
    .populate<{ school: { name: string } | null }>('school', 'name')
    .lean();
  const schools = new Map<string, string[]>();
  for (const row of rows) {
    const key = row.listing.toString();
    schools.set(key, [...(schools.get(key) ?? []), row.school?.name ?? 'A school']);
  }
  return schools;
}

