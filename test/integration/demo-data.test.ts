import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { School } from '../../src/features/schools/school.model';
import { DEMO_PASSWORD, DEMO_SCHOOLS, DEMO_USERS, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { DEMO_DIRECTORY_SIZE } from '../../seed/demo-directory';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { resultNamesIn } from '../support/directory';
import { signedInAgent } from '../support/http';

useTestDatabase();
jest.setTimeout(60_000);

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

describe('distance in the demo data', () => {
  it('gives the SIP, searching within 5 miles of Oakfield (their first caseload school), the providers based near it nearest first, then the LA-wide teams', async () => {
    await seedDemoData();
    const sip = await signedInAgent(buildTestApp(), 'sip@demo.example', DEMO_PASSWORD);
    const response = await sip.get(paths.directory.search).query({ within: '5', sort: 'distance' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('15 providers found within 5 miles of Oakfield Primary School');
    const names = resultNamesIn(response.text);
    const distances = [...response.text.matchAll(/app-provider__distance[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(names.map((name, i) => [name, distances[i]])).toEqual([
      ['Uma Kowalski, Local Leader of Education', '0.8 miles from Oakfield Primary School'],
      ['Priya Shah, Local Leader of Education', '2.8 miles from Oakfield Primary School'],
      ['Uma Quinn, National Leader of Education', '3.3 miles from Oakfield Primary School'],
      ['Zoe Doyle, Specialist Leader of Education', '3.3 miles from Oakfield Primary School'],
      ['Marek Doyle, Lead professional', '4.4 miles from Oakfield Primary School'],
      ['Wendy Quinn, Specialist Leader of Education', '4.5 miles from Oakfield Primary School'],
      ['Yusuf Doyle, Specialist Leader of Education', '4.5 miles from Oakfield Primary School'],
      // No single base: the LA's teams, in the order of best match (impact ratings, then days available).
      ['Anyshire Literacy Team', 'No single base: covers Anyshire'],
      ['Anyshire traded services: Governance', 'No single base: covers West Anyshire, Anyshire City'],
      ['Anyshire traded services: Mathematics and numeracy', 'No single base: covers East Anyshire, North Anyshire, South Anyshire'],
      ['Anyshire traded services: Early years (EYFS) (16)', 'No single base: covers Anyshire City, South Anyshire'],
      ['Anyshire traded services: Mathematics and numeracy (27)', 'No single base: covers South Anyshire'],
      ['Anyshire traded services: Early years (EYFS)', 'No single base: covers East Anyshire, Anyshire City, West Anyshire'],
      ['Anyshire traded services: Behaviour and attendance', 'No single base: covers South Anyshire, East Anyshire'],
      ['Anyshire traded services: Teaching and learning', 'No single base: covers Anyshire City'],
    ]);
  });
});
