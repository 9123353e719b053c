import type { Types } from 'mongoose';
import { termFor } from '../src/lib/academic-calendar';
import { School } from '../src/features/schools/school.model';
import { SipFeedback } from '../src/features/sips/sip-feedback.model';
import { SipProfile, SipSettings } from '../src/features/sips/sip-profile.model';

const DAY = 24 * 60 * 60 * 1000;

/** UTC midnight `days` from today: licence renewal dates relative to when the demo is loaded. */
function daysFromToday(days: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + days * DAY);
}

/**
 * Anyshire's own figure for the days a year each caseload school takes of its SIP, filled in as an LA would:
 * seed 004 gives none. With it, Sam Patel's 20 days less 3 schools × 5 leave room for one more school.
 */
const DEMO_DAYS_PER_SCHOOL = 5;

/**
 * The demo SIPs' profiles: one current, one whose licence is due for renewal soon (reminded, flagged on their
 * home), one whose licence has lapsed (flagged to Traded Services; keeps Hillcrest, is not offered for new
 * schools). Capacities are the demo LA's own figures; Alex Reid's is not agreed yet, to show "Capacity not set".
 */
const DEMO_SIP_PROFILES: { email: string; experience: string; phases: string[]; specialisms: string[]; capacityDays?: number; renewalInDays: number; reference: string; caseload?: string[] }[] = [
  {
    email: 'sip@demo.example',
    experience: 'Headteacher of two primary schools for eleven years, then an LA adviser for secondary schools causing concern. I coach new heads through their first year.',
    phases: ['primary', 'secondary'],
    specialisms: ['leadership-and-management', 'mathematics-and-numeracy', 'assessment-tracking-and-data'],
    capacityDays: 20,
    renewalInDays: 300,
    reference: 'SIP-ANY-0142',
  },
  {
    email: 'sip.reid@demo.example',
    experience: 'Former early years and primary headteacher in a rural federation; led the county’s early reading programme.',
    phases: ['eyfs', 'primary'],
    specialisms: ['english-and-literacy', 'early-years', 'partnerships-and-structures'],
    renewalInDays: 20,
    reference: 'SIP-ANY-0187',
  },
  {
    email: 'sip.hale@demo.example',
    experience: 'Secondary and special school headteacher; an Ofsted inspector for six years.',
    phases: ['secondary', 'special'],
    specialisms: ['send-and-inclusion', 'behaviour-and-attendance'],
    capacityDays: 15,
    renewalInDays: -21,
    reference: 'SIP-ANY-0093',
    caseload: ['900004'],
  },
];

/** A school with priorities and no SIP, for Traded Services to choose one: phonics, which Alex Reid knows. */
const DEMO_SCHOOL_WITHOUT_SIP = { urn: '900006', needs: ['phonics-outcomes-falling'], notes: 'Year 1 phonics results fell two years running.' };

/** Idempotent: leaves profiles, settings and feedback already there (and their edits) alone. */
export async function seedDemoSips(userIds: Map<string, Types.ObjectId>, schoolIds: Map<string, Types.ObjectId>, tradedServices: Types.ObjectId): Promise<void> {
  await SipSettings.updateOne({ key: 'current' }, { $setOnInsert: { key: 'current', daysPerSchool: DEMO_DAYS_PER_SCHOOL } }, { upsert: true });
  for (const { email, renewalInDays, reference, caseload, ...profile } of DEMO_SIP_PROFILES) {
    const user = userIds.get(email)!;
    const licence = { reference, renewalDate: daysFromToday(renewalInDays), recordedBy: tradedServices, recordedAt: new Date() };
    await SipProfile.updateOne({ user }, { $setOnInsert: { user, ...profile, licence } }, { upsert: true });
    for (const urn of caseload ?? []) await School.updateOne({ urn, sip: { $exists: false } }, { $set: { sip: user } });
  }
  await School.updateOne(
    { urn: DEMO_SCHOOL_WITHOUT_SIP.urn, priorities: { $exists: false } },
    { $set: { priorities: { needs: DEMO_SCHOOL_WITHOUT_SIP.needs, notes: DEMO_SCHOOL_WITHOUT_SIP.notes, updatedAt: new Date(), updatedBy: tradedServices } } },
  );

  // Oakfield has told Traded Services about Sam Patel this term; St Anne's did last term. Riverside has not yet.
  const sam = userIds.get('sip@demo.example')!;
  const thisTerm = termFor(new Date());
  const lastTerm = termFor(new Date(Date.now() - 120 * DAY));
  const feedback = [
    { urn: '900001', head: 'head.oakfield@demo.example', term: thisTerm.key, givenAt: new Date(Date.now() - 3 * DAY), ratings: { challenge: 4, evaluation: 5, brokering: 3 }, comment: 'Sharp on our maths data; we would like more help finding a mentor for our new head.' },
    { urn: '900003', head: 'head.stannes@demo.example', term: lastTerm.key, givenAt: new Date(Date.now() - 120 * DAY), ratings: { challenge: 5, evaluation: 4, brokering: 4 }, comment: '' },
  ];
  for (const entry of feedback) {
    const school = schoolIds.get(entry.urn)!;
    const record = { school, term: entry.term, sip: sam, givenBy: userIds.get(entry.head)!, givenAt: entry.givenAt, ratings: entry.ratings, ...(entry.comment ? { comment: entry.comment } : {}) };
    await SipFeedback.updateOne({ school, term: entry.term }, { $setOnInsert: record }, { upsert: true });
  }
}
