import type { Types } from 'mongoose';
import { OPEN_STATUSES, School } from './school.model';

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

/** How many open schools each SIP has in their caseload, by SIP user id (a closed school takes none of their days). */
export async function openCaseloadSizes(): Promise<Map<string, number>> {
  const schools = await School.find({ sip: { $exists: true }, status: { $in: OPEN_STATUSES } }, { sip: 1 }).lean();
  const sizes = new Map<string, number>();
  for (const school of schools) if (school.sip) sizes.set(school.sip.toString(), (sizes.get(school.sip.toString()) ?? 0) + 1);
  return sizes;
}
