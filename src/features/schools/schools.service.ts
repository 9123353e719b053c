import { School } from './school.model';

export type SchoolChoice = { id: string; name: string; urn: string };

export async function listSchoolChoices(): Promise<SchoolChoice[]> {
  const schools = await School.find({}, { name: 1, urn: 1 }).sort({ name: 1 }).lean();
  return schools.map((school) => ({ id: school._id.toString(), name: school.name, urn: school.urn }));
}
