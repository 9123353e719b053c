import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import type { SessionUser } from '../../web/identity';
import { activeSipId, activeSips, userName } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { priorityNeedsOfSchools } from '../plans/plan-reads';
import { directoryPhaseOf } from '../schools/directory-phase';
import { findSchoolByUrn } from '../schools/school-reads';
import { assignSip } from '../schools/schools.service';
import { caseloadSchoolNames, openCaseloadSizes } from '../schools/sip-caseload';
import { URN_PATTERN } from '../schools/schools.schemas';
import { areActiveTerms, resolveTerms, termChoices } from '../taxonomy/taxonomy.service';
import { canEditSipProfile, canManageSips, canReadSipFeedback, canRecordSipLicence, canViewSipProfile } from './sip-access';
import { feedbackSummaryFor } from './sip-feedback.service';
import { capacityOf, capacityText, rankSips, type SchoolToMatch, type SipCandidate } from './sip-matching';
import { SipProfile, SipSettings, type SipProfileFields } from './sip-profile.model';
import { licenceStanding, licenceTag, licenceText, mayTakeNewSchools, type LicenceStanding } from './licence-standing';
import type { SipLicenceForm, SipProfileForm } from './sips.schemas';

/** The LA's rule the licence pages need: how close to its renewal date a licence counts as due. */
export type SipRules = { licenceReminderDays: number };

type FieldResult<Field extends string> = { ok: true } | { ok: false; field: Field; message: string };

type StoredProfile = Pick<SipProfileFields, 'experience' | 'phases' | 'specialisms' | 'capacityDays' | 'licence'>;

const profileOf = (sipId: Types.ObjectId | string) => SipProfile.findOne({ user: sipId }).lean<StoredProfile & { user: Types.ObjectId }>();

/** The active SIP with this id (and their name), or a 404: no profile page for anyone else. */
async function sipById(sipId: string): Promise<{ id: Types.ObjectId; name: string }> {
  const id = await activeSipId(sipId);
  const name = id ? await userName(id) : undefined;
  if (!id || name === undefined) throw new NotFoundError();
  return { id, name };
}

const standingOf = (profile: StoredProfile | null | undefined, rules: SipRules, now: Date): LicenceStanding =>
  licenceStanding(profile?.licence?.renewalDate, now, rules.licenceReminderDays);

/** The LA's days a year per caseload school, or undefined until Traded Services set it. */
async function daysPerSchool(): Promise<number | undefined> {
  return (await SipSettings.findOne({ key: 'current' }).lean())?.daysPerSchool ?? undefined;
}

const labelled = async (kind: 'phase' | 'category', slugs: readonly string[]) =>
  (await resolveTerms(kind, slugs)).map((term) => ({ slug: term.slug, label: term.label }));

/** Every active SIP with what matching reads of them. `schoolSip`: the SIP of the school being matched, if any. */
async function sipCandidates(rules: SipRules, now: Date, schoolSip?: string): Promise<SipCandidate[]> {
  const [sips, profiles, sizes] = await Promise.all([activeSips(), SipProfile.find({}).lean(), openCaseloadSizes()]);
  const profileBy = new Map(profiles.map((profile) => [profile.user.toString(), profile]));
  return Promise.all(
    sips.map(async (sip) => {
      const profile = profileBy.get(sip.id.toString());
      return {
        id: sip.id.toString(),
        name: sip.name,
        phases: await labelled('phase', profile?.phases ?? []),
        specialisms: await labelled('category', profile?.specialisms ?? []),
        capacityDays: profile?.capacityDays ?? undefined,
        caseloadSchools: sizes.get(sip.id.toString()) ?? 0,
        hasThisSchool: schoolSip === sip.id.toString(),
        licence: standingOf(profile, rules, now),
      };
    }),
  );
}

/** Traded Services' list of SIPs: licence, phases, caseload and capacity. */
export async function sipsPage(user: SessionUser, rules: SipRules, now: Date) {
  if (!canManageSips(user)) throw new NotAllowedError();
  const [candidates, perSchool] = await Promise.all([sipCandidates(rules, now), daysPerSchool()]);
  return {
    daysPerSchool: perSchool,
    sips: candidates.map((sip) => ({
      id: sip.id,
      name: sip.name,
      licence: licenceText(sip.licence),
      tag: licenceTag(sip.licence),
      phases: sip.phases.map((phase) => phase.label).join(', '),
      capacity: capacityText(capacityOf(sip, perSchool, false)),
    })),
  };
}

export async function setDaysPerSchool(user: SessionUser, days: number | undefined): Promise<void> {
  if (!canManageSips(user)) throw new NotAllowedError();
  const settings = await SipSettings.findOneAndUpdate(
    { key: 'current' },
    days === undefined ? { $unset: { daysPerSchool: 1 } } : { $set: { daysPerSchool: days } },
    { upsert: true, new: true },
  ).lean();
  await recordAudit({ actor: new Types.ObjectId(user.id), action: 'sip_days_per_school_set', subjectType: 'SipSettings', subjectId: settings._id, changes: { daysPerSchool: days ?? null } });
}

/** A SIP's profile page: for the SIP themself and Traded Services; heads' feedback for Traded Services only. */
export async function sipProfilePage(user: SessionUser, sipId: string, rules: SipRules, now: Date) {
  if (!canViewSipProfile(user, sipId)) throw new NotAllowedError();
  const sip = await sipById(sipId);
  const [profile, schools, sizes, perSchool] = await Promise.all([profileOf(sip.id), caseloadSchoolNames(sipId), openCaseloadSizes(), daysPerSchool()]);
  const standing = standingOf(profile, rules, now);
  return {
    sip: { id: sipId, name: sip.name },
    profile: {
      experience: profile?.experience ?? '',
      phases: (await labelled('phase', profile?.phases ?? [])).map((term) => term.label),
      specialisms: (await labelled('category', profile?.specialisms ?? [])).map((term) => term.label),
      capacity: capacityText(capacityOf({ capacityDays: profile?.capacityDays ?? undefined, caseloadSchools: sizes.get(sipId) ?? 0 }, perSchool, false)),
    },
    licence: {
      text: licenceText(standing),
      tag: licenceTag(standing),
      lapsed: !mayTakeNewSchools(standing),
      reference: profile?.licence?.reference ?? '',
      recordedAt: profile?.licence ? formatDate(profile.licence.recordedAt) : '',
    },
    schools,
    feedback: canReadSipFeedback(user) ? await feedbackSummaryFor(sip.id, now) : undefined,
    can: { edit: canEditSipProfile(user, sipId), recordLicence: canRecordSipLicence(user) },
  };
}

export async function sipProfileFormData(user: SessionUser, sipId: string) {
  if (!canEditSipProfile(user, sipId)) throw new NotAllowedError();
  const sip = await sipById(sipId);
  const [profile, phaseChoices, specialismChoices] = await Promise.all([profileOf(sip.id), termChoices('phase'), termChoices('category')]);
  return {
    sip: { id: sipId, name: sip.name },
    values: { experience: profile?.experience ?? '', phases: profile?.phases ?? [], specialisms: profile?.specialisms ?? [] },
    phaseChoices,
    specialismChoices,
  };
}

/** Saves experience, phases and specialisms; the licence and capacity are left as they are. */
export async function saveSipProfile(user: SessionUser, sipId: string, form: SipProfileForm): Promise<FieldResult<'phases' | 'specialisms'>> {
  if (!canEditSipProfile(user, sipId)) throw new NotAllowedError();
  const sip = await sipById(sipId);
  const phases = [...new Set(form.phases)];
  const specialisms = [...new Set(form.specialisms)];
  if (!(await areActiveTerms('phase', phases))) return { ok: false, field: 'phases', message: 'Select phases from the list' };
  if (!(await areActiveTerms('category', specialisms))) return { ok: false, field: 'specialisms', message: 'Select specialisms from the list' };
  const changes = { experience: form.experience, phases, specialisms };
  await SipProfile.updateOne({ user: sip.id }, { $set: changes, $setOnInsert: { user: sip.id } }, { upsert: true });
  await recordAudit({ actor: new Types.ObjectId(user.id), action: 'sip_profile_updated', subjectType: 'SipProfile', subjectId: sip.id, changes });
  return { ok: true };
}

export async function sipLicenceFormData(user: SessionUser, sipId: string) {
  if (!canRecordSipLicence(user)) throw new NotAllowedError();
  const sip = await sipById(sipId);
  const profile = await profileOf(sip.id);
  const renewal = profile?.licence?.renewalDate;
  return {
    sip: { id: sipId, name: sip.name },
    values: {
      reference: profile?.licence?.reference ?? '',
      'renewalDate-day': renewal ? String(renewal.getUTCDate()) : '',
      'renewalDate-month': renewal ? String(renewal.getUTCMonth() + 1) : '',
      'renewalDate-year': renewal ? String(renewal.getUTCFullYear()) : '',
      capacityDays: profile?.capacityDays === undefined || profile.capacityDays === null ? '' : String(profile.capacityDays),
    },
  };
}

/** Traded Services record (or verify and renew) the licence to practise, and the SIP's capacity. */
export async function recordSipLicence(user: SessionUser, sipId: string, form: SipLicenceForm): Promise<void> {
  if (!canRecordSipLicence(user)) throw new NotAllowedError();
  const sip = await sipById(sipId);
  const actor = new Types.ObjectId(user.id);
  const licence = { ...(form.reference ? { reference: form.reference } : {}), renewalDate: form.renewalDate, recordedBy: actor, recordedAt: new Date() };
  await SipProfile.updateOne(
    { user: sip.id },
    {
      $set: { licence, ...(form.capacityDays === undefined ? {} : { capacityDays: form.capacityDays }) },
      ...(form.capacityDays === undefined ? { $unset: { capacityDays: 1 } } : {}),
      $setOnInsert: { user: sip.id },
    },
    { upsert: true },
  );
  await recordAudit({
    actor,
    action: 'sip_licence_recorded',
    subjectType: 'SipProfile',
    subjectId: sip.id,
    changes: { reference: form.reference, renewalDate: form.renewalDate, capacityDays: form.capacityDays ?? null },
  });
}

/**
 * The school's priorities as matching reads them: the needs of this year's support plan's priorities (or, for a
 * school without a plan yet, the needs recorded on it), each with the categories it maps to in the taxonomy.
 * A priority in the school's own words, with no need, has no categories to match.
 */
async function prioritiesToMatch(schoolId: Types.ObjectId, now: Date): Promise<SchoolToMatch['priorities']> {
  const needs = await resolveTerms('need', (await priorityNeedsOfSchools([schoolId], now)).get(schoolId.toString()) ?? []);
  return needs.map((need) => ({ slug: need.slug, label: need.label, categories: need.categories }));
}

const SCHOOL_FOR_MATCHING = { _id: 1, urn: 1, name: 1, phase: 1, sip: 1 } as const;

async function schoolToAssign(user: SessionUser, urn: string) {
  if (!canManageSips(user)) throw new NotAllowedError();
  const school = URN_PATTERN.test(urn) ? await findSchoolByUrn(urn, SCHOOL_FOR_MATCHING) : null;
  if (!school) throw new NotFoundError();
  return school;
}

/** How many suggestions head the list; every other eligible SIP follows, still with reasons. */
const SUGGESTIONS_SHOWN = 3;

/** The assign-a-SIP page: every eligible SIP ranked for this school, with reasons, and who is not offered and why. */
export async function assignSipPage(user: SessionUser, urn: string, rules: SipRules, now: Date) {
  const school = await schoolToAssign(user, urn);
  const schoolSip = school.sip?.toString();
  const phaseSlug = directoryPhaseOf(school.phase ?? undefined);
  const [phase] = phaseSlug ? await labelled('phase', [phaseSlug]) : [];
  const toMatch: SchoolToMatch = { phase, priorities: await prioritiesToMatch(school._id, now) };
  const [candidates, perSchool] = await Promise.all([sipCandidates(rules, now, schoolSip), daysPerSchool()]);
  const { ranked, notSuggested } = rankSips(toMatch, candidates, perSchool);
  const current = candidates.find((candidate) => candidate.hasThisSchool);
  return {
    school: { urn: school.urn, name: school.name, phase: school.phase ?? '', priorities: toMatch.priorities.map((priority) => priority.label) },
    currentSip: current ? { id: current.id, name: current.name, licence: licenceText(current.licence), lapsed: !mayTakeNewSchools(current.licence) } : undefined,
    suggested: ranked.slice(0, SUGGESTIONS_SHOWN),
    others: ranked.slice(SUGGESTIONS_SHOWN),
    notSuggested,
    daysPerSchoolSet: perSchool !== undefined,
  };
}

/**
 * Puts the school in a SIP's caseload (or in none). A SIP whose licence has lapsed is refused a new
 * school; a school already theirs stays (choosing them again changes nothing).
 */
export async function assignSipToSchool(user: SessionUser, urn: string, sipId: string, rules: SipRules, now: Date): Promise<FieldResult<'sip'>> {
  const school = await schoolToAssign(user, urn);
  if (sipId && school.sip?.toString() !== sipId && Types.ObjectId.isValid(sipId)) {
    const standing = standingOf(await profileOf(sipId), rules, now);
    if (!mayTakeNewSchools(standing)) {
      return { ok: false, field: 'sip', message: `${licenceText(standing)}, so this SIP cannot be given a new school. Record the renewed licence on their profile first, or choose another SIP.` };
    }
  }
  return assignSip(user, urn, sipId);
}

/** For a school's page: its SIP's licence, when it has lapsed (their schools stay with them, flagged). */
export async function lapsedLicenceOf(sipId: string, rules: SipRules, now: Date): Promise<string | undefined> {
  const standing = standingOf(await profileOf(sipId), rules, now);
  return mayTakeNewSchools(standing) ? undefined : licenceText(standing);
}

/** For the users page: each of these SIPs' licence, with its tag when there is something to flag. */
export async function licencesOf(sipIds: readonly string[], rules: SipRules, now: Date): Promise<Map<string, { text: string; tag?: { text: string; colour: string } }>> {
  const ids = sipIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
  const profiles = ids.length ? await SipProfile.find({ user: { $in: ids } }, { user: 1, licence: 1 }).lean() : [];
  const profileBy = new Map(profiles.map((profile) => [profile.user.toString(), profile]));
  return new Map(
    sipIds.map((id) => {
      const standing = standingOf(profileBy.get(id), rules, now);
      return [id, { text: licenceText(standing), tag: licenceTag(standing) }];
    }),
  );
}

/** Active SIPs whose licence has lapsed, for Traded Services' "Waiting for you". */
export async function countLapsedLicences(rules: SipRules, now: Date): Promise<number> {
  // By the active SIPs' ids, which the user index finds, rather than a filter on licence that reads every profile.
  const sips = await activeSips();
  const profiles = await SipProfile.find({ user: { $in: sips.map((sip) => sip.id) }, 'licence.renewalDate': { $exists: true } }, { user: 1, licence: 1 }).lean();
  return profiles.filter((profile) => !mayTakeNewSchools(standingOf(profile, rules, now))).length;
}

/** The signed-in SIP's own licence, for their "Waiting for you": due for renewal or lapsed. */
export async function ownLicenceNeedsRenewal(user: SessionUser, rules: SipRules, now: Date): Promise<boolean> {
  if (user.role !== 'sip') return false;
  const state = standingOf(await profileOf(user.id), rules, now).state;
  return state === 'renewal_due' || state === 'lapsed';
}
