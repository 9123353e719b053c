import type { SessionUser } from '../../web/identity';
import { caseloadPlaces, findSchoolPlace, schoolPlaceById, type SchoolPlace } from '../schools/school-places';
import type { DistanceQuery } from './directory.schemas';
import type { DistanceRequest } from './provider-distance';

/**
 * How a user picks the school distances are measured from: a SIP from a list of their caseload; everyone
 * else by typing a URN or name (never a list of every school: there are 25,000 in England), where an empty
 * box means a school user's own school.
 */
export type OriginChoice = { by: 'caseload'; schools: SchoolPlace[] } | { by: 'urn-or-name'; ownSchool: SchoolPlace | null };

export type SearchOrigin = {
  choice: OriginChoice;
  /** The school distances are measured from, or null for none. */
  origin: SchoolPlace | null;
  /** What the user typed or chose, shown again in the box. */
  typed: string;
  /** Why the school asked for cannot be used, or why a distance limit or order needs one. */
  problem: string | null;
};

/** The schools a user is offered as places to measure from: only a SIP's own caseload, or the school a school user acts for. */
export async function originChoiceFor(user: SessionUser): Promise<OriginChoice> {
  if (user.role === 'sip') {
    const schools = await caseloadPlaces(user.id);
    if (schools.length > 0) return { by: 'caseload', schools };
  }
  const ownSchool = user.role === 'school' && user.actingSchoolId ? await schoolPlaceById(user.actingSchoolId) : null;
  return { by: 'urn-or-name', ownSchool };
}

/** The school a user measures from when they have not said: a SIP's first caseload school by name, a school user's own school. */
function defaultOrigin(choice: OriginChoice): SchoolPlace | null {
  return choice.by === 'caseload' ? choice.schools[0]! : choice.ownSchool;
}

/**
 * The school a search measures distances from: the one asked for, by URN or exact name, which may be any
 * open school GIAS places (a school's location is public), else the user's default. A distance limit or
 * "nearest first" without a school is a problem to show, and the search runs without distances.
 */
export async function searchOrigin(user: SessionUser, query: DistanceQuery & { sort: string }): Promise<SearchOrigin> {
  const choice = await originChoiceFor(user);
  const asked = query.from;
  let origin: SchoolPlace | null = null;
  let problem: string | null = null;
  if (!asked) {
    origin = defaultOrigin(choice);
  } else {
    const offered = choice.by === 'caseload' ? choice.schools.find((school) => school.urn === asked) : undefined;
    const found = offered ? { ok: true as const, place: offered } : await findSchoolPlace(asked);
    if (found.ok) origin = found.place;
    else problem = found.message;
  }
  if (!origin && !problem && (query.within !== null || query.sort === 'distance')) {
    problem = query.within !== null ? `Enter a school’s URN or name to find providers within ${query.within} miles of it` : 'Enter a school’s URN or name to list providers nearest to it first';
  }
  return { choice, origin, typed: asked, problem };
}

/** What the search asks of distances: measured from the origin, up to the limit chosen. */
export function distanceRequest(origin: SchoolPlace | null, query: DistanceQuery): DistanceRequest | null {
  return origin ? { origin, within: query.within } : null;
}
