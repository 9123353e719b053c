import type { ProjectionType, Types } from 'mongoose';
import { SchoolSupport } from './school-support.model';
import { School } from './school.model';

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
