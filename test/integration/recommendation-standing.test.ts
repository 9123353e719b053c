import type { Express } from 'express';
import type { Types } from 'mongoose';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { markListingsOfClosedSchools } from '../../src/features/listings/recommendation-standing';
import { Notification } from '../../src/features/notifications/notification.model';
import { School } from '../../src/features/schools/school.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

const DAY = 24 * 60 * 60 * 1000;

describe('the two-school rule after approval', () => {
  let app: Express;
  let owner: Types.ObjectId;
  let tradedServicesUser: Types.ObjectId;
  const schools: Types.ObjectId[] = [];
  const agents: Record<string, Agent> = {};

  beforeAll(async () => {
    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
    await ensureDefaultTaxonomy();
    for (const key of ['a', 'b', 'c']) {
      const school = await createSchool();
      schools.push(school._id);
      agents[`school_${key}`] = await signedInAgent(app, (await createUser('school', { school: school._id })).email);
    }
    const provider = await createUser('provider');
    owner = provider._id;
    agents.provider = await signedInAgent(app, provider.email);
    const tradedServices = await createUser('traded_services');
    tradedServicesUser = tradedServices._id;
    agents.traded_services = await signedInAgent(app, tradedServices.email);
    agents.sip = await signedInAgent(app, (await createUser('sip')).email);
  });

  /** A published listing recommended by schools a and b, with a word of its own to search for. */
  async function liveListing(word: string): Promise<string> {
    const listing = await Listing.create({
      name: `Jo ${word}, Specialist Leader of Education`,
      providerType: 'sle',
      summary: `Coaching in ${word} for primary maths.`,
      expertise: ['mathematics-and-numeracy'],
      phases: ['primary'],
      owners: [owner],
      status: 'approved',
      publishedAt: new Date(),
      reviewDueOn: new Date(Date.now() + 365 * DAY),
      revision: 1,
    });
    for (const school of schools.slice(0, 2)) {
      await Recommendation.create({ listing: listing._id, school, status: 'given', statement: 'Good.', workSeen: '2025', answeredAt: new Date() });
    }
    return listing.id as string;
  }

  const found = async (word: string) => (await agents.sip!.get(paths.directory.search).query({ q: word })).text.includes(`Jo ${word}`);

  it('takes a listing out of the directory when a school withdraws one of its two recommendations, and tells Traded Services and the provider', async () => {
    const id = await liveListing('Quokkaville');
    expect(await found('Quokkaville')).toBe(true);

    expect((await submitForm(agents.school_b!, paths.listings.listing(id), {}, paths.recommendations.withdraw(id))).status).toBe(302);

    const listing = (await Listing.findById(id).lean())!;
    expect(listing).toMatchObject({ status: 'approved', recommendationState: 'short' });
    expect(await found('Quokkaville')).toBe(false);

    const queue = (await agents.traded_services!.get(paths.listings.queue)).text;
    const section = queue.split('Fewer than two recommendations (')[1]!.split('<h2')[0]!;
    expect(section).toContain('Jo Quokkaville');
    const home = (await agents.traded_services!.get(paths.dashboards.traded_services)).text;
    expect(home).toMatch(/Live listings with fewer than two recommendations<\/dt>\s*<dd class="govuk-summary-list__value">1<\/dd>/);
    const status = (await agents.provider!.get(paths.listings.status(id))).text;
    expect(status).toContain('1 of 2 recommendations');
    expect(status).toContain('Fewer than two recommendations');

    expect(await Notification.countDocuments({ recipient: tradedServicesUser, href: paths.listings.status(id) })).toBe(1);
    const asked = await Notification.findOne({ recipient: owner, href: paths.listings.status(id) }).lean();
    expect(asked!.subject).toContain('Ask another school to recommend');
    expect(await AuditEntry.countDocuments({ subjectId: listing._id, action: 'listing_short_of_recommendations' })).toBe(1);

    // The provider asks a third school, which recommends it: back in the directory at once, off the queue, no second approval.
    expect((await submitForm(agents.provider!, paths.recommendations.request(id), { schools: [schools[2]!.toString()] })).status).toBe(302);
    expect((await submitForm(agents.school_c!, paths.listings.listing(id), { statement: 'We saw it work.', workSeen: 'Autumn 2025' }, paths.recommendations.recommend(id))).status).toBe(302);
    expect((await Listing.findById(id).lean())!.recommendationState).toBeUndefined();
    expect(await found('Quokkaville')).toBe(true);
    expect((await agents.traded_services!.get(paths.listings.queue)).text).not.toContain('Jo Quokkaville');
    expect(await AuditEntry.countDocuments({ subjectId: listing._id, action: 'listing_recommendations_restored' })).toBe(1);
  });

  it('counts a closed school’s recommendation no more: the next check marks the listing, once', async () => {
    const id = await liveListing('Wombatford');
    await School.updateOne({ _id: schools[0] }, { $set: { status: 'closed', closedOn: new Date() } });
    try {
      expect(await markListingsOfClosedSchools()).toBeGreaterThanOrEqual(1);
      expect((await Listing.findById(id).lean())!.recommendationState).toBe('short');
      expect(await found('Wombatford')).toBe(false);
      expect(await markListingsOfClosedSchools()).toBe(0);
      expect(await Notification.countDocuments({ recipient: tradedServicesUser, href: paths.listings.status(id) })).toBe(1);
    } finally {
      await School.updateOne({ _id: schools[0] }, { $set: { status: 'open' }, $unset: { closedOn: 1 } });
    }
  });

  it('shows on the provider’s own list each listing’s recommendations that count: not its own school’s, a closed school’s or a withdrawn one', async () => {
    const [open, closed] = [await createSchool(), await createSchool({ status: 'closed' })];
    const draft = (name: string, employingSchool?: Types.ObjectId) =>
      Listing.create({ name, providerType: 'sle', summary: 'Maths coaching.', owners: [owner], status: 'draft', revision: 0, ...(employingSchool ? { employingSchool } : {}) });
    const [counted, uncounted] = [await draft('Jo Counted, SLE', schools[2]), await draft('Jo Uncounted, SLE', schools[2])];
    const recommend = (listing: Types.ObjectId, school: Types.ObjectId, status = 'given') =>
      Recommendation.create({ listing, school, status, statement: 'Good.', workSeen: '2025', answeredAt: new Date() });
    await Promise.all([
      recommend(counted._id, open._id),
      recommend(counted._id, schools[0]!),
      recommend(counted._id, schools[2]!),
      recommend(uncounted._id, schools[2]!),
      recommend(uncounted._id, closed._id),
      recommend(uncounted._id, schools[1]!, 'withdrawn'),
    ]);

    const page = (await agents.provider!.get(paths.listings.own).expect(200)).text;
    const rowOf = (name: string) => page.split(name)[1]!.split('</tr>')[0]!;
    expect(rowOf('Jo Counted, SLE')).toContain('2 of 2 recommendations');
    expect(rowOf('Jo Uncounted, SLE')).toContain('0 of 2 recommendations');
  });
});
