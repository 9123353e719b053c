import type { Types } from 'mongoose';
import { academicYearFor } from '../../lib/academic-calendar';
import { ACTIVE_STATUSES, AGREED_STATUSES } from './commission-status';
import { Commission } from './commission.model';

export type CommissionSummary = { openCommissions: number; entitlementDaysUsed: number };

/** Open commissions and LA-funded days agreed this academic year, per school, for a SIP's caseload. */
export async function commissionSummariesFor(schoolIds: Types.ObjectId[], now = new Date()): Promise<Map<string, CommissionSummary>> {
  const commissions = await Commission.find(
    { school: { $in: schoolIds }, status: { $in: [...new Set([...ACTIVE_STATUSES, ...AGREED_STATUSES])] } },
    { school: 1, status: 1, days: 1, funding: 1, academicYear: 1 },
  ).lean();
  const year = academicYearFor(now);
  const summaries = new Map<string, CommissionSummary>(schoolIds.map((id) => [id.toString(), { openCommissions: 0, entitlementDaysUsed: 0 }]));
  for (const commission of commissions) {
    const summary = summaries.get(commission.school.toString())!;
    if ((ACTIVE_STATUSES as readonly string[]).includes(commission.status)) summary.openCommissions++;
    if (commission.funding === 'la' && commission.academicYear === year && (AGREED_STATUSES as readonly string[]).includes(commission.status)) {
      summary.entitlementDaysUsed += commission.days;
    }
  }
  return summaries;
}
