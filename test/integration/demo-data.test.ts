import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { School } from '../../src/features/schools/school.model';
import { DEMO_SCHOOLS, DEMO_USERS, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { DEMO_DIRECTORY_SIZE } from '../../seed/demo-directory';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('the demo data', () => {
  it('gives every published demo listing two standing recommendations from two different demo schools, none its own', async () => {
    await seedDemoData();
    const demoSchools = await School.find({ urn: { $in: DEMO_SCHOOLS.map((school) => school.urn) } }, { _id: 1 }).lean();
    const demoSchoolIds = new Set(demoSchools.map((school) => school._id.toString()));
    const published = await Listing.find({ status: 'approved' }).lean();
    expect(published.length).toBeGreaterThanOrEqual(DEMO_DIRECTORY_SIZE);
    for (const listing of published) {
      const given = await Recommendation.find({ listing: listing._id, status: 'given' }).lean();
      const recommenders = new Set(given.map((row) => row.school.toString()));
      expect({ name: listing.name, recommenders: recommenders.size }).toEqual({ name: listing.name, recommenders: 2 });
      for (const school of recommenders) expect(demoSchoolIds.has(school)).toBe(true);
      expect(recommenders.has(String(listing.employingSchool))).toBe(false);
      expect(listing.recommendationState).toBeUndefined();
    }
  });

  it('links the trust lead to two demo schools, and each demo commission was asked for by its school’s own head', async () => {
    await seedDemoData();
    const urnsOf = async (email: string) => {
      const user = (await User.findOne({ email }).lean())!;
      return (await School.find({ _id: { $in: user.schools ?? [] } }, { urn: 1 }).lean()).map((school) => school.urn).sort();
    };
    expect(await urnsOf('trust.lead@demo.example')).toEqual(['900001', '900002']);
    for (const user of DEMO_USERS.filter((demo) => demo.role === 'school')) expect(await urnsOf(user.email)).toEqual(user.schoolUrns);

    const lead = (await User.findOne({ email: 'trust.lead@demo.example' }).lean())!;
    expect(await Commission.exists({ requestedBy: lead._id })).toBeNull();
  });
});
