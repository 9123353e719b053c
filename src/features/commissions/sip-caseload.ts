import type { Types } from 'mongoose';

/**
 * The ONE link to SIP caseloads (feature/schools). On this branch no caseloads exist, so a SIP brokers for
 * and sees no school until the lead connects these to the caseloads at merge.
 */
export async function schoolsInSipCaseload(sipUserId: string): Promise<Types.ObjectId[]> {
  void sipUserId;
  return [];
}

export async function isInSipCaseload(sipUserId: string, schoolId: string): Promise<boolean> {
  return (await schoolsInSipCaseload(sipUserId)).some((id) => id.toString() === schoolId);
}
