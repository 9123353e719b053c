import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import { canManageUsers, type RequestContext, type SessionUser } from '../../web/identity';
import { accountWithEmail, activeUserIds } from '../accounts/accounts.service';
import { inviteUser, type AccountLinks, type SchoolLookup } from '../accounts/invitations.service';
import { recordAudit } from '../audit/audit.service';
import { startGoodPracticeListing } from '../listings/listings.service';
import { notify } from '../notifications/notifications.service';
import { canJudgeGoodPractice, canViewSchoolSupport } from '../schools/school-access';
import { findSchoolByUrn } from '../schools/school-reads';
import { areActiveTerms, resolveTerms } from '../taxonomy/taxonomy.service';
import { Nomination, type NominationRecord } from './nomination.model';
import type { NominationContactForm, NominationForm } from './nominations.schemas';

type SchoolFacts = { _id: Types.ObjectId; urn: string; name: string; sip?: Types.ObjectId | null };

async function schoolByUrn(urn: string): Promise<SchoolFacts> {
  const school = /^\d{6}$/.test(urn) ? await findSchoolByUrn(urn, { urn: 1, name: 1, sip: 1 }) : null;
  if (!school) throw new NotFoundError();
  return school as SchoolFacts;
}

const isOwnSchool = (user: SessionUser, school: SchoolFacts) => user.role === 'school' && user.actingSchoolId === school._id.toString();

/** Whoever may name the person who will lead the support: the school itself, or whoever nominated it. */
function canNameContact(user: SessionUser, school: SchoolFacts, nomination: NominationRecord): boolean {
  return !nomination.invitedAt && (isOwnSchool(user, school) || canJudgeGoodPractice(user, school));
}

function canInvite(user: SessionUser, nomination: NominationRecord): boolean {
  return canManageUsers(user) && !nomination.invitedAt && !!nomination.contact?.email;
}

/** The school's page of good practice: every nomination, newest first, and what this user may do next. */
export async function goodPracticePage(user: SessionUser, urn: string) {
  const school = await schoolByUrn(urn);
  if (!canViewSchoolSupport(user, school)) throw new NotAllowedError();
  const nominations = (await Nomination.find({ school: school._id })
    .sort({ createdAt: -1 })
    .limit(50)
    .populate<{ nominatedBy: { name: string } | null }>('nominatedBy', 'name')
    .lean()) as unknown as (NominationRecord & { nominatedBy: { name: string } | null })[];
  const areaLabels = new Map((await resolveTerms('category', [...new Set(nominations.flatMap((nomination) => nomination.areas))])).map((term) => [term.slug, term.label]));
  return {
    school: { urn: school.urn, name: school.name },
    nominations: nominations.map((nomination) => ({
      id: nomination._id.toString(),
      areas: nomination.areas.map((slug) => areaLabels.get(slug) ?? slug),
      note: nomination.note ?? '',
      nominated: `${nomination.nominatedBy?.name ?? 'A former user'}, ${formatDate(nomination.createdAt)}`,
      contact: nomination.contact?.name ? `${nomination.contact.name} (${nomination.contact.email})` : undefined,
      invitedOn: formatDate(nomination.invitedAt),
      canNameContact: canNameContact(user, school, nomination),
      canInvite: canInvite(user, nomination),
    })),
    can: { nominate: canJudgeGoodPractice(user, school) },
  };
}

export type NominationResult = { ok: true } | { ok: false; field: string; message: string };

/** Refuses anyone but the school's SIP and Traded Services before their form is even read. */
export async function checkMayNominate(user: SessionUser, urn: string): Promise<void> {
  if (!canJudgeGoodPractice(user, await schoolByUrn(urn))) throw new NotAllowedError();
}

/** A SIP or Traded Services identify the school as good practice; the school is asked to publish a listing. */
export async function nominateSchool(user: SessionUser, urn: string, form: NominationForm): Promise<NominationResult> {
  const school = await schoolByUrn(urn);
  if (!canJudgeGoodPractice(user, school)) throw new NotAllowedError();
  const areas = [...new Set(form.areas)];
  if (!(await areActiveTerms('category', areas))) return { ok: false, field: 'areas', message: 'Select areas from the list' };
  const contact = form.contactEmail ? { name: form.contactName, email: form.contactEmail } : undefined;
  const nomination = await Nomination.create({ school: school._id, areas, note: form.note || undefined, nominatedBy: new Types.ObjectId(user.id), contact });
  await recordAudit({ actor: new Types.ObjectId(user.id), action: 'school_nominated', subjectType: 'School', subjectId: school._id, changes: { areas, note: form.note } });
  const labels = (await resolveTerms('category', areas)).map((term) => term.label).join(', ');
  const href = paths.schools.goodPractice(school.urn);
  await notify(await activeUserIds({ role: 'school', school: school._id }), {
    subject: `${school.name} has been identified as good practice`,
    text: contact
      ? `${school.name} has been identified as good practice in ${labels}. Traded Services will invite ${contact.name} to publish a good-practice listing so other schools can find you.`
      : `${school.name} has been identified as good practice in ${labels}. Publish a good-practice listing so other schools can find you: tell us who at the school will lead the support.`,
    href,
    school: school._id,
  });
  if (contact) await tellTradedServicesToInvite(user, school, nomination._id);
  return { ok: true };
}

async function tellTradedServicesToInvite(actor: SessionUser, school: SchoolFacts, nominationId: Types.ObjectId): Promise<void> {
  const recipients = (await activeUserIds({ role: 'traded_services' })).filter((id) => id.toString() !== actor.id);
  await notify(recipients, {
    subject: `Invite ${school.name} to publish a good-practice listing`,
    text: `${school.name} has been identified as good practice and has a named contact to invite.`,
    href: `${paths.schools.goodPractice(school.urn)}#nomination-${nominationId.toString()}`,
  });
}

async function nominationOf(school: SchoolFacts, id: string): Promise<NominationRecord> {
  const nomination = Types.ObjectId.isValid(id) ? ((await Nomination.findOne({ _id: id, school: school._id }).lean()) as NominationRecord | null) : null;
  if (!nomination) throw new NotFoundError();
  return nomination;
}

/** The school (or its nominator) names who will lead the support, for Traded Services to invite. */
export async function nameNominationContact(user: SessionUser, urn: string, id: string, form: NominationContactForm): Promise<NominationResult> {
  const school = await schoolByUrn(urn);
  if (!canViewSchoolSupport(user, school)) throw new NotAllowedError();
  const nomination = await nominationOf(school, id);
  if (!canNameContact(user, school, nomination)) {
    if (nomination.invitedAt) return { ok: false, field: `contactName-${id}`, message: 'Traded Services have already invited someone for this nomination' };
    throw new NotAllowedError();
  }
  await Nomination.updateOne({ _id: nomination._id, invitedAt: { $exists: false } }, { $set: { contact: { name: form.contactName, email: form.contactEmail } } });
  await recordAudit({ actor: new Types.ObjectId(user.id), action: 'nomination_contact_named', subjectType: 'School', subjectId: school._id });
  await tellTradedServicesToInvite(user, school, nomination._id);
  return { ok: true };
}

/**
 * Traded Services invite the named person as a provider (or use their provider account if they have one)
 * and start a draft good-practice listing for them. The nomination is claimed first, so two clicks cannot
 * start two listings; if the invitation cannot be made, the claim is undone.
 */
export async function inviteNominee(
  user: SessionUser,
  urn: string,
  id: string,
  accounts: { links: AccountLinks; context: RequestContext; schools: SchoolLookup },
): Promise<NominationResult> {
  const school = await schoolByUrn(urn);
  if (!canManageUsers(user)) throw new NotAllowedError();
  const nomination = await nominationOf(school, id);
  const field = `invite-${id}`;
  if (!canInvite(user, nomination)) return { ok: false, field, message: nomination.invitedAt ? 'This nomination has already been invited' : 'Name who will lead the support first' };
  const contact = nomination.contact!;
  const existing = await accountWithEmail(contact.email!);
  if (existing && (existing.role !== 'provider' || !existing.active)) {
    return { ok: false, field, message: `${contact.email} belongs to an account that is not an active provider’s: ask the school for another address` };
  }
  const claimed = await Nomination.findOneAndUpdate({ _id: nomination._id, invitedAt: { $exists: false } }, { $set: { invitedAt: new Date(), invitedBy: new Types.ObjectId(user.id) } });
  if (!claimed) return { ok: false, field, message: 'This nomination has already been invited' };
  let owner = existing?._id;
  if (!owner) {
    const invited = await inviteUser(user, { name: contact.name!, email: contact.email!, role: 'provider', school: '', schoolUrns: [] }, accounts.links, accounts.context, accounts.schools);
    if (!invited.ok) {
      await Nomination.updateOne({ _id: nomination._id }, { $unset: { invitedAt: 1, invitedBy: 1 } });
      return { ok: false, field, message: invited.message };
    }
    owner = new Types.ObjectId(invited.id);
  }
  const listing = await startGoodPracticeListing(user, { owner, school, areas: nomination.areas });
  await Nomination.updateOne({ _id: nomination._id }, { $set: { listing } });
  await notify([owner], {
    subject: `Finish ${school.name}’s good-practice listing`,
    text: `${school.name} has been identified as good practice. A draft listing has been started for you: finish the pen portrait, ask two other schools to recommend it, and send it for approval.`,
    href: paths.listings.edit(listing.toString()),
  });
  return { ok: true };
}

/** Nominations Traded Services can act on now: a contact named, nobody invited yet. */
export async function countNominationsToInvite(user: SessionUser): Promise<number> {
  if (!canManageUsers(user)) return 0;
  return Nomination.countDocuments({ 'contact.email': { $exists: true }, invitedAt: { $exists: false } });
}

/** Nominations of the user's school still waiting for it to say who will lead the support. */
export async function countNominationsAwaitingSchool(user: SessionUser): Promise<number> {
  if (user.role !== 'school' || !user.actingSchoolId) return 0;
  return Nomination.countDocuments({ school: new Types.ObjectId(user.actingSchoolId), contact: { $exists: false } });
}

/** Every nomination waiting for Traded Services, oldest first, for their list. */
export async function nominationsToInvite(user: SessionUser) {
  if (!canManageUsers(user)) throw new NotAllowedError();
  const nominations = (await Nomination.find({ 'contact.email': { $exists: true }, invitedAt: { $exists: false } })
    .sort({ createdAt: 1 })
    .limit(200)
    .populate<{ school: { urn: string; name: string } | null }>('school', 'urn name')
    .lean()) as unknown as (NominationRecord & { school: { urn: string; name: string } | null })[];
  return nominations
    .filter((nomination) => nomination.school)
    .map((nomination) => ({
      href: `${paths.schools.goodPractice(nomination.school!.urn)}#nomination-${nomination._id.toString()}`,
      school: nomination.school!.name,
      contact: nomination.contact?.name ?? '',
      since: formatDate(nomination.createdAt),
    }));
}
