import { Types } from 'mongoose';
import { academicYearFor, academicYearLabel, termFor, termFromKey } from '../../lib/academic-calendar';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import type { SessionUser } from '../../web/identity';
import { userName } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { findSchoolById, findSchools } from '../schools/school-reads';
import { canGiveSipFeedback } from './sip-access';
import { SipFeedback } from './sip-feedback.model';
import { SIP_RATINGS, SIP_RATING_LABELS, type SipRating } from './sip-vocabulary';
import type { SipFeedbackForm } from './sips.schemas';

// Seed 004 on the LA's quality assurance of SIPs: Coventry "regularly (twice yearly) seeks feedback from
// headteachers and governors on the performance of deployed SIPs"; Hampshire asks heads "to provide feedback
// to a standard format on their perceptions of the SIP's effectiveness across various key aspects of the
// role"; and the consultation asks whether LAs should ensure "that headteachers and Governors be asked
// systematically to feed back on the quality of the SIP and their support". Here: a short form, once a term.

/** The signed-in head's own school, with its SIP. */
async function ownSchool(user: SessionUser) {
  if (user.role !== 'school') throw new NotAllowedError();
  const school = user.actingSchoolId ? await findSchoolById(user.actingSchoolId, { name: 1, urn: 1, sip: 1 }) : null;
  if (!school) throw new NotFoundError('This account is not linked to a school');
  return school;
}

const ratingsOf = (ratings: Record<SipRating, number>) => SIP_RATINGS.map((rating) => ({ label: SIP_RATING_LABELS[rating], value: ratings[rating] }));

/** The feedback page: this term's form, or what the school already said this term, or that it has no SIP. */
export async function sipFeedbackPage(user: SessionUser, now: Date) {
  const school = await ownSchool(user);
  const term = termFor(now);
  const [sipName, given] = await Promise.all([
    school.sip ? userName(school.sip) : undefined,
    SipFeedback.findOne({ school: school._id, term: term.key }).lean(),
  ]);
  return {
    school: { name: school.name, urn: school.urn },
    term: term.label,
    sipName: canGiveSipFeedback(user, school) ? sipName : undefined,
    given: given
      ? { at: formatDate(given.givenAt), sipName: (await userName(given.sip)) ?? 'A former SIP', ratings: ratingsOf(given.ratings), comment: given.comment ?? '' }
      : undefined,
  };
}

/** Records the school's feedback on its SIP for this term; the unique index lets only one stand. */
export async function giveSipFeedback(user: SessionUser, form: SipFeedbackForm, now: Date): Promise<{ ok: true } | { ok: false; reason: 'already_given' }> {
  const school = await ownSchool(user);
  if (!canGiveSipFeedback(user, school)) throw new NotAllowedError('Your school has no SIP to give feedback on');
  const givenBy = new Types.ObjectId(user.id);
  const ratings = Object.fromEntries(SIP_RATINGS.map((rating) => [rating, form[rating]]));
  try {
    const saved = await SipFeedback.create({ school: school._id, term: termFor(now).key, sip: school.sip, givenBy, givenAt: now, ratings, ...(form.comment ? { comment: form.comment } : {}) });
    await recordAudit({ actor: givenBy, action: 'sip_feedback_given', subjectType: 'SipFeedback', subjectId: saved._id, changes: { term: saved.term } });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { ok: false, reason: 'already_given' };
    throw error;
  }
  return { ok: true };
}

/** 1 when the head's school has a SIP and has not given this term's feedback, else 0: for their "Waiting for you". */
export async function sipFeedbackOwed(user: SessionUser, school: { _id: Types.ObjectId; sip?: unknown }, now: Date): Promise<number> {
  if (!canGiveSipFeedback(user, school)) return 0;
  return (await SipFeedback.exists({ school: school._id, term: termFor(now).key })) ? 0 : 1;
}

/** What heads said of a SIP: this academic year's average per question, and every response, newest first. */
export async function feedbackSummaryFor(sipId: Types.ObjectId, now: Date) {
  const responses = await SipFeedback.find({ sip: sipId }).sort({ givenAt: -1 }).lean();
  const schools = new Map((await findSchools([...new Set(responses.map((response) => response.school.toString()))], { name: 1 })).map((school) => [school._id.toString(), school.name]));
  const year = academicYearFor(now);
  const thisYear = responses.filter((response) => termFromKey(response.term)?.academicYear === year);
  return {
    year: academicYearLabel(year),
    responsesThisYear: thisYear.length,
    averages: SIP_RATINGS.map((rating) => ({
      label: SIP_RATING_LABELS[rating],
      average: thisYear.length ? (thisYear.reduce((sum, response) => sum + response.ratings[rating], 0) / thisYear.length).toFixed(1) : '',
    })),
    responses: responses.map((response) => ({
      term: termFromKey(response.term)?.label ?? response.term,
      school: schools.get(response.school.toString()) ?? 'A school',
      ratings: ratingsOf(response.ratings),
      comment: response.comment ?? '',
    })),
  };
}
