import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { School } from '../../src/features/schools/school.model';
import { DEMO_PASSWORD, DEMO_SCHOOLS, DEMO_USERS, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { PlanReview } from '../../src/features/plans/plan-review.model';
import { agreementState } from '../../src/features/plans/plan-rules';
import { SupportPlan } from '../../src/features/plans/support-plan.model';
import { SchoolSupport } from '../../src/features/schools/school-support.model';
import { academicYearFor, termFor } from '../../src/lib/academic-calendar';
import { DEMO_DIRECTORY_SIZE } from '../../seed/demo-directory';
import { DEMO_CHECK_DUE_SOON, DEMO_CHECK_REQUIREMENTS } from '../../seed/demo-checks';
import { currentRequirements, requiredKindsFor } from '../../src/features/listings/checks/check-requirements';
import { checkStatusOf } from '../../src/features/listings/checks/check-status';
import { ProviderCheck } from '../../src/features/listings/checks/provider-check.model';
import { isListedInDirectory } from '../../src/features/listings/listing-visibility';
import type { CheckKind } from '../../src/features/listings/checks/check-kinds';
import { useTestDatabase } from '../support/database';
import { buildTestApp, testConfig } from '../support/app';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { licenceStanding } from '../../src/features/sips/licence-standing';
import { SipProfile } from '../../src/features/sips/sip-profile.model';
import { assignSipPage } from '../../src/features/sips/sips.service';
import { paths } from '../../src/paths';
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

  it('gives every demo SIP a profile: one licence current, one due for renewal, one lapsed, whose school stays with them', async () => {
    await seedDemoData();
    const config = testConfig();
    const now = new Date();
    const sips = await User.find({ role: 'sip', email: /@demo\.example$/ }).sort({ email: 1 }).lean();
    const profiles = await SipProfile.find({ user: { $in: sips.map((sip) => sip._id) } }).lean();
    expect(profiles).toHaveLength(sips.length);
    const states = new Map(profiles.map((profile) => [profile.user.toString(), licenceStanding(profile.licence?.renewalDate, now, config.sips.licenceReminderDays).state]));
    expect(Object.fromEntries(sips.map((sip) => [sip.email, states.get(sip._id.toString())]))).toEqual({
      'sip.hale@demo.example': 'lapsed',
      'sip.reid@demo.example': 'renewal_due',
      'sip@demo.example': 'current',
    });
    const lapsed = sips.find((sip) => sip.email === 'sip.hale@demo.example')!;
    expect(await School.countDocuments({ sip: lapsed._id })).toBe(1);
  });

  it('leaves Brookfield Infant School without a SIP, with Alex Reid suggested first for its phonics and Jordan Hale not offered', async () => {
    await seedDemoData();
    const admin = toSessionUser((await User.findOne({ email: 'tradedservices@demo.example' }).lean())!);
    const page = await assignSipPage(admin, '900006', testConfig().sips, new Date());
    expect(page.currentSip).toBeUndefined();
    expect(page.suggested.map((sip) => sip.name)).toEqual(['Alex Reid', 'Sam Patel']);
    expect(page.suggested[0]!.reasons).toContain('Specialism for “Phonics outcomes are falling”: English and literacy, Early years (EYFS)');
    expect(page.suggested[1]!.reasons).toContain('5 days left of 20 a year (3 schools × 5 days)');
    expect(page.notSuggested.map((sip) => sip.name)).toEqual(['Jordan Hale']);
  });

  it('fills in the LA’s check rules and gives every demo listing verified, current checks of each kind its type needs', async () => {
    await seedDemoData();
    const requirements = await currentRequirements();
    expect(requirements.requiredFor).toEqual(DEMO_CHECK_REQUIREMENTS.requiredFor);
    expect(requirements.accepted).toEqual(DEMO_CHECK_REQUIREMENTS.acceptedMonths);
    const now = new Date();
    const listings = await Listing.find({}).lean();
    let checked = 0;
    for (const listing of listings) {
      for (const kind of requiredKindsFor(requirements, listing.providerType)) {
        const record = await ProviderCheck.findOne({ listing: listing._id, kind }).lean();
        const { status } = checkStatusOf(kind as CheckKind, record ?? undefined, requirements.accepted, now);
        const dueSoon = listing.name === DEMO_CHECK_DUE_SOON.listing && kind === DEMO_CHECK_DUE_SOON.kind;
        expect({ name: listing.name, kind, status }).toEqual({ name: listing.name, kind, status: dueSoon ? 'due_soon' : 'current' });
        checked++;
      }
      if (listing.status === 'approved') expect({ name: listing.name, listed: isListedInDirectory(listing, now, 30) }).toEqual({ name: listing.name, listed: true });
    }
    expect(checked).toBeGreaterThan(40);
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

  it('shows the termly cycle at Oakfield: a plan agreed by the head, support arranged against a priority, this term’s review, and a move up a level', async () => {
    await seedDemoData();
    await seedDemoData();
    const oakfield = (await School.findOne({ urn: '900001' }).lean())!;
    const plans = await SupportPlan.find({ school: oakfield._id }).lean();
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(plan.academicYear).toBe(academicYearFor(new Date()));
    expect(plan.priorities.map((priority) => priority.need)).toEqual(['ks2-maths-progress-below-national', 'new-headteacher-needs-mentoring']);
    for (const priority of plan.priorities) expect(plan.milestones.filter((milestone) => milestone.priority.equals(priority._id)).length).toBeGreaterThanOrEqual(2);
    expect(agreementState(plan)).toBe('agreed');
    const reviews = await PlanReview.find({ plan: plan._id }).lean();
    expect(reviews.map((review) => review.termKey)).toEqual([termFor(new Date()).key]);
    expect(await Commission.findOne({ reference: 'SUP-DEMO-0010' }).lean()).toMatchObject({ plan: plan._id, planPriority: plan.priorities[1]!._id, objectives: plan.priorities[1]!.objectives });
    const history = (await SchoolSupport.findOne({ school: oakfield._id }).lean())!.history;
    expect(history.map((decision) => decision.level)).toEqual(['3', '2']);
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
