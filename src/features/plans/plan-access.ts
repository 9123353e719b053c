import type { SessionUser } from '../../web/identity';
import { canManageSchools, canViewSchoolSupport, isInSipCaseload, type SchoolForAccess } from '../schools/school-access';

/**
 * A support plan is as sensitive as the school's support level (it says why the school needs support):
 * the school itself, its SIP and Traded Services see it; nobody else.
 */
export function canViewPlan(user: SessionUser, school: SchoolForAccess): boolean {
  return canViewSchoolSupport(user, school);
}

/** The SIP writes the plan with the school, and the school writes its own; Traded Services read it. */
export function canEditPlan(user: SessionUser, school: SchoolForAccess): boolean {
  return isInSipCaseload(user, school) || isOwnSchool(user, school);
}

/** The school agrees its plan (its head, or a senior leader with the school's account): "agreed in partnership with the school". */
export function canAgreePlan(user: SessionUser, school: SchoolForAccess): boolean {
  return isOwnSchool(user, school);
}

/** The termly review is the SIP's judgement of progress; the school sees it. */
export function canReviewPlan(user: SessionUser, school: SchoolForAccess): boolean {
  return isInSipCaseload(user, school);
}

/** Support is arranged against a priority by whoever may arrange support for the school: itself, its SIP, Traded Services. */
export function canArrangeSupportFor(user: SessionUser, school: SchoolForAccess): boolean {
  return isOwnSchool(user, school) || isInSipCaseload(user, school) || canManageSchools(user);
}

function isOwnSchool(user: SessionUser, school: SchoolForAccess): boolean {
  return user.role === 'school' && user.actingSchoolId === school._id.toString();
}
