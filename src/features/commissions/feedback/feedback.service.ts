import { noteListingChanged } from '../../listings/listing-reads';
import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../../lib/errors';
import { formatDate } from '../../../lib/format';
import { safeFilename } from '../../../lib/filenames';
import type { SessionUser } from '../../../web/identity';
import { Commission, type CommissionRecord } from '../commission.model';
import { commissionSummary } from '../commission-page';
import { commissionVisibleTo, markEvaluated } from '../commissions.service';
import { canViewCommission } from '../commission-access';
import { Feedback, FeedbackEvidence, type FeedbackFields } from './feedback.model';
import { averageRating, OBJECTIVES_MET_LABELS, RATING_LABELS, RATINGS, type ObjectivesMet, type Rating } from './ratings';
import { isPdf, type FeedbackForm } from './feedback.schemas';

/** Ratings are shown on a pen portrait only once this many different schools have responded. */
export const MIN_SCHOOLS_FOR_SUMMARY = 3;

const ALREADY_GIVEN = 'Feedback has already been given for this commission';

export type EvidenceUpload = { filename: string; bytes: Buffer } | undefined;
export type FeedbackResult = { ok: true } | { ok: false; field: string; message: string };

/** Only the school that received the support gives feedback on it, once it is completed. */
export function canGiveFeedback(user: SessionUser, commission: CommissionRecord): boolean {
  return user.role === 'school' && user.actingSchoolId === commission.school.toString() && commission.status === 'completed';
}

/**
 * The school's own feedback form asked for once its feedback is in: given by a colleague a moment before
 * (several people can act for one school), not a matter of permission.
 */
export class FeedbackAlreadyGivenError extends Error {
  constructor() {
    super(ALREADY_GIVEN);
  }
}

export async function commissionAwaitingFeedback(user: SessionUser, commissionId: string): Promise<CommissionRecord> {
  const commission = await commissionVisibleTo(user, commissionId);
  const itsSchool = user.role === 'school' && user.actingSchoolId === commission.school.toString();
  if (itsSchool && commission.status === 'evaluated') throw new FeedbackAlreadyGivenError();
  if (!canGiveFeedback(user, commission)) throw new NotAllowedError();
  return commission;
}

export async function giveFeedback(user: SessionUser, commissionId: string, form: FeedbackForm, upload: EvidenceUpload): Promise<FeedbackResult> {
  const commission = await commissionAwaitingFeedback(user, commissionId);
  if (upload && !isPdf(upload.bytes)) return { ok: false, field: 'evidence', message: 'The evidence must be a PDF' };
  const given = await Feedback.findOne({ commission: commission._id }).lean();
  if (given) {
    // Stored, but the app stopped before the commission moved on to evaluated: finish that now.
    await markEvaluated(user.id, commission, given);
    return { ok: false, field: 'quality', message: ALREADY_GIVEN };
  }
  const evidence = upload ? await FeedbackEvidence.create({ filename: safeFilename(upload.filename, 'evidence.pdf'), data: upload.bytes, size: upload.bytes.length }) : undefined;
  let feedback: FeedbackFields;
  try {
    feedback = (
      await Feedback.create({
      commission: commission._id,
      listing: commission.listing,
      school: commission.school,
      givenBy: new Types.ObjectId(user.id),
      listingName: commission.listingName,
      categories: commission.categories,
      termKey: commission.termKey,
      supportLevel: commission.supportLevel,
      ratings: { quality: form.quality, impact: form.impact, value: form.value, recommend: form.recommend },
      objectivesMet: form.objectivesMet,
      whatChanged: form.whatChanged,
      evidence: evidence?._id,
      })
    ).toObject();
    // A new version of the listing, so every directory index picks up its new ratings.
    await noteListingChanged(commission.listing);
  } catch (error) {
    if (evidence) await FeedbackEvidence.deleteOne({ _id: evidence._id });
    if ((error as { code?: number }).code === 11000) return { ok: false, field: 'quality', message: ALREADY_GIVEN };
    throw error;
  }
  await markEvaluated(user.id, commission, feedback);
  return { ok: true };
}

const average = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);
const oneDecimal = (value: number) => value.toFixed(1);

/** The feedback on a commission, for anyone who may see the commission. */
export async function feedbackOnCommission(user: SessionUser, commission: CommissionRecord) {
  if (!(await canViewCommission(user, commission))) throw new NotAllowedError();
  const feedback = await Feedback.findOne({ commission: commission._id }).lean();
  if (!feedback) return null;
  return {
    ratings: RATINGS.map((rating) => ({ text: RATING_LABELS[rating], score: feedback.ratings[rating] })),
    objectivesMet: feedback.objectivesMet ? OBJECTIVES_MET_LABELS[feedback.objectivesMet as ObjectivesMet] : undefined,
    whatChanged: feedback.whatChanged,
    hasEvidence: Boolean(feedback.evidence),
    givenOn: formatDate(feedback.createdAt),
  };
}

export async function evidenceFor(user: SessionUser, commissionId: string) {
  const commission = await commissionVisibleTo(user, commissionId);
  const feedback = await Feedback.findOne({ commission: commission._id }).lean();
  const evidence = feedback?.evidence ? await FeedbackEvidence.findById(feedback.evidence).lean() : null;
  if (!evidence) throw new NotFoundError();
  return { filename: evidence.filename, bytes: Buffer.from(evidence.data.buffer) };
}

export type ImpactSummary = { schools: number; responses: number; averages: Record<Rating, string>; overall: string };

/** Aggregated ratings per listing, only for listings with responses from at least three different schools. */
export async function impactSummariesForListings(listingIds: readonly (string | Types.ObjectId)[]): Promise<Map<string, ImpactSummary>> {
  const ids = listingIds.filter((id) => Types.ObjectId.isValid(String(id))).map((id) => new Types.ObjectId(String(id)));
  const rows = await Feedback.find({ listing: { $in: ids } }, { listing: 1, school: 1, ratings: 1 }).lean();
  const byListing = new Map<string, typeof rows>();
  for (const row of rows) byListing.set(row.listing.toString(), [...(byListing.get(row.listing.toString()) ?? []), row]);
  const summaries = new Map<string, ImpactSummary>();
  for (const [listingId, responses] of byListing) {
    const schools = new Set(responses.map((response) => response.school.toString())).size;
    if (schools < MIN_SCHOOLS_FOR_SUMMARY) continue;
    const averages = Object.fromEntries(RATINGS.map((rating) => [rating, average(responses.map((r) => r.ratings[rating]))])) as Record<Rating, number>;
    summaries.set(listingId, {
      schools,
      responses: responses.length,
      averages: Object.fromEntries(RATINGS.map((rating) => [rating, oneDecimal(averages[rating])])) as Record<Rating, string>,
      overall: oneDecimal(average(RATINGS.map((rating) => averages[rating]))),
    });
  }
  return summaries;
}

export async function impactSummaryForListing(listingId: string | Types.ObjectId): Promise<ImpactSummary | null> {
  return (await impactSummariesForListings([listingId])).get(String(listingId)) ?? null;
}

export function canSeeFeedbackNeedingAttention(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** Traded Services' queue: feedback averaging below 3, and completed commissions whose feedback is overdue. */
/** The low-rated feedback Traded Services' list shows, most recent first (the count covers it all). */
const LOW_RATED_LISTED = 200;

export async function feedbackNeedingAttention(user: SessionUser, dueDays: number, now = new Date()) {
  if (!canSeeFeedbackNeedingAttention(user)) throw new NotAllowedError();
  const dueBefore = new Date(now.getTime() - dueDays * 24 * 60 * 60 * 1000);
  const [lowRated, overdue] = await Promise.all([
    Feedback.find({ attention: 'low_rating' }, { commission: 1, ratings: 1, createdAt: 1 }).lean(),
    Commission.find({ status: 'completed', completedAt: { $lt: dueBefore } }).sort({ completedAt: 1 }).limit(200).lean(),
  ]);
  const recent = lowRated.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, LOW_RATED_LISTED);
  const averageOf = new Map(recent.map((feedback) => [feedback.commission.toString(), averageRating(feedback.ratings)]));
  const position = new Map(recent.map((feedback, i) => [feedback.commission.toString(), i]));
  const lowCommissions = (await Commission.find({ _id: { $in: recent.map((feedback) => feedback.commission) } }).lean()) as CommissionRecord[];
  lowCommissions.sort((a, b) => position.get(a._id.toString())! - position.get(b._id.toString())!);
  return {
    lowRatedCount: lowRated.length,
    lowRated: lowCommissions.map((commission) => ({ ...commissionSummary(commission), average: oneDecimal(averageOf.get(commission._id.toString()) ?? 0) })),
    overdue: (overdue as CommissionRecord[]).map((commission) => ({ ...commissionSummary(commission), completedOn: formatDate(commission.completedAt!) })),
  };
}

/** The aggregated impact ratings as the pen portrait shows them, only once enough schools have responded that none can be identified. */
export async function impactRowsForListing(listingId: Types.ObjectId) {
  const summary = await impactSummaryForListing(listingId);
  if (!summary) return null;
  return {
    schools: summary.schools,
    overall: summary.overall,
    rows: RATINGS.map((rating) => ({ label: RATING_LABELS[rating], average: summary.averages[rating] })),
  };
}
