import type { Types } from 'mongoose';
import { School } from './school.model';

/** The schools in a SIP's caseload (set by Traded Services on each school). */
export async function schoolsInSipCaseload(sipUserId: string): Promise<Types.ObjectId[]> {
  return (await School.find({ sip: sipUserId }, { _id: 1 }).lean()).map((school) => school._id);
}

export async function isInSipCaseload(sipUserId: string, schoolId: string): Promise<boolean> {
  return (await School.exists({ _id: schoolId, sip: sipUserId })) !== null;
}

/** A SIP's caseload by name, for choosing a school without typing its URN. */
export async function caseloadSchoolNames(sipUserId: string): Promise<{ urn: string; name: string }[]> {
  const schools = await School.find({ sip: sipUserId }, { urn: 1, name: 1 }).lean();
  return schools.map((school) => ({ urn: school.urn, name: school.name })).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}
