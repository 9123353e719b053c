import { Types } from 'mongoose';
import { NotFoundError } from '../../lib/errors';
import { AuditEntry } from '../audit/audit.model';
import { recordSecurityEvent, SECURITY_EVENT_LABELS, type SecurityEventType } from '../accounts/security-events';
import { type RequestContext } from '../../web/identity';
import { Commission } from '../commissions/commission.model';
import { Shortlist, ShortlistEntry } from '../directory/shortlist.model';
import { Feedback, FeedbackEvidence } from '../commissions/feedback/feedback.model';
import { Listing } from '../listings/listing.model';
import { StoredFile } from '../listings/stored-file.model';
import { CHECK_LABELS, type CheckKind } from '../listings/checks/check-kinds';
import { ProviderCheck, type CheckSubmission } from '../listings/checks/provider-check.model';
import { OutboxMessage } from '../mail/outbox.model';
import { Nomination } from '../nominations/nomination.model';
import { Notification } from '../notifications/notification.model';
import { Recommendation, type RecommendationStatus } from '../listings/recommendation.model';
import { statusShownToAsker } from '../listings/recommendations.service';
import { School } from '../schools/school.model';
import { SipFeedback } from '../sips/sip-feedback.model';
import { SipProfile } from '../sips/sip-profile.model';
import type { SessionUser } from '../../web/identity';
import { ROLE_LABELS, type Role } from '../../web/identity';
import { User } from '../accounts/user.model';
import type { PersonalDataSection } from './data-map';

type Id = Types.ObjectId;
const has = (id: Id | null | undefined, you: Id) => Boolean(id && id.equals(you));

/**
 * Everything the service holds about the signed-in person, for them to download (the right of
 * access). Built field by field, never by copying records whole: no password hash, no other person's
 * ids or contact details, no school's support level, and one-time links in emails are blanked. Most
 * of these reads filter on fields other than _id, which FerretDB answers by scanning; a download is
 * rare enough for that.
 */
export async function personalDataOf(viewer: SessionUser, serviceName: string, context: RequestContext) {
  const you = new Types.ObjectId(viewer.id);
  const user = await User.findById(you).lean();
  if (!user) throw new NotFoundError();
  const [schools, aboutYou, byYou, listings, recommendations, feedback, nominations, notifications, shortlists, emails, sipProfile, sipFeedback] = await Promise.all([
    user.schools?.length ? School.find({ _id: { $in: user.schools } }, { name: 1, urn: 1 }).sort({ name: 1 }).lean() : [],
    AuditEntry.find({ subjectType: 'User', subjectId: you }).sort({ at: 1 }).lean(),
    AuditEntry.find({ actor: you }).sort({ at: 1 }).lean(),
    listingsOwnedBy(you),
    recommendationsOf(you),
    feedbackBy(you),
    nominationsOf(you, user.email),
    Notification.find({ recipient: you }).sort({ createdAt: 1 }).lean(),
    shortlistsBy(you),
    OutboxMessage.find({ to: user.email }).sort({ createdAt: 1 }).lean(),
    SipProfile.findOne({ user: you }).lean(),
    sipFeedbackOf(you),
  ]);
  const actedOnCommissions = byYou.filter((entry) => entry.subjectType === 'Commission').map((entry) => entry.subjectId);

  // Exactly the kinds the data map (and so the privacy notice) lists: the compiler refuses one missing or extra.
  const sections = {
    account: {
      name: user.name,
      email: user.email,
      role: ROLE_LABELS[user.role as Role],
      schools: schools.length ? schools.map((school) => ({ name: school.name, urn: school.urn })) : undefined,
      active: user.active,
      mustChangePassword: user.mustChangePassword,
      invitedAt: user.invitedAt,
      lastSignInAt: user.lastSignInAt,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    },
    // Events about your account: the address and browser are kept only for what you did yourself.
    accountEvents: aboutYou.map((entry) => ({
      at: entry.at,
      event: SECURITY_EVENT_LABELS[entry.action as SecurityEventType] ?? entry.action,
      byYou: has(entry.actor, you),
      detail: (entry.changes as { detail?: string } | undefined)?.detail,
      ...(entry.actor && !has(entry.actor, you) ? {} : { ip: entry.ip, browser: entry.userAgent }),
    })),
    // What you did to other records. Changes to other people's accounts are named, not described.
    yourActions: byYou
      .filter((entry) => !(entry.subjectType === 'User' && entry.subjectId.equals(you)))
      .map((entry) => ({
        at: entry.at,
        action: entry.action,
        record: entry.subjectType,
        recordId: entry.subjectId.toString(),
        ...(entry.subjectType === 'User' ? {} : { reason: entry.reason, changes: entry.changes }),
      })),
    listings,
    providerChecks: await checksOfListingsOwnedBy(you),
    recommendations,
    commissions: await commissionsOf(you, actedOnCommissions),
    feedback,
    nominations,
    sipProfile: sipProfile
      ? {
          experience: sipProfile.experience,
          phases: sipProfile.phases,
          specialisms: sipProfile.specialisms,
          capacityDays: sipProfile.capacityDays,
          licence: sipProfile.licence ? { reference: sipProfile.licence.reference, renewalDate: sipProfile.licence.renewalDate, recordedAt: sipProfile.licence.recordedAt } : undefined,
          updatedAt: sipProfile.updatedAt,
        }
      : null, // kept as a key (JSON drops undefined), so every section of the data map is in the download
    sipFeedback,
    notifications: notifications.map(({ subject, text, href, createdAt }) => ({ subject, text, link: href, createdAt })),
    shortlists,
    emails: emails.map(({ subject, text, createdAt }) => ({ subject, text: withoutOneTimeLinks(text), createdAt })),
  } satisfies Record<PersonalDataSection, unknown>;
  const data = { about: `What ${serviceName} holds about you`, downloadedAt: new Date(), ...sections };
  await recordSecurityEvent({ type: 'personal_data_downloaded', actor: you, subject: you, context });
  return data;
}

/** Nominations you made, and those naming you to lead a school's support (the nominator is named only by role). */
async function nominationsOf(you: Id, email: string) {
  const nominations = await Nomination.find({ $or: [{ nominatedBy: you }, { 'contact.email': email }] }).sort({ createdAt: 1 }).lean();
  const schools = await namesOf(School, nominations.map((nomination) => nomination.school));
  return nominations.map((nomination) => ({
    school: schools.get(nomination.school.toString()),
    areas: nomination.areas,
    note: nomination.note,
    nominatedAt: nomination.createdAt,
    youNominated: has(nomination.nominatedBy, you),
    ...(nomination.contact?.email === email ? { youAreNamedToLead: { name: nomination.contact.name, email: nomination.contact.email } } : {}),
  }));
}

/** A still-working set-password link in a downloaded file would let whoever reads it choose the password. */
function withoutOneTimeLinks(text: string): string {
  return text.replace(/token=[\w-]+/g, 'token=[removed]');
}

async function listingsOwnedBy(you: Id) {
  const listings = await Listing.find({ owners: you }).sort({ createdAt: 1 }).lean();
  const fileIds = listings.flatMap((listing) => [listing.photo, ...(listing.evidence ?? [])]).filter((id): id is Id => Boolean(id));
  const files = fileIds.length ? await StoredFile.find({ _id: { $in: fileIds } }, { filename: 1, kind: 1, size: 1 }).lean() : [];
  const fileNamed = new Map(files.map((file) => [file._id.toString(), { filename: file.filename, kind: file.kind, bytes: file.size }]));
  return listings.map((listing) => ({
    name: listing.name,
    providerType: listing.providerType,
    organisation: listing.organisation,
    summary: listing.summary,
    experience: listing.experience,
    expertise: listing.expertise,
    phases: listing.phases,
    subjects: listing.subjects,
    contexts: listing.contexts,
    offers: listing.offers,
    areas: listing.areas,
    capacity: listing.capacity,
    fundedByLa: listing.fundedByLa,
    dailyRatePence: listing.dailyRatePence,
    contact: listing.contact,
    designation: listing.designation,
    status: listing.status,
    statusReason: listing.statusReason,
    publishedAt: listing.publishedAt,
    reviewDueOn: listing.reviewDueOn,
    changesWaitingForApproval: (listing.pendingRevision as { fields?: unknown } | undefined)?.fields,
    files: [listing.photo, ...(listing.evidence ?? [])].filter(Boolean).map((id) => fileNamed.get(String(id))).filter(Boolean),
    createdAt: listing.createdAt,
    updatedAt: listing.updatedAt,
  }));
}

/** The checks of the listings you own, with the evidence documents named (their content is in the service). */
async function checksOfListingsOwnedBy(you: Id) {
  const owned = await Listing.find({ owners: you }, { name: 1 }).lean();
  if (owned.length === 0) return [];
  const listings = new Map(owned.map((listing) => [listing._id.toString(), listing.name]));
  const checks = await ProviderCheck.find({ listing: { $in: owned.map((listing) => listing._id) } }).sort({ createdAt: 1 }).lean();
  const fileIds = checks.flatMap((check) => [check.verified?.evidence, check.waiting?.evidence]).filter((id): id is Id => Boolean(id));
  const files = fileIds.length ? await StoredFile.find({ _id: { $in: fileIds } }, { filename: 1 }).lean() : [];
  const filename = new Map(files.map((file) => [file._id.toString(), file.filename]));
  const submission = (sent: CheckSubmission | null | undefined) =>
    sent && {
      datedOn: sent.datedOn,
      endsOn: sent.endsOn,
      updateService: sent.updateService,
      updateServiceRenewsOn: sent.updateServiceRenewsOn,
      evidenceFile: filename.get(sent.evidence.toString()),
      submittedAt: sent.submittedAt,
      verifiedAt: sent.verifiedAt,
    };
  return checks.map((check) => ({
    listing: listings.get(check.listing.toString()),
    check: CHECK_LABELS[check.kind as CheckKind],
    verified: submission(check.verified),
    waitingForTradedServices: submission(check.waiting),
    returned: check.returned?.reason ? { reason: check.returned.reason, at: check.returned.at } : undefined,
  }));
}

async function recommendationsOf(you: Id) {
  const recommendations = await Recommendation.find({ $or: [{ requestedBy: you }, { answeredBy: you }] }).sort({ createdAt: 1 }).lean();
  const [listings, schools] = await Promise.all([
    namesOf(Listing, recommendations.map((recommendation) => recommendation.listing)),
    namesOf(School, recommendations.map((recommendation) => recommendation.school)),
  ]);
  return recommendations.map((recommendation) => {
    const status = recommendation.status as RecommendationStatus;
    // What you asked for, you see as any asker does: a decline is not told apart from no answer yet.
    const shown = has(recommendation.answeredBy, you) ? status : statusShownToAsker(status);
    return {
      listing: listings.get(recommendation.listing.toString()),
      school: schools.get(recommendation.school.toString()),
      youAskedForIt: has(recommendation.requestedBy, you),
      youAnswered: has(recommendation.answeredBy, you),
      status: shown,
      requestedAt: recommendation.requestedAt,
      answeredAt: shown === status ? recommendation.answeredAt : undefined,
      workSeen: recommendation.workSeen,
      statement: recommendation.statement,
    };
  });
}

async function commissionsOf(you: Id, actedOn: Id[]) {
  const commissions = await Commission.find({ $or: [{ requestedBy: you }, { brokeredBy: you }, { owners: you }, { _id: { $in: actedOn } }] })
    .sort({ createdAt: 1 })
    .lean();
  const partsOf = (commission: (typeof commissions)[number]) => {
    const parts = [
      has(commission.requestedBy, you) && 'asked for it',
      has(commission.brokeredBy, you) && 'brokered it',
      commission.owners.some((owner) => owner.equals(you)) && 'provider',
    ].filter((part): part is string => Boolean(part));
    return parts.length ? parts : ['acted on it'];
  };
  return commissions.map((commission) => ({
    reference: commission.reference,
    yourPart: partsOf(commission),
    school: commission.schoolName,
    provider: commission.listingName,
    route: commission.route,
    need: commission.need,
    objectives: commission.objectives,
    successCriteria: commission.successCriteria,
    days: commission.days,
    startOn: commission.startOn,
    dailyRatePence: commission.dailyRatePence,
    costPence: commission.costPence,
    funding: commission.funding,
    status: commission.status,
    statusReason: commission.statusReason,
    proposal: commission.proposal,
    completedAt: commission.completedAt,
    createdAt: commission.createdAt,
  }));
}

async function feedbackBy(you: Id) {
  const given = await Feedback.find({ givenBy: you }).sort({ createdAt: 1 }).lean();
  const evidenceIds = given.map((feedback) => feedback.evidence).filter((id): id is Id => Boolean(id));
  const evidence = evidenceIds.length ? await FeedbackEvidence.find({ _id: { $in: evidenceIds } }, { filename: 1 }).lean() : [];
  const evidenceNamed = new Map(evidence.map((file) => [file._id.toString(), file.filename]));
  return given.map((feedback) => ({
    provider: feedback.listingName,
    ratings: feedback.ratings,
    whatChanged: feedback.whatChanged,
    evidenceFile: feedback.evidence ? evidenceNamed.get(feedback.evidence.toString()) : undefined,
    createdAt: feedback.createdAt,
  }));
}

/** Feedback you gave on your school's SIP (with the school), and feedback about you as a SIP (without the school's name). */
async function sipFeedbackOf(you: Id) {
  const [given, aboutYou] = await Promise.all([SipFeedback.find({ givenBy: you }).sort({ givenAt: 1 }).lean(), SipFeedback.find({ sip: you }).sort({ givenAt: 1 }).lean()]);
  const schools = await namesOf(School, given.map((feedback) => feedback.school));
  return {
    given: given.map((feedback) => ({ school: schools.get(feedback.school.toString()), term: feedback.term, ratings: feedback.ratings, comment: feedback.comment, givenAt: feedback.givenAt })),
    aboutYou: aboutYou.map((feedback) => ({ term: feedback.term, ratings: feedback.ratings, comment: feedback.comment, givenAt: feedback.givenAt })),
  };
}

async function shortlistsBy(you: Id) {
  const shortlists = await Shortlist.find({ author: you }).sort({ createdAt: 1 }).lean();
  return Promise.all(
    shortlists.map(async (shortlist) => {
      const entries = await ShortlistEntry.find({ shortlist: shortlist._id }).lean();
      const [schools, listings] = await Promise.all([namesOf(School, [shortlist.school]), namesOf(Listing, entries.map((entry) => entry.listing))]);
      return {
        title: shortlist.title,
        school: schools.get(shortlist.school.toString()),
        providers: entries.map((entry) => ({ name: listings.get(entry.listing.toString()), note: entry.note })),
        createdAt: shortlist.createdAt,
      };
    }),
  );
}

type Named = { find: (filter: object, projection: object) => { lean: () => Promise<{ _id: Id; name: string }[]> } };

async function namesOf(model: Named, ids: Id[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.map(String))];
  const found = unique.length ? await model.find({ _id: { $in: unique } }, { name: 1 }).lean() : [];
  return new Map(found.map((record) => [record._id.toString(), record.name]));
}
