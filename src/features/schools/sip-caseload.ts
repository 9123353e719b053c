import type { Types } from 'mongoose';
import { School } from './school.model';

/** The schools in a SIP's caseload (set by Traded Services on each school). */
export async function schoolsInSipCaseload(sipUserId: string): Promise<Types.ObjectId[]> {
  return (await School.find({ sip: sipUserId }, { _id: 1 }).lean()).map((school) => school._id);
}

export async function isInSipCaseload(sipUserId: string, schoolId: string): Promise<boolean> {
  return (await School.exists({ _id: schoolId, sip: sipUserId })) !== null;
}
