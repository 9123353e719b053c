import { hashPassword } from '../src/features/accounts/passwords';
import type { Role } from '../src/features/accounts/roles';
import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { School } from '../src/features/schools/school.model';
import { ensureDefaultTaxonomy } from '../src/features/taxonomy/taxonomy.service';
import { DEMO_COMMISSION_USERS, seedDemoCommissions } from './demo-commissions';

/** Shown in the README. Demo data is loaded only outside production unless SEED_DEMO_DATA=true. */
export const DEMO_PASSWORD = 'school-support-demo';

// URNs 9xxxxx are not used by real schools, so a later GIAS import never collides with these.
export const DEMO_SCHOOLS = [
  { urn: '900001', name: 'Oakfield Primary School', localAuthority: 'Anyshire', phase: 'Primary', postcode: 'AN1 2OP' },
  { urn: '900002', name: 'Riverside Academy', localAuthority: 'Anyshire', phase: 'Secondary', postcode: 'AN3 4RA' },
  { urn: '900003', name: "St Anne's CofE Primary School", localAuthority: 'Anyshire', phase: 'Primary', postcode: 'AN5 6SA' },
  { urn: '900004', name: 'Hillcrest School', localAuthority: 'Anyshire', phase: 'Secondary', postcode: 'AN7 8HS' },
  { urn: '900005', name: 'Meadow View Special School', localAuthority: 'Anyshire', phase: 'Special', postcode: 'AN9 1MV' },
];

export const DEMO_USERS: { email: string; name: string; role: Role; schoolUrn?: string }[] = [
  { email: 'tradedservices@demo.example', name: 'Terry Owens', role: 'traded_services' },
  { email: 'sip@demo.example', name: 'Sam Patel', role: 'sip' },
  { email: 'head.oakfield@demo.example', name: 'Olivia Brown', role: 'school', schoolUrn: '900001' },
  { email: 'head.riverside@demo.example', name: 'Rashid Khan', role: 'school', schoolUrn: '900002' },
  { email: 'provider@demo.example', name: 'Priya Shah', role: 'provider' },
  { email: 'literacy.team@demo.example', name: 'Lena Morris', role: 'provider' },
  ...DEMO_COMMISSION_USERS,
];

const DEMO_LISTINGS = [
  {
    name: 'Priya Shah, Local Leader of Education',
    providerType: 'lle',
    organisation: 'Hillcrest School',
    summary: 'Headteacher who has led two schools out of special measures; coaches new and acting heads.',
    ownerEmail: 'provider@demo.example',
    status: 'approved',
  },
  {
    name: 'Hillcrest School: Key Stage 3 mathematics',
    providerType: 'good_practice_school',
    organisation: 'Hillcrest School',
    summary: 'Mastery approach to KS3 maths that lifted progress for disadvantaged pupils three years running.',
    ownerEmail: 'provider@demo.example',
    status: 'draft',
  },
  {
    name: 'Anyshire Literacy Team',
    providerType: 'traded_service',
    organisation: 'Anyshire County Council',
    summary: 'Phonics and early reading training, reviews of English provision, and support for new English leads.',
    ownerEmail: 'literacy.team@demo.example',
    status: 'approved',
  },
] as const;

/** Idempotent: inserts what is missing and leaves anything already there (and its edits) alone. */
export async function seedDemoData(): Promise<void> {
  await ensureDefaultTaxonomy();
  for (const school of DEMO_SCHOOLS) {
    await School.updateOne({ urn: school.urn }, { $setOnInsert: school }, { upsert: true });
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
          school: user.schoolUrn ? schoolIds.get(user.schoolUrn) : undefined,
          passwordHash,
          active: true,
          mustChangePassword: false,
        },
      },
      { upsert: true },
    );
  }
  const userIds = new Map((await User.find({ email: { $in: DEMO_USERS.map((u) => u.email) } }).lean()).map((u) => [u.email, u._id]));

  for (const { ownerEmail, ...listing } of DEMO_LISTINGS) {
    await Listing.updateOne(
      { name: listing.name },
      { $setOnInsert: { ...listing, owners: [userIds.get(ownerEmail)] } },
      { upsert: true },
    );
  }
  await seedDemoCommissions(schoolIds);
}

/** Seeds only a database with no users at all; true when it did. */
export async function seedDemoDataIfEmpty(): Promise<boolean> {
  if (await User.exists({})) return false;
  await seedDemoData();
  return true;
}
