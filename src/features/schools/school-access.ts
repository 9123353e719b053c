import type { Types } from 'mongoose';
import type { SessionUser } from '../../web/identity';

/** Enough of a school to decide who may see or change its sensitive records. */
export type SchoolForAccess = { _id: Types.ObjectId; sip?: Types.ObjectId | null };

/** Traded Services run the LA's picture of schools: search, import, schemes and caseloads. */
export function canManageSchools(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

export function isInSipCaseload(user: SessionUser, school: SchoolForAccess): boolean {
  return user.role === 'sip' && !!school.sip && school.sip.toString() === user.id;
}

/** A school's support level and its history: only that school, its SIP and Traded Services. */
export function canViewSchoolSupport(user: SessionUser, school: SchoolForAccess): boolean {
  if (canManageSchools(user) || isInSipCaseload(user, school)) return true;
  return user.role === 'school' && user.actingSchoolId === school._id.toString();
}

/** Setting a level is a judgement for the school's SIP or Traded Services, not the school itself. */
export function canSetSupportLevel(user: SessionUser, school: SchoolForAccess): boolean {
  return canManageSchools(user) || isInSipCaseload(user, school);
}

/**
 * Identifying good practice and capacity to support others is the LA's judgement (seed 001: the SIP's
 * summer-term visit "can be used to identify this good practice"): the school's SIP or Traded Services.
 */
export function canJudgeGoodPractice(user: SessionUser, school: SchoolForAccess): boolean {
  return canSetSupportLevel(user, school);
}
