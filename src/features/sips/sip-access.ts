import type { SessionUser } from '../../web/identity';

/** Traded Services deploy SIPs: the SIPs page, the LA's days per school, assigning SIPs to schools. */
export function canManageSips(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** A SIP's profile: the SIP themself and Traded Services. */
export function canViewSipProfile(user: SessionUser, sipUserId: string): boolean {
  return canManageSips(user) || (user.role === 'sip' && user.id === sipUserId);
}

/** Experience, phases and specialisms: the SIP keeps their own; Traded Services may correct any. */
export function canEditSipProfile(user: SessionUser, sipUserId: string): boolean {
  return canViewSipProfile(user, sipUserId);
}

/** The licence to practise and the capacity are the LA's to record and verify, not the SIP's. */
export function canRecordSipLicence(user: SessionUser): boolean {
  return canManageSips(user);
}

/**
 * Heads' feedback on a SIP is for the LA, which quality-assures and performance-manages SIPs (seed 004:
 * "LAs will be responsible for performance managing and quality assuring SIPs"): Traded Services only.
 */
export function canReadSipFeedback(user: SessionUser): boolean {
  return canManageSips(user);
}

/** A school gives feedback on its own SIP only: the school is the user's, and has a SIP. */
export function canGiveSipFeedback(user: SessionUser, school: { _id: { toString(): string }; sip?: unknown }): boolean {
  return user.role === 'school' && user.actingSchoolId === school._id.toString() && !!school.sip;
}
