import { plural } from '../../lib/format';
import { licenceText, mayTakeNewSchools, type LicenceStanding } from './licence-standing';

// Suggesting a SIP for a school. Seed 004: "The success of the SIP programme will be based on the principle
// of having the right SIP for the right school. This will be achieved by matching SIPs with certain
// experience to schools in need of that experience", and LAs "should match SIPs to schools ... reflecting
// each school's particular challenges". Pure: the service gathers the facts, this ranks them and says why.

type Named = { slug: string; label: string };

/** The school as matching reads it: its phase (a taxonomy phase) and its priorities, each with its categories. */
export type SchoolToMatch = { phase: Named | undefined; priorities: (Named & { categories: string[] })[] };

export type SipCandidate = {
  id: string;
  name: string;
  phases: Named[];
  /** Taxonomy categories of support. */
  specialisms: Named[];
  /** Days a year the LA has the SIP for; unset until the LA fills it in. */
  capacityDays: number | undefined;
  /** Open schools in their caseload now. */
  caseloadSchools: number;
  /** The school being matched is already in their caseload. */
  hasThisSchool: boolean;
  licence: LicenceStanding;
};

/**
 * What a SIP has left. Committed days are the LA's days per caseload school (Traded Services set it on the
 * SIPs page; seed 004 gives no figure) times the open schools in the caseload. With the SIP's capacity or
 * the days per school unset, nothing is invented: the page says which is missing.
 */
export type Capacity =
  | { kind: 'not_set'; schools: number }
  | { kind: 'days_per_school_not_set'; capacityDays: number; schools: number }
  | { kind: 'counted'; capacityDays: number; schools: number; daysPerSchool: number; committed: number; remaining: number; hasRoom: boolean };

/** `addingSchool`: whether a school not yet theirs must fit in what is left (on the assign page), or only what they have. */
export function capacityOf(sip: Pick<SipCandidate, 'capacityDays' | 'caseloadSchools'>, daysPerSchool: number | undefined, addingSchool: boolean): Capacity {
  const schools = sip.caseloadSchools;
  if (sip.capacityDays === undefined) return { kind: 'not_set', schools };
  if (daysPerSchool === undefined) return { kind: 'days_per_school_not_set', capacityDays: sip.capacityDays, schools };
  const committed = schools * daysPerSchool;
  const remaining = sip.capacityDays - committed;
  const hasRoom = remaining >= (addingSchool ? daysPerSchool : 0);
  return { kind: 'counted', capacityDays: sip.capacityDays, schools, daysPerSchool, committed, remaining, hasRoom };
}

export function capacityText(capacity: Capacity): string {
  const schools = plural(capacity.schools, 'school');
  switch (capacity.kind) {
    case 'not_set':
      return `Capacity not set (${schools} in their caseload)`;
    case 'days_per_school_not_set':
      return `Capacity ${plural(capacity.capacityDays, 'day')} a year; ${schools} in their caseload (days per school not set, so days left are not counted)`;
    case 'counted': {
      const sum = `${schools} × ${plural(capacity.daysPerSchool, 'day')}`;
      return capacity.hasRoom
        ? `${plural(Math.max(capacity.remaining, 0), 'day')} left of ${capacity.capacityDays} a year (${sum})`
        : `No room: ${plural(capacity.committed, 'day')} of ${capacity.capacityDays} a year committed (${sum})`;
    }
  }
}

/** A priority of the school and the SIP's specialisms that address it. */
export type PriorityMatch = { priority: string; specialisms: string[] };

export type RankedSip = {
  id: string;
  name: string;
  phaseMatch: boolean;
  priorityMatches: PriorityMatch[];
  capacity: Capacity;
  licence: LicenceStanding;
  hasThisSchool: boolean;
  /** Why it ranks where it does, in the order of the ranking rule. */
  reasons: string[];
};

export type NotSuggested = { id: string; name: string; hasThisSchool: boolean; reason: string };

function phaseReason(school: SchoolToMatch, candidate: SipCandidate, match: boolean): string {
  if (!school.phase) return 'The school’s phase is not recorded, so phase is not compared';
  if (match) return `Works in the ${school.phase.label.toLowerCase()} phase`;
  if (candidate.phases.length === 0) return 'No phases recorded on their profile';
  return `Does not work in the ${school.phase.label.toLowerCase()} phase (works in ${candidate.phases.map((phase) => phase.label.toLowerCase()).join(', ')})`;
}

function priorityReasons(school: SchoolToMatch, matches: PriorityMatch[]): string[] {
  if (school.priorities.length === 0) return ['No priorities recorded for the school, so specialisms are not compared'];
  if (matches.length === 0) return ['No specialism matches the school’s priorities'];
  return matches.map((match) => `Specialism for “${match.priority}”: ${match.specialisms.join(', ')}`);
}

function priorityMatchesOf(school: SchoolToMatch, candidate: SipCandidate): PriorityMatch[] {
  return school.priorities.flatMap((priority) => {
    const specialisms = candidate.specialisms.filter((specialism) => priority.categories.includes(specialism.slug)).map((specialism) => specialism.label);
    return specialisms.length ? [{ priority: priority.label, specialisms }] : [];
  });
}

/** Room for the school first, then not counted, then no room. */
const capacityRank = (capacity: Capacity) => (capacity.kind === 'counted' ? (capacity.hasRoom ? 0 : 2) : 1);
const remainingDays = (capacity: Capacity) => (capacity.kind === 'counted' ? capacity.remaining : 0);

/**
 * The ranking rule: phase match first; then how many of the school's priorities their specialisms
 * address; then room for the school (room, then not counted, then none); then a licence on record; then
 * the most days left; then the fewest schools; then name. A SIP whose licence has lapsed is never
 * suggested (they are listed apart, with the reason).
 */
export function rankSips(school: SchoolToMatch, candidates: readonly SipCandidate[], daysPerSchool: number | undefined): { ranked: RankedSip[]; notSuggested: NotSuggested[] } {
  const notSuggested: NotSuggested[] = [];
  const ranked: RankedSip[] = [];
  for (const candidate of candidates) {
    if (!mayTakeNewSchools(candidate.licence)) {
      notSuggested.push({ id: candidate.id, name: candidate.name, hasThisSchool: candidate.hasThisSchool, reason: `${licenceText(candidate.licence)}, so they are not offered for new schools` });
      continue;
    }
    const phaseMatch = !!school.phase && candidate.phases.some((phase) => phase.slug === school.phase!.slug);
    const priorityMatches = priorityMatchesOf(school, candidate);
    const capacity = capacityOf(candidate, daysPerSchool, !candidate.hasThisSchool);
    ranked.push({
      id: candidate.id,
      name: candidate.name,
      phaseMatch,
      priorityMatches,
      capacity,
      licence: candidate.licence,
      hasThisSchool: candidate.hasThisSchool,
      reasons: [
        ...(candidate.hasThisSchool ? ['The school’s SIP now'] : []),
        phaseReason(school, candidate, phaseMatch),
        ...priorityReasons(school, priorityMatches),
        capacityText(capacity),
        licenceText(candidate.licence),
      ],
    });
  }
  const sortKeys = (sip: RankedSip) => [
    sip.phaseMatch ? 0 : 1,
    -sip.priorityMatches.length,
    capacityRank(sip.capacity),
    sip.licence.state === 'not_recorded' ? 1 : 0,
    -remainingDays(sip.capacity),
    sip.capacity.schools,
  ];
  ranked.sort((a, b) => {
    const [keysA, keysB] = [sortKeys(a), sortKeys(b)];
    const differing = keysA.findIndex((key, i) => key !== keysB[i]);
    return differing === -1 ? a.name.localeCompare(b.name, 'en-GB') : keysA[differing]! - keysB[differing]!;
  });
  notSuggested.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  return { ranked, notSuggested };
}
