import type { Types } from 'mongoose';
import { hashPassword } from '../src/features/accounts/passwords';
import type { Role } from '../src/web/identity';
import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { Recommendation } from '../src/features/listings/recommendation.model';
import { recordOwnership } from '../src/features/listings/listing-ownership';
import { pickReviewed, type ReviewedValues } from '../src/features/listings/listing-revisions';
import { nextTermlyReview } from '../src/features/schools/review-dates';
import { School } from '../src/features/schools/school.model';
import { latLongFromGrid } from '../src/features/schools/gias/british-national-grid';
import { SchoolSupport } from '../src/features/schools/school-support.model';
import { SupportScheme } from '../src/features/schools/support-scheme.model';
import { Nomination } from '../src/features/nominations/nomination.model';
import { SCHEME_PRESETS } from '../src/features/schools/support-scheme.presets';
import { TaxonomyTerm } from '../src/features/taxonomy/taxonomy.model';
import { ensureDefaultTaxonomy } from '../src/features/taxonomy/taxonomy.service';
import { recommendAsDemoSchool, seedDemoDirectory } from './demo-directory';
import { DEMO_COMMISSION_USERS, seedDemoCommissions } from './demo-commissions';
import { seedDemoChecks } from './demo-checks';
import { seedDemoPlans } from './demo-plans';
import { seedDemoSips } from './demo-sips';
import { rebuildFigures } from '../src/features/commissions/figures/figure-rebuild';

/** Shown in the README. Demo data is loaded only outside production unless SEED_DEMO_DATA=true. */
export const DEMO_PASSWORD = 'school-support-demo';

// URNs 9xxxxx are not used by real schools, so a later GIAS import never collides with these. Grid references
// (British National Grid, metres, as GIAS gives them) place them in fictional Anyshire (seed/directory-generator.ts).
export const DEMO_SCHOOLS = [
  { urn: '900001', name: 'Oakfield Primary School', localAuthority: 'Anyshire', phase: 'Primary', postcode: 'AN1 2OP', grid: { easting: 430200, northing: 280400 } },
  { urn: '900002', name: 'Riverside Academy', localAuthority: 'Anyshire', phase: 'Secondary', postcode: 'AN3 4RA', grid: { easting: 433600, northing: 282300 } },
  { urn: '900003', name: "St Anne's CofE Primary School", localAuthority: 'Anyshire', phase: 'Primary', postcode: 'AN5 6SA', grid: { easting: 421300, northing: 287100 } },
  { urn: '900004', name: 'Hillcrest School', localAuthority: 'Anyshire', phase: 'Secondary', postcode: 'AN7 8HS', grid: { easting: 427500, northing: 276800 } },
  { urn: '900005', name: 'Meadow View Special School', localAuthority: 'Anyshire', phase: 'Special', postcode: 'AN9 1MV', grid: { easting: 446100, northing: 292600 } },
  { urn: '900006', name: 'Brookfield Infant School', localAuthority: 'Anyshire', phase: 'Primary', postcode: 'AN2 3BI', grid: { easting: 432100, northing: 285000 } },
];

/** A school's grid reference with the latitude and longitude the GIAS import would work out from it. */
function placedAt(grid: { easting: number; northing: number }) {
  return { grid, location: latLongFromGrid(grid.easting, grid.northing) ?? undefined };
}

/** A school user's schools by URN: one for a head, several for someone who works across schools. */
export type DemoUser = { email: string; name: string; role: Role; schoolUrns?: string[] };

export const DEMO_USERS: DemoUser[] = [
  { email: 'tradedservices@demo.example', name: 'Terry Owens', role: 'traded_services' },
  { email: 'sip@demo.example', name: 'Sam Patel', role: 'sip' },
  { email: 'head.oakfield@demo.example', name: 'Olivia Brown', role: 'school', schoolUrns: ['900001'] },
  { email: 'head.riverside@demo.example', name: 'Rashid Khan', role: 'school', schoolUrns: ['900002'] },
  { email: 'sip.reid@demo.example', name: 'Alex Reid', role: 'sip' },
  { email: 'sip.hale@demo.example', name: 'Jordan Hale', role: 'sip' },
  // A multi-academy trust's school-improvement lead, acting for one of two schools at a time.
  { email: 'trust.lead@demo.example', name: 'Morgan Ellis', role: 'school', schoolUrns: ['900001', '900002'] },
  { email: 'provider@demo.example', name: 'Priya Shah', role: 'provider' },
  { email: 'literacy.team@demo.example', name: 'Lena Morris', role: 'provider' },
  ...DEMO_COMMISSION_USERS,
];

const DAY = 24 * 60 * 60 * 1000;
const MONTH = 30 * DAY;

/** Rich pen portraits so the directory has real content; recommendedBy are demo school URNs. */
const DEMO_LISTINGS = [
  {
    name: 'Priya Shah, Local Leader of Education',
    providerType: 'lle',
    organisation: 'Hillcrest School',
    employingUrn: '900004',
    summary: 'Headteacher who has led two schools out of special measures; coaches new and acting heads.',
    experience:
      'Headteacher of Hillcrest School since 2016, which moved from requires improvement to good in two years.\n\nBefore that I led St Mark\'s Primary out of special measures. I coach new and acting heads through their first year, and support schools preparing for inspection.',
    expertise: ['leadership-and-management', 'governance', 'assessment-tracking-and-data'],
    phases: ['primary', 'secondary'],
    subjects: [],
    contexts: ['causing-concern', 'new-headteacher', 'urban'],
    offers: ['coaching', 'mentoring', 'review', 'action-planning'],
    areas: ['North Anyshire', 'Riverton'],
    capacity: { days: 12, period: 'term' },
    fundedByLa: false,
    dailyRatePence: 55000,
    contact: { name: 'Priya Shah', email: 'provider@demo.example', route: 'Email first; I reply within two school days.' },
    designation: { awardedOn: new Date('2023-09-01'), expiresOn: new Date('2027-08-31') },
    ownerEmail: 'provider@demo.example',
    status: 'approved',
    recommendedBy: ['900001', '900002'],
  },
  {
    name: 'Hillcrest School: Key Stage 3 mathematics',
    providerType: 'good_practice_school',
    organisation: 'Hillcrest School',
    employingUrn: '900004',
    summary: 'Mastery approach to KS3 maths that lifted progress for disadvantaged pupils three years running.',
    experience: 'Our maths department redesigned KS3 around small steps and daily retrieval. Visiting teams see lessons and planning, and meet our subject leader.',
    expertise: ['mathematics-and-numeracy', 'curriculum-and-subject-leadership'],
    phases: ['secondary'],
    subjects: ['mathematics'],
    contexts: ['high-pupil-premium'],
    offers: ['school-to-school-visits', 'training'],
    areas: ['Anyshire'],
    capacity: { days: 6, period: 'year' },
    fundedByLa: false,
    dailyRatePence: 40000,
    contact: { name: 'Maths department', email: 'provider@demo.example' },
    designation: { expiresOn: undefined },
    ownerEmail: 'provider@demo.example',
    status: 'draft',
    recommendedBy: ['900001'],
  },
  {
    name: 'Anyshire Literacy Team',
    providerType: 'traded_service',
    organisation: 'Anyshire County Council',
    employingUrn: '',
    summary: 'Phonics and early reading training, reviews of English provision, and support for new English leads.',
    experience: 'A team of four literacy consultants working with over sixty Anyshire schools a year on phonics, reading and writing.',
    expertise: ['english-and-literacy', 'early-years'],
    phases: ['eyfs', 'primary'],
    subjects: ['english', 'phonics'],
    contexts: ['high-eal', 'small-school', 'rural'],
    offers: ['training', 'review', 'modelling'],
    areas: ['Anyshire'],
    capacity: { days: 40, period: 'term' },
    fundedByLa: true,
    contact: { name: 'Lena Morris', email: 'literacy.team@demo.example', phone: '01632 960 001', openData: ['email', 'phone'] },
    designation: { expiresOn: undefined },
    ownerEmail: 'literacy.team@demo.example',
    status: 'approved',
    recommendedBy: ['900003', '900006'],
  },
  {
    name: 'Brookfield Infant School: early reading',
    providerType: 'good_practice_school',
    organisation: 'Brookfield Infant School',
    employingUrn: '900006',
    summary: 'Year 1 phonics check results above national for five years; visits to see daily phonics and early reading in reception.',
    experience: 'Our reading lead trains staff in systematic synthetic phonics and runs keep-up sessions the same day. Visitors see lessons in reception and Year 1.',
    expertise: ['english-and-literacy', 'early-years'],
    phases: ['eyfs', 'primary'],
    subjects: ['phonics'],
    contexts: ['small-school'],
    offers: ['school-to-school-visits', 'modelling'],
    areas: ['Anyshire'],
    capacity: { days: 4, period: 'term' },
    fundedByLa: false,
    dailyRatePence: 30000,
    contact: { name: 'Reading lead', email: 'literacy.team@demo.example' },
    designation: { expiresOn: undefined },
    ownerEmail: 'literacy.team@demo.example',
    status: 'submitted',
    recommendedBy: ['900001', '900003'],
  },
] as const;

/** Waiting in the demo: a school asked to recommend a listing, and a published listing's change to review. */
const DEMO_RECOMMENDATION_REQUESTS = [{ listing: 'Hillcrest School: Key Stage 3 mathematics', urn: '900002', requestedBy: 'provider@demo.example' }];
const DEMO_REVISION = { listing: 'Priya Shah, Local Leader of Education', addExpertise: 'curriculum-and-subject-leadership' };

const DEMO_SIP_CASELOAD = ['900001', '900002', '900003'];
/** Anyshire's own days of LA-funded support a year, filled in as an LA would: the South Gloucestershire policy gives none. */
const DEMO_ENTITLEMENT_DAYS: Record<string, number | undefined> = { '2': 10, '3': 30 };
const DIRECTORY_RECOMMENDERS = ['900004', '900006'];

// Levels under the South Gloucestershire scheme, and priorities as need slugs from the default taxonomy
// (recorded before support plans; Oakfield's plan is in demo-plans.ts). A review overdue (a week ago) shows on
// the SIP's home page as waiting. Oakfield moved up from causing concern to vulnerable after its literacy support
// (SUP-DEMO-0001), so its history shows the move and the literacy team's "moved up a level" figure counts it.
type Level = '1' | '2' | '3';
const DEMO_SUPPORT: { urn: string; level: Level; reason: string; needs: string[]; notes: string; reviewOverdue?: boolean; setOn?: string; earlier?: { level: Level; reason: string; setOn: string }[] }[] = [
  {
    urn: '900001',
    level: '2',
    reason: 'New headteacher and falling KS2 maths results.',
    needs: ['ks2-maths-progress-below-national', 'new-headteacher-needs-mentoring'],
    notes: 'Mentoring for the new head this year.',
    setOn: '2026-04-20',
    earlier: [{ level: '3', reason: 'Phonics and KS2 results well below national; leadership in transition.', setOn: '2025-07-14' }],
  },
  { urn: '900002', level: '3', reason: 'Ofsted judged the school to require improvement; attendance is falling.', needs: ['persistent-absence-rising', 'teaching-quality-inconsistent'], notes: '' },
  { urn: '900003', level: '1', reason: 'Securely good; leaders know their priorities.', needs: [], notes: 'Sharing our phonics practice with other schools.', reviewOverdue: true },
  { urn: '900004', level: '1', reason: 'Securely good.', needs: [], notes: '' },
];

async function seedSchoolSupport(tradedServices: Types.ObjectId, sip: Types.ObjectId): Promise<void> {
  const preset = SCHEME_PRESETS.south_gloucestershire;
  const levels = preset.levels.map((level) => ({ ...level, entitlementDays: DEMO_ENTITLEMENT_DAYS[level.code] }));
  await SupportScheme.updateOne({ key: 'current' }, { $setOnInsert: { key: 'current', name: preset.name, preset: 'south_gloucestershire', levels } }, { upsert: true });
  await School.updateMany({ urn: { $in: DEMO_SIP_CASELOAD }, sip: { $exists: false } }, { $set: { sip } });
  const needSlugs = new Set((await TaxonomyTerm.find({ kind: 'need' }, { slug: 1 }).lean()).map((term) => term.slug));
  for (const support of DEMO_SUPPORT) {
    const school = await School.findOne({ urn: support.urn }, { _id: 1 }).lean();
    if (!school) continue;
    const labelOf = (code: Level) => preset.levels.find((level) => level.code === code)!.label;
    const setAt = support.setOn ? new Date(`${support.setOn}T00:00:00Z`) : new Date();
    const decision = { level: support.level, levelLabel: labelOf(support.level), setBy: tradedServices, setAt, reason: support.reason, reviewDue: support.reviewOverdue ? new Date(Date.now() - 7 * DAY) : nextTermlyReview(new Date()) };
    const earlier = (support.earlier ?? []).map((before) => {
      const on = new Date(`${before.setOn}T00:00:00Z`);
      return { level: before.level, levelLabel: labelOf(before.level), setBy: tradedServices, setAt: on, reason: before.reason, reviewDue: nextTermlyReview(on) };
    });
    await SchoolSupport.updateOne({ school: school._id }, { $setOnInsert: { school: school._id, current: decision, history: [...earlier, decision] } }, { upsert: true });
    const priorities = { needs: support.needs.filter((slug) => needSlugs.has(slug)), notes: support.notes, updatedAt: new Date(), updatedBy: tradedServices };
    await School.updateOne({ _id: school._id, priorities: { $exists: false } }, { $set: { priorities } });
  }
}

/**
 * St Anne's (securely good, "sharing our phonics practice") was identified as good practice at the SIP's
 * summer-term visit and recorded as able to support other schools; it has named who will lead, so the
 * nomination waits for Traded Services to invite her.
 */
async function seedGoodPractice(sip: Types.ObjectId): Promise<void> {
  const school = await School.findOne({ urn: '900003' }, { _id: 1 }).lean();
  if (!school) return;
  await School.updateOne(
    { _id: school._id, capacityToSupport: { $exists: false } },
    { $set: { capacityToSupport: { note: 'Strong phonics and early reading; an experienced SLE in English.', recordedBy: sip, recordedAt: new Date() } } },
  );
  if (await Nomination.exists({ school: school._id })) return;
  await Nomination.create({
    school: school._id,
    areas: ['english-and-literacy'],
    note: 'Phonics teaching in Reception and Year 1 seen at the summer-term visit: consistent, well led, strong outcomes.',
    nominatedBy: sip,
    contact: { name: 'Grace Adeyemi', email: 'grace.adeyemi@stannes.demo.example' },
  });
}

/** Idempotent: inserts what is missing and leaves anything already there (and its edits) alone. */
export async function seedDemoData(): Promise<void> {
  await ensureDefaultTaxonomy();
  for (const school of DEMO_SCHOOLS) {
    await School.updateOne({ urn: school.urn }, { $setOnInsert: { ...school, ...placedAt(school.grid) } }, { upsert: true });
  }
  const schoolIds = new Map((await School.find({ urn: { $in: DEMO_SCHOOLS.map((s) => s.urn) } }).lean()).map((s) => [s.urn, s._id]));

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    await User.updateOne(
      { email: user.email },
      {
        $setOnInsert: {
          email: user.email,
          name: user.name,
          role: user.role,
          schools: user.schoolUrns?.map((urn) => schoolIds.get(urn)!),
          passwordHash,
          active: true,
          mustChangePassword: false,
        },
      },
      { upsert: true },
    );
  }
  const userIds = new Map((await User.find({ email: { $in: DEMO_USERS.map((u) => u.email) } }).lean()).map((u) => [u.email, u._id]));

  await seedSchoolSupport(userIds.get('tradedservices@demo.example')!, userIds.get('sip@demo.example')!);
  await seedGoodPractice(userIds.get('sip@demo.example')!);
  await seedDemoSips(userIds, schoolIds, userIds.get('tradedservices@demo.example')!);

  const now = Date.now();
  for (const { ownerEmail, employingUrn, recommendedBy, ...listing } of DEMO_LISTINGS) {
    const approved = listing.status === 'approved';
    const inserted = await Listing.updateOne(
      { name: listing.name },
      {
        $setOnInsert: {
          ...listing,
          employingSchool: employingUrn ? schoolIds.get(employingUrn) : undefined,
          owners: [userIds.get(ownerEmail)],
          ...(approved
            ? { publishedAt: new Date(now - 2 * MONTH), lastReviewedAt: new Date(now - 2 * MONTH), reviewDueOn: listing.designation.expiresOn ?? new Date(now + 22 * MONTH), revision: 1 }
            : {}),
        },
      },
      { upsert: true },
    );
    const saved = (await Listing.findOne({ name: listing.name }).lean())!;
    if (inserted.upsertedCount > 0) await recordOwnership([saved]); // an upsert runs no save hook
    if (inserted.upsertedCount > 0 && listing.name === DEMO_REVISION.listing) {
      const fields = pickReviewed({ ...(saved as ReviewedValues), expertise: [...listing.expertise, DEMO_REVISION.addExpertise] });
      const pendingRevision = { fields, changed: ['expertise'], submittedAt: new Date(now - 2 * DAY), submittedBy: saved.owners[0] };
      await Listing.updateOne({ _id: saved._id }, { $set: { pendingRevision, revisionState: 'waiting' } });
    }
    for (const urn of recommendedBy) await recommendAsDemoSchool(saved._id, schoolIds.get(urn)!, now);
  }
  for (const request of DEMO_RECOMMENDATION_REQUESTS) {
    const listing = (await Listing.findOne({ name: request.listing }, { _id: 1 }).lean())!;
    await Recommendation.updateOne(
      { listing: listing._id, school: schoolIds.get(request.urn) },
      { $setOnInsert: { status: 'requested', requestedBy: userIds.get(request.requestedBy), requestedAt: new Date(now - 5 * DAY) } },
      { upsert: true },
    );
  }
  // The generated directory's recommenders: demo schools without a demo account, so a demo head can still recommend any listing.
  await seedDemoDirectory(DIRECTORY_RECOMMENDERS.map((urn) => schoolIds.get(urn)!));
  await seedDemoChecks(userIds.get('tradedservices@demo.example')!);
  if ((await seedDemoCommissions(schoolIds, headsBySchool(userIds, schoolIds))) > 0) await rebuildFigures();
  await seedDemoPlans(schoolIds, userIds);
}

/** Each demo school's own head (a user of that one school), who asked for its demo commissions. */
function headsBySchool(userIds: Map<string, Types.ObjectId>, schoolIds: Map<string, Types.ObjectId>): Map<string, Types.ObjectId> {
  const heads = new Map<string, Types.ObjectId>();
  for (const user of DEMO_USERS) {
    const school = user.schoolUrns?.length === 1 ? schoolIds.get(user.schoolUrns[0]!) : undefined;
    const id = userIds.get(user.email);
    if (school && id) heads.set(school.toString(), id);
  }
  return heads;
}

/** Seeds only a database with no users at all; true when it did. */
export async function seedDemoDataIfEmpty(): Promise<boolean> {
  if (await User.exists({})) return false;
  await seedDemoData();
  return true;
}
