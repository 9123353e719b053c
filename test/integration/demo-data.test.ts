import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { School } from '../../src/features/schools/school.model';
import { DEMO_SCHOOLS, seedDemoData } from '../../seed/demo-data';
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
});
