// The people of a load or fault run, added to a benchmark database after the demo data: school users,
// SIPs with caseloads, providers owning published listings, and Traded Services, all with the demo
// password, so each virtual user signs in as someone of its own role.
import { Types } from 'mongoose';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { hashPassword } from '../src/features/accounts/passwords';
import type { Role } from '../src/web/identity';
import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { recordOwnership } from '../src/features/listings/listing-ownership';
import { nextTermlyReview } from '../src/features/schools/review-dates';
import { SchoolSupport } from '../src/features/schools/school-support.model';
import { School } from '../src/features/schools/school.model';
import { benchSchoolUrn, NATIONAL_OWNER } from './national-dataset';

export type LoadPeople = {
  schools: { email: string; urn: string }[];
  sips: { email: string; caseloadUrns: string[] }[];
  providers: { email: string; listingIds: string[] }[];
  tradedServices: string[];
  /** The providers' listings, which schools commission (so someone is there to answer). */
  commissionableListingIds: string[];
};

export type PeopleCounts = { schools: number; sips: number; providers: number; tradedServices: number; listingsPerProvider: number };

const email = (role: string, i: number) => `${role}${i + 1}@load.example`;

/** Needs the bench schools (national-dataset) and the demo support scheme (demo data) in the database. */
export async function addLoadPeople(counts: PeopleCounts): Promise<LoadPeople> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const schoolDocs = await Promise.all(
    Array.from({ length: counts.schools }, async (_, i) => (await School.findOne({ urn: benchSchoolUrn(i) }, { _id: 1, urn: 1 }).lean())!),
  );
  const person = (role: Role, address: string, name: string, school?: Types.ObjectId) => ({
    _id: new Types.ObjectId(),
    email: address,
    name,
    role,
    schools: school ? [school] : undefined,
    passwordHash,
    active: true,
    mustChangePassword: false,
  });
  const schoolUsers = schoolDocs.map((school, i) => person('school', email('school', i), `Head ${i + 1}`, school._id));
  const sipUsers = Array.from({ length: counts.sips }, (_, i) => person('sip', email('sip', i), `SIP ${i + 1}`));
  const providerUsers = Array.from({ length: counts.providers }, (_, i) => person('provider', email('provider', i), `Provider ${i + 1}`));
  const tsUsers = Array.from({ length: counts.tradedServices }, (_, i) => person('traded_services', email('traded-services', i), `Traded Services ${i + 1}`));
  await User.insertMany([...schoolUsers, ...sipUsers, ...providerUsers, ...tsUsers]);

  // Each SIP has an equal share of the users' schools in their caseload; every other school has a support
  // level, so some LA-funded requests fit the entitlement and others wait for Traded Services' approval.
  const caseloads = sipUsers.map(() => [] as string[]);
  for (const [i, school] of schoolDocs.entries()) {
    const sip = i % sipUsers.length;
    caseloads[sip]!.push(school.urn);
    await School.updateOne({ _id: school._id }, { $set: { sip: sipUsers[sip]!._id } });
    if (i % 2 === 0) {
      const decision = { level: '2', levelLabel: 'Vulnerable', setBy: tsUsers[0]!._id, setAt: new Date(), reason: 'Load test', reviewDue: nextTermlyReview(new Date()) };
      await SchoolSupport.create({ school: school._id, current: decision, history: [decision] });
    }
  }

  // Providers take over published listings from the generated directory.
  const needed = counts.providers * counts.listingsPerProvider;
  const listings = (await Listing.find({ status: 'approved' }, { _id: 1, owners: 1 }).limit(needed + 200).lean())
    .filter((listing) => listing.owners?.[0]?.equals(NATIONAL_OWNER))
    .slice(0, needed);
  const providers = providerUsers.map((user, i) => ({
    email: user.email,
    listingIds: listings.slice(i * counts.listingsPerProvider, (i + 1) * counts.listingsPerProvider).map((listing) => listing._id.toString()),
  }));
  // The app sets owners only when it creates a listing, so what it records then is recorded here too.
  for (const [i, provider] of providers.entries()) {
    const owners = [providerUsers[i]!._id];
    for (const id of provider.listingIds) await Listing.updateOne({ _id: id }, { $set: { owners, capacity: { days: 200, period: 'term' } } });
    await recordOwnership(provider.listingIds.map((id) => ({ _id: new Types.ObjectId(id), owners })));
  }

  return {
    schools: schoolUsers.map((user, i) => ({ email: user.email, urn: schoolDocs[i]!.urn })),
    sips: sipUsers.map((user, i) => ({ email: user.email, caseloadUrns: caseloads[i]! })),
    providers,
    tradedServices: tsUsers.map((user) => user.email),
    commissionableListingIds: providers.flatMap((provider) => provider.listingIds),
  };
}
