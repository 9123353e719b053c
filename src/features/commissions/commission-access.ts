import type { Types } from 'mongoose';
import type { SessionUser } from '../../web/identity';
import type { Party } from './commission-status';
import { ownsListingNow } from '../listings/listing-reads';
import { isInSipCaseload } from '../schools/sip-caseload';

/** What the access rules need to know about a commission. */
export type CommissionParties = { school: Types.ObjectId; listing: Types.ObjectId; owners: Types.ObjectId[]; brokeredBy?: Types.ObjectId | null };

const isOwner = (user: SessionUser, commission: CommissionParties) => commission.owners.some((owner) => owner.toString() === user.id);

/**
 * Commissions found visible to a user: this very record (as read in this request) and this very user, so
 * the page, its steps and its feedback ask once, not once each (each answer can cost a read).
 */
const foundVisible = new WeakMap<CommissionParties, SessionUser>();

/**
 * A school sees its own commissions; a provider those of listings it owned when the support was asked
 * for and still owns; a SIP its caseload's; Traded Services all.
 */
export async function canViewCommission(user: SessionUser, commission: CommissionParties): Promise<boolean> {
  if (foundVisible.get(commission) === user) return true;
  const visible = await visibleToRole(user, commission);
  if (visible) foundVisible.set(commission, user);
  return visible;
}

async function visibleToRole(user: SessionUser, commission: CommissionParties): Promise<boolean> {
  switch (user.role) {
    case 'school':
      return user.actingSchoolId === commission.school.toString();
    case 'provider':
      return isOwner(user, commission) && (await ownsListingNow(user.id, commission.listing));
    case 'sip':
      return isInSipCaseload(user.id, commission.school.toString());
    case 'traded_services':
      return true;
  }
}

/** The sides of a commission this user stands on, which decide the steps they may take. */
export async function partiesOf(user: SessionUser, commission: CommissionParties): Promise<Party[]> {
  if (!(await canViewCommission(user, commission))) return [];
  const parties: Party[] = [];
  if (user.role === 'school') parties.push('school');
  if (user.role === 'provider') parties.push('provider');
  if (user.role === 'traded_services') parties.push('traded_services');
  if (commission.brokeredBy?.toString() === user.id) parties.push('broker');
  return parties;
}

/** Support levels are sensitive: providers never see a school's. */
export function canSeeSupportLevel(user: SessionUser): boolean {
  return user.role !== 'provider';
}

export function canRequestSupportDirectly(user: SessionUser): boolean {
  return user.role === 'school' && Boolean(user.actingSchoolId);
}

/** Traded Services broker for any school; a SIP only for schools in their caseload. */
export async function canBrokerForSchool(user: SessionUser, schoolId: string): Promise<boolean> {
  if (user.role === 'traded_services') return true;
  if (user.role === 'sip') return isInSipCaseload(user.id, schoolId);
  return false;
}

export function canBrokerCommissions(user: SessionUser): boolean {
  return user.role === 'traded_services' || user.role === 'sip';
}

export function canSeeCommissionReports(user: SessionUser): boolean {
  return user.role === 'traded_services' || user.role === 'sip';
}

/** Whether the pen portrait offers this user "Ask for support": to ask for their school, or to arrange it for one. */
export function canAskForSupport(user: SessionUser): boolean {
  return canRequestSupportDirectly(user) || canBrokerCommissions(user);
}
