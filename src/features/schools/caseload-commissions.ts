import type { Types } from 'mongoose';

export type CommissionSummary = { openCommissions: number; entitlementDaysUsed: number };

/**
 * Open commissions and LA-funded days used, per school, for a SIP's caseload.
 *
 * Commissions are not recorded by this service yet: until the commissioning feature fills this
 * in, it answers null, and the caseload shows each school's entitlement without a "used" figure
 * (it never shows a number it has not counted).
 */
export async function commissionSummariesFor(_schoolIds: Types.ObjectId[]): Promise<Map<string, CommissionSummary> | null> {
  return null;
}
