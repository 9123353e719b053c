import { Types } from 'mongoose';
import { formatDate } from '../../lib/format';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { activeSipId } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import {
  canJudgeGoodPractice,
  canManageSchools,
  canSetSupportLevel,
  canViewSchoolSupport,
  isInSipCaseload,
} from './school-access';
import { OPEN_STATUSES, SCHOOL_STATUS_LABELS, School, type SchoolStatus } from './school.model';
import { SchoolSupport, type LevelDecision } from './school-support.model';
import { URN_PATTERN, type CapacityForm, type SchoolSearch, type SupportLevelForm } from './schools.schemas';
import { entitlementPhrases } from './level-entitlement';
import { currentScheme, findLevel } from './support-scheme.service';
import { placeOf } from './school-places';

export const SEARCH_PAGE_SIZE = 50;

type DecisionWithSetter = Omit<LevelDecision, 'setBy'> & { setBy: { name: string } | null };

type FieldResult<Field extends string> = { ok: true } | { ok: false; field: Field; message: string };

/** The school with this URN (id and caseload only), or a 404 for a malformed or unknown URN. */
async function schoolByUrn(urn: string) {
  const school = URN_PATTERN.test(urn) ? await School.findOne({ urn }, { _id: 1, sip: 1, urn: 1, name: 1 }).lean() : null;
  if (!school) throw new NotFoundError();
  return school;
}

/** An open school for a user account, by URN, or null. */
/**
 * Open schools for a choice list (a provider's own school, schools to ask for a recommendation).
 * Sized for one LA's schools, as imported with `import:gias --la`; not for all of England.
 */
export async function openSchoolChoices(): Promise<{ id: string; name: string; urn: string }[]> {
  const schools = await School.find({ status: { $in: OPEN_STATUSES } }, { name: 1, urn: 1 }).sort({ name: 1 }).lean();
  return schools.map((school) => ({ id: school._id.toString(), name: school.name, urn: school.urn }));
}

export async function findOpenSchoolByUrn(urn: string): Promise<{ id: string; name: string } | null> {
  if (!URN_PATTERN.test(urn)) return null;
  const school = await School.findOne({ urn, status: { $in: OPEN_STATUSES } }, { name: 1 }).lean();
  return school ? { id: school._id.toString(), name: school.name } : null;
}

/** The URN of the school a school user belongs to. */
export async function urnOfOwnSchool(user: SessionUser): Promise<string> {
  const school = user.role === 'school' && user.actingSchoolId ? await School.findById(user.actingSchoolId, { urn: 1 }).lean() : null;
  if (!school) throw new NotFoundError('This account is not linked to a school');
  return school.urn;
}

/** Everything on a school's page, for the school itself, its SIP or Traded Services only. */
export async function schoolPage(user: SessionUser, urn: string) {
  const found = await schoolByUrn(urn);
  if (!canViewSchoolSupport(user, found)) throw new NotAllowedError();
  const [school, support, scheme] = await Promise.all([
    School.findById(found._id)
      .populate<{ sip: { _id: Types.ObjectId; name: string } | null }>('sip', 'name')
      .populate<{ capacityToSupport: { note?: string; recordedBy: { name: string } | null; recordedAt: Date } | null }>('capacityToSupport.recordedBy', 'name')
      .lean(),
    SchoolSupport.findOne({ school: found._id })
      .populate<{ history: DecisionWithSetter[] }>('history.setBy', 'name')
      .lean(),
    currentScheme(),
  ]);
  if (!school) throw new NotFoundError();
  const current = support?.current;
  const level = current ? findLevel(scheme, current.level) : undefined;

  return {
    /** Where the school is, to measure its suggested providers' distances from (null where GIAS gives no location). */
    place: placeOf(school),
    school: {
      id: school._id.toString(),
      urn: school.urn,
      name: school.name,
      localAuthority: school.localAuthority ?? undefined,
      phase: school.phase ?? undefined,
      type: school.type ?? undefined,
      status: SCHOOL_STATUS_LABELS[school.status as SchoolStatus],
      closedOn: school.closedOn ? formatDate(school.closedOn) : undefined,
      address: [...(school.address ?? []), school.postcode].filter(Boolean).join(', '),
      location: school.location ? { latitude: school.location.latitude, longitude: school.location.longitude } : undefined,
      trust: school.trust ?? undefined,
      headName: school.headName ?? undefined,
      pupils: school.pupils ?? undefined,
      website: school.website ?? undefined,
      sipName: school.sip?.name,
      sipId: school.sip?._id.toString() ?? '',
    },
    support: current
      ? {
          level: current.level,
          label: current.levelLabel,
          description: level?.description ?? undefined,
          entitlement: level ? entitlementPhrases(level) : [],
          inCurrentScheme: !!level,
          reviewDue: formatDate(current.reviewDue),
          reviewOverdue: current.reviewDue.getTime() < Date.now(),
          basedOn: current.setAt.toISOString(),
          history: [...support.history].reverse().map((decision) => ({
            label: `${decision.level} ${decision.levelLabel}`,
            setBy: decision.setBy?.name ?? 'A former user',
            setAt: formatDate(decision.setAt),
            reason: decision.reason,
            reviewDue: formatDate(decision.reviewDue),
          })),
        }
      : null,
    capacityToSupport: school.capacityToSupport
      ? {
          note: school.capacityToSupport.note ?? '',
          recorded: `${school.capacityToSupport.recordedBy?.name ?? 'A former user'}, ${formatDate(school.capacityToSupport.recordedAt)}`,
        }
      : null,
    can: {
      setLevel: canSetSupportLevel(user, found),
      judgeGoodPractice: canJudgeGoodPractice(user, found),
      assignSip: canManageSchools(user),
    },
  };
}

/** For the level form: the school, the scheme's levels, and the current decision to build on. */
export async function supportLevelFormData(user: SessionUser, urn: string) {
  const school = await schoolByUrn(urn);
  if (!canSetSupportLevel(user, school)) throw new NotAllowedError();
  const [scheme, support] = await Promise.all([currentScheme(), SchoolSupport.findOne({ school: school._id }).lean()]);
  return {
    school: { urn: school.urn, name: school.name },
    levels: scheme?.levels ?? [],
    current: support?.current ? { level: support.current.level, basedOn: support.current.setAt.toISOString() } : undefined,
  };
}

/**
 * Records a new level. The form carries the decision it was based on (`basedOn`), and the update
 * applies only if that is still the current one, so two people changing it at once cannot both win.
 */
export async function setSupportLevel(user: SessionUser, urn: string, form: SupportLevelForm): Promise<FieldResult<'level'>> {
  const school = await schoolByUrn(urn);
  if (!canSetSupportLevel(user, school)) throw new NotAllowedError();
  const level = findLevel(await currentScheme(), form.level);
  if (!level) return { ok: false, field: 'level', message: 'Select a support level' };
  const decision = {
    level: level.code,
    levelLabel: level.label,
    setBy: new Types.ObjectId(user.id),
    setAt: new Date(),
    reason: form.reason,
    reviewDue: form.reviewDue,
  };
  const conflict = {
    ok: false as const,
    field: 'level' as const,
    message: 'Someone else set this school’s level while you were editing. Check the level now shown and try again.',
  };
  if (form.basedOn) {
    const basedOn = new Date(form.basedOn);
    if (Number.isNaN(basedOn.getTime())) return conflict;
    const updated = await SchoolSupport.findOneAndUpdate(
      { school: school._id, 'current.setAt': basedOn },
      { $set: { current: decision }, $push: { history: decision } },
    );
    if (!updated) return conflict;
  } else {
    try {
      await SchoolSupport.create({ school: school._id, current: decision, history: [decision] });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return conflict;
      throw error;
    }
  }
  await recordAudit({
    actor: decision.setBy,
    action: 'support_level_set',
    subjectType: 'School',
    subjectId: school._id,
    reason: form.reason,
    changes: { level: level.code, reviewDue: form.reviewDue },
  });
  return { ok: true };
}

export async function capacityFormData(user: SessionUser, urn: string) {
  const school = await schoolByUrn(urn);
  if (!canJudgeGoodPractice(user, school)) throw new NotAllowedError();
  const full = await School.findById(school._id, { capacityToSupport: 1 }).lean();
  return {
    school: { urn: school.urn, name: school.name },
    values: full?.capacityToSupport ? { capacity: 'yes', capacityNote: full.capacityToSupport.note ?? '' } : { capacity: 'no', capacityNote: '' },
  };
}

/** Records (or clears) the LA's judgement that the school has the capacity to support other schools. */
export async function recordCapacityToSupport(user: SessionUser, urn: string, form: CapacityForm): Promise<void> {
  const school = await schoolByUrn(urn);
  if (!canJudgeGoodPractice(user, school)) throw new NotAllowedError();
  const actor = new Types.ObjectId(user.id);
  await School.updateOne(
    { _id: school._id },
    form.capacity
      ? { $set: { capacityToSupport: { note: form.capacityNote || undefined, recordedBy: actor, recordedAt: new Date() } } }
      : { $unset: { capacityToSupport: 1 } },
  );
  await recordAudit({ actor, action: 'capacity_to_support_recorded', subjectType: 'School', subjectId: school._id, changes: { capacity: form.capacity, note: form.capacityNote } });
}

/**
 * Puts a school in a SIP's caseload (or takes it out, with no SIP). A repeat click changes nothing. Called
 * by the sips feature, which first refuses a SIP whose licence to practise has lapsed.
 */
export async function assignSip(user: SessionUser, urn: string, sipId: string): Promise<FieldResult<'sip'>> {
  if (!canManageSchools(user)) throw new NotAllowedError();
  const school = await schoolByUrn(urn);
  let sip: Types.ObjectId | undefined;
  if (sipId) {
    const found = await activeSipId(sipId);
    if (!found) return { ok: false, field: 'sip', message: 'Select a School Improvement Partner from the list' };
    sip = found;
  }
  const previous = await School.findOneAndUpdate(
    sip ? { _id: school._id, sip: { $ne: sip } } : { _id: school._id, sip: { $exists: true } },
    sip ? { $set: { sip } } : { $unset: { sip: 1 } },
  );
  if (!previous) return { ok: true };
  await recordAudit({
    actor: new Types.ObjectId(user.id),
    action: sip ? 'sip_assigned' : 'sip_unassigned',
    subjectType: 'School',
    subjectId: school._id,
    changes: { from: previous.sip?.toString() ?? null, to: sip?.toString() ?? null },
  });
  return { ok: true };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Traded Services' search of all schools, by name or URN. Support levels are never in results. */
export async function searchSchools(user: SessionUser, search: SchoolSearch) {
  if (!canManageSchools(user)) throw new NotAllowedError();
  const filter: Record<string, unknown> = {};
  if (search.status === 'open') filter.status = { $in: OPEN_STATUSES };
  if (search.status === 'closed') filter.status = 'closed';
  if (URN_PATTERN.test(search.q)) filter.urn = search.q;
  else if (search.q) filter.name = { $regex: escapeRegex(search.q), $options: 'i' };
  const [total, schools] = await Promise.all([
    School.countDocuments(filter),
    School.find(filter, { urn: 1, name: 1, localAuthority: 1, phase: 1, status: 1, postcode: 1, sip: 1 })
      .sort({ name: 1, urn: 1 })
      .skip((search.page - 1) * SEARCH_PAGE_SIZE)
      .limit(SEARCH_PAGE_SIZE)
      .populate<{ sip: { name: string } | null }>('sip', 'name')
      .lean(),
  ]);
  return {
    total,
    page: search.page,
    pages: Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE)),
    schools: schools.map((school) => ({
      urn: school.urn,
      name: school.name,
      localAuthority: school.localAuthority ?? '',
      phase: school.phase ?? '',
      status: SCHOOL_STATUS_LABELS[school.status as SchoolStatus],
      postcode: school.postcode ?? '',
      sipName: school.sip?.name ?? '',
    })),
  };
}

/** A SIP's schools with their level, review date and entitlement. */
/** Open commissions and entitlement used per school: the commissions feature's, passed in by whoever shows the caseload. */
export type CaseloadCommissions = (schoolIds: Types.ObjectId[]) => Promise<Map<string, { openCommissions: number; entitlementDaysUsed: number }>>;

export async function sipCaseload(user: SessionUser, commissionSummariesFor: CaseloadCommissions) {
  if (user.role !== 'sip') throw new NotAllowedError();
  const schools = await School.find({ sip: new Types.ObjectId(user.id) }, { urn: 1, name: 1, phase: 1, sip: 1, status: 1 }).sort({ name: 1 }).lean();
  const ids = schools.filter((school) => isInSipCaseload(user, school)).map((school) => school._id);
  const [supports, scheme, commissions] = await Promise.all([
    SchoolSupport.find({ school: { $in: ids } }, { school: 1, current: 1 }).lean(),
    currentScheme(),
    commissionSummariesFor(ids),
  ]);
  const supportBySchool = new Map(supports.map((support) => [support.school.toString(), support.current]));
  return {
    schoolIds: ids,
    schools: schools.map((school) => {
      const current = supportBySchool.get(school._id.toString());
      const commission = commissions.get(school._id.toString());
      return {
        urn: school.urn,
        name: school.name,
        phase: school.phase ?? '',
        closed: school.status === 'closed',
        level: current ? `${current.level} ${current.levelLabel}` : 'Not set',
        reviewDue: current ? formatDate(current.reviewDue) : '',
        reviewOverdue: current ? current.reviewDue.getTime() < Date.now() : false,
        entitlementDays: current ? findLevel(scheme, current.level)?.entitlementDays : undefined,
        openCommissions: commission?.openCommissions ?? 0,
        entitlementDaysUsed: commission?.entitlementDaysUsed ?? 0,
      };
    }),
  };
}

/** A school's name by id (as pen portraits show an employing school), or undefined. */
export async function schoolNameOf(id: unknown): Promise<string | undefined> {
  if (!id) return undefined;
  return (await School.findById(id, { name: 1 }).lean())?.name;
}

/** A school's id and name, or null for an unknown or malformed id. */
export async function schoolIdAndName(id: string): Promise<{ id: string; name: string } | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const school = await School.findById(id, { name: 1 }).lean();
  return school ? { id: school._id.toString(), name: school.name } : null;
}

/** The schools a school user is linked to, by name: the ones they may act for. */
export async function schoolsToActFor(user: SessionUser): Promise<{ id: string; name: string; urn: string }[]> {
  if (user.role !== 'school') throw new NotAllowedError();
  return schoolChoicesAmong(user.schoolIds.map((id) => new Types.ObjectId(id)));
}

/** These schools by name, as choices (id, name, URN). */
export async function schoolChoicesAmong(ids: readonly Types.ObjectId[]): Promise<{ id: string; name: string; urn: string }[]> {
  const schools = await School.find({ _id: { $in: ids } }, { name: 1, urn: 1 }).sort({ name: 1 }).lean();
  return schools.map((school) => ({ id: school._id.toString(), name: school.name, urn: school.urn }));
}
