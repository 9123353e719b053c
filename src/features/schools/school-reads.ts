import type { ProjectionType, Types } from 'mongoose';
import { SchoolSupport } from './school-support.model';
import { OPEN_STATUSES, School, type SchoolStatus } from './school.model';

// Reads of schools for other features: they call these, never the School model (eslint/layers.mjs).

type Id = string | Types.ObjectId;
type Projection = ProjectionType<unknown> | undefined;

export const findSchoolById = (id: Id, projection?: Projection) => School.findById(id, projection).lean();
export const findSchoolByUrn = (urn: string, projection?: Projection) => School.findOne({ urn }, projection).lean();
export const findSchools = (ids: readonly Id[], projection?: Projection) => School.find({ _id: { $in: ids } }, projection).lean();
export const schoolExists = async (id: Id) => (await School.exists({ _id: id })) !== null;
export const countSchools = () => School.countDocuments();
/** Every school's current support level (no history). */
export const currentSupportLevels = () => SchoolSupport.find({}, { school: 1, current: 1 }).lean();
/** Of these schools, the ids of those open now (a closed school's word no longer stands). */
export async function openSchoolIdsAmong(ids: readonly Id[]): Promise<Types.ObjectId[]> {
  if (ids.length === 0) return [];
  const schools = await School.find({ _id: { $in: ids } }, { status: 1 }).lean();
  return schools.filter((school) => OPEN_STATUSES.includes(school.status as SchoolStatus)).map((school) => school._id);
}
/** These schools' support-level histories (every decision, oldest first). */
export const supportHistoriesOf = (ids: readonly Id[]) => SchoolSupport.find({ school: { $in: ids } }, { school: 1, history: 1 }).lean();
