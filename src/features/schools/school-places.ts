import { isGridReference, type GridReference } from '../../lib/grid-distance';
import { markChanged } from '../../db/change-marks';
import { OPEN_STATUSES, School } from './school.model';
import { URN_PATTERN } from './schools.schemas';

/**
 * Where schools are, for straight-line distances: the grid reference GIAS gives each school. A school's
 * location is public (GIAS publishes it), so any open school may be a place to measure from.
 */

/** Left by the GIAS import when it changed any school, so the directory re-reads its providers' bases. */
export const SCHOOL_PLACES_CHANGE_MARK = 'school-places';

export const markSchoolPlacesChanged = () => markChanged(SCHOOL_PLACES_CHANGE_MARK);

/** A school distances can be measured from. */
export type SchoolPlace = { id: string; urn: string; name: string; grid: GridReference };

type PlaceRecord = { _id: { toString(): string }; urn: string; name: string; grid?: unknown };

const PLACE_FIELDS = { urn: 1, name: 1, grid: 1, status: 1 } as const;

export function placeOf(school: PlaceRecord): SchoolPlace | null {
  return isGridReference(school.grid) ? { id: school._id.toString(), urn: school.urn, name: school.name, grid: { easting: school.grid.easting, northing: school.grid.northing } } : null;
}

/**
 * Ids per read. FerretDB on SQLite answered 2,000 ids in 0.6 s in reads of 200, but took 17 s in reads of
 * 1,000 and 30 s for 8,000 in one (measured with 25,000 schools).
 */
const IDS_PER_READ = 200;

/** Each of these schools' grid reference, by id, or null where GIAS gives none. */
export async function gridReferencesOf(ids: readonly string[]): Promise<Map<string, GridReference | null>> {
  const grids = new Map<string, GridReference | null>(ids.map((id) => [id, null]));
  for (let start = 0; start < ids.length; start += IDS_PER_READ) {
    const schools = await School.find({ _id: { $in: ids.slice(start, start + IDS_PER_READ) } }, { grid: 1 }).lean();
    for (const school of schools) grids.set(school._id.toString(), isGridReference(school.grid) ? { easting: school.grid.easting, northing: school.grid.northing } : null);
  }
  return grids;
}

/** The schools of a SIP's caseload that are open and placed on the grid, by name. */
export async function caseloadPlaces(sipUserId: string): Promise<SchoolPlace[]> {
  const schools = await School.find({ sip: sipUserId, status: { $in: OPEN_STATUSES } }, PLACE_FIELDS).lean();
  return schools
    .map(placeOf)
    .filter((place): place is SchoolPlace => place !== null)
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** A school user's own school as a place, or null when GIAS gives it no location. */
export async function schoolPlaceById(id: string): Promise<SchoolPlace | null> {
  const school = await School.findById(id, PLACE_FIELDS).lean();
  return school ? placeOf(school) : null;
}

export type PlaceLookup = { ok: true; place: SchoolPlace } | { ok: false; message: string };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The open school with this URN, or the one open school with exactly this name (any case), as a place.
 * A name shared by several schools (there are many St Mary's) asks for the URN.
 */
export async function findSchoolPlace(urnOrName: string): Promise<PlaceLookup> {
  const wanted = urnOrName.trim();
  const byUrn = URN_PATTERN.test(wanted);
  const schools = await School.find(
    { ...(byUrn ? { urn: wanted } : { name: { $regex: `^${escapeRegex(wanted)}$`, $options: 'i' } }), status: { $in: OPEN_STATUSES } },
    PLACE_FIELDS,
  )
    .limit(2)
    .lean();
  if (schools.length === 0) return { ok: false, message: byUrn ? `No open school has the URN ${wanted}` : `No open school is called “${wanted}”: check the name, or enter the school’s URN` };
  if (schools.length > 1) return { ok: false, message: `More than one open school is called “${wanted}”: enter the URN of the one you mean` };
  const place = placeOf(schools[0]!);
  return place ? { ok: true, place } : { ok: false, message: `GIAS gives no location for ${schools[0]!.name}, so distances from it cannot be measured` };
}
