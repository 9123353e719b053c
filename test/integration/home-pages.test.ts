import type { Express } from 'express';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Listing } from '../../src/features/listings/listing.model';
import { LISTING_STATUSES } from '../../src/features/listings/listing-vocabulary';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { paths } from '../../src/paths';
import { ROLE_LABELS } from '../../src/web/identity';
import { backgroundSettled, buildTestApp } from '../support/app';
import { createListing } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

// "Nothing waits unseen": each home page lists every kind of action waiting for that role, with a count
// and a link to where it is done, using what the demo data leaves waiting.
jest.setTimeout(60_000);
useTestDatabase();

type Waiting = { text: string; count: number; href: string };

/** The rows of the home page's "Waiting for you" list. */
function waitingOn(html: string): Waiting[] {
  const block = html.split('>Waiting for you</h2>')[1]!.split('</dl>')[0]!;
  return [...block.matchAll(/summary-list__key">([^<]+)<\/dt>\s*<dd class="govuk-summary-list__value">(\d+)<\/dd>\s*<dd class="govuk-summary-list__actions"><a class="govuk-link" href="([^"]+)"/g)].map(
    (match) => ({ text: match[1]!.replace(/&#39;|&rsquo;/g, '’'), count: Number(match[2]), href: match[3]! }),
  );
}

describe('what waits on each home page, from the demo data', () => {
  let app: Express;
  const homeOf = async (email: string, home: string) => {
    const agent = await signedInAgent(app, email, DEMO_PASSWORD);
    const page = await agent.get(home);
    expect(page.status).toBe(200);
    return { agent, waiting: waitingOn(page.text), html: page.text };
  };
  /** Each row's link answers and names what waits there. */
  const expectLinksShow = async (agent: Agent, waiting: Waiting[], names: Record<string, string>) => {
    for (const row of waiting) {
      const page = await agent.get(row.href);
      expect({ row: row.text, status: page.status }).toEqual({ row: row.text, status: 200 });
      if (names[row.text]) expect(page.text).toContain(names[row.text]);
    }
  };

  beforeAll(async () => {
    await seedDemoData();
    app = buildTestApp();
  });

  it('shows a school the support arranged for it to confirm', async () => {
    const { agent, waiting } = await homeOf('head.oakfield@demo.example', paths.dashboards.school);
    expect(waiting).toEqual([{ text: 'Support arranged for your school, to confirm', count: 1, href: paths.commissions.list }]);
    await expectLinksShow(agent, waiting, { 'Support arranged for your school, to confirm': 'SUP-DEMO-0010' });
  });

  it('shows a school the recommendation it was asked for and the feedback it owes', async () => {
    const { agent, waiting } = await homeOf('head.riverside@demo.example', paths.dashboards.school);
    expect(waiting).toEqual([
      { text: 'Requests to recommend a provider', count: 1, href: paths.recommendations.inbox },
      { text: 'Feedback due on completed support', count: 1, href: paths.commissions.list },
      // Oakfield has told Traded Services about their SIP this term; Riverside has not.
      { text: 'Feedback on your SIP this term', count: 1, href: paths.sips.feedback },
    ]);
    await expectLinksShow(agent, waiting, {
      'Requests to recommend a provider': 'Hillcrest School: Key Stage 3 mathematics',
      'Feedback due on completed support': 'SUP-DEMO-0011',
      'Feedback on your SIP this term': 'How has Sam Patel worked with your school this term?',
    });
  });

  it('shows a trust lead what waits at the school they act for, and a count for their other school with a way to switch to it', async () => {
    const agent = await signedInAgent(app, 'trust.lead@demo.example', DEMO_PASSWORD);
    const choice = await agent.get(paths.dashboards.school);
    expect(choice.headers.location).toBe(paths.actingFor);
    const oakfield = /value="([0-9a-f]{24})"[^>]*>\s*<label class="govuk-label govuk-radios__label" for="[^"]+">Oakfield Primary School</.exec((await agent.get(paths.actingFor)).text)![1]!;
    await submitForm(agent, paths.actingFor, { school: oakfield });

    const home = await agent.get(paths.dashboards.school);
    expect(waitingOn(home.text)).toEqual([{ text: 'Support arranged for your school, to confirm', count: 1, href: paths.commissions.list }]);
    // Riverside: a recommendation request, feedback due on completed support, and this term's feedback on its SIP.
    expect(home.text).toMatch(/<dt class="govuk-summary-list__key">Riverside Academy<\/dt>\s*<dd class="govuk-summary-list__value">3 waiting<\/dd>/);

    // "Switch" on the Riverside row: the home page's own form.
    const switched = await submitForm(agent, paths.dashboards.school, {}, paths.actingFor);
    expect(switched.headers.location).toBe(paths.dashboards.school);
    const riverside = await agent.get(paths.dashboards.school);
    expect(waitingOn(riverside.text)).toEqual([
      { text: 'Requests to recommend a provider', count: 1, href: paths.recommendations.inbox },
      { text: 'Feedback due on completed support', count: 1, href: paths.commissions.list },
      { text: 'Feedback on your SIP this term', count: 1, href: paths.sips.feedback },
    ]);
    expect(riverside.text).toMatch(/<dt class="govuk-summary-list__key">Oakfield Primary School<\/dt>\s*<dd class="govuk-summary-list__value">1 waiting<\/dd>/);
    await expectLinksShow(agent, waitingOn(riverside.text), { 'Feedback due on completed support': 'SUP-DEMO-0011' });
  });

  it('shows a provider the requests to answer and the support under way', async () => {
    const { agent, waiting } = await homeOf('literacy.team@demo.example', paths.dashboards.provider);
    expect(waiting).toEqual([
      { text: 'Requests for support, to answer', count: 1, href: paths.commissions.list },
      { text: 'Support under way, to record as delivered', count: 1, href: paths.commissions.list },
    ]);
    await expectLinksShow(agent, waiting, { 'Requests for support, to answer': 'SUP-DEMO-0009' });
  });

  it('shows Traded Services listings, revisions, checks due, LA-funded approvals, low ratings, overdue feedback and lapsed SIP licences', async () => {
    const { agent, waiting } = await homeOf('tradedservices@demo.example', paths.dashboards.traded_services);
    expect(waiting).toEqual([
      { text: 'Listings awaiting a decision', count: 1, href: paths.listings.queue },
      { text: 'Changes to published listings, to review', count: 1, href: paths.listings.queue },
      // The demo LLE's safeguarding training runs out within the month (seed/demo-checks.ts).
      { text: 'Listings with checks due or lapsed', count: 1, href: paths.listings.queue },
      { text: 'LA-funded days beyond an entitlement, to approve or refuse', count: 1, href: paths.commissions.list },
      { text: 'Low ratings to look into', count: 1, href: paths.feedbackAttention },
      // SUP-DEMO-0006 was completed in spring and has no feedback; SUP-DEMO-0011 is within FEEDBACK_DUE_DAYS or not, by date
      { text: 'Feedback overdue', count: expect.any(Number) as number, href: paths.feedbackAttention },
      { text: 'Good-practice nominations, to invite', count: 1, href: paths.admin.nominations },
      { text: 'SIPs whose licence to practise has lapsed', count: 1, href: paths.sips.list },
    ]);
    await expectLinksShow(agent, waiting, {
      'Listings awaiting a decision': 'Brookfield Infant School: early reading',
      'Changes to published listings, to review': 'Priya Shah, Local Leader of Education',
      'Listings with checks due or lapsed': 'A check is due for renewal',
      'LA-funded days beyond an entitlement, to approve or refuse': 'SUP-DEMO-0012',
      'Low ratings to look into': 'SUP-DEMO-0013',
      'Feedback overdue': 'SUP-DEMO-0006',
      'Good-practice nominations, to invite': 'Grace Adeyemi',
      'SIPs whose licence to practise has lapsed': 'Jordan Hale',
    });
  });

  it('shows Traded Services the active users by role and the listings by status as the database counts them', async () => {
    const { html } = await homeOf('tradedservices@demo.example', paths.dashboards.traded_services);
    const figures = new Map([...html.matchAll(/summary-list__key">([^<]+)<\/dt>\s*<dd class="govuk-summary-list__value">(\d+)<\/dd>/g)].map((match) => [match[1]!, Number(match[2])]));
    for (const [role, label] of Object.entries(ROLE_LABELS)) expect({ label, count: figures.get(label) }).toEqual({ label, count: await User.countDocuments({ role, active: true }) });
    for (const status of LISTING_STATUSES) {
      const count = await Listing.countDocuments({ status });
      expect({ status, count: figures.get(`Listings ${status.replace('_', ' ')}`) }).toEqual({ status, count: count > 0 ? count : undefined });
    }
  });

  it('shows a provider the listing whose check is due for renewal', async () => {
    const { agent, waiting } = await homeOf('provider@demo.example', paths.dashboards.provider);
    expect(waiting).toEqual([{ text: 'Listings with checks to record or renew', count: 1, href: paths.listings.own }]);
    await expectLinksShow(agent, waiting, { 'Listings with checks to record or renew': 'Priya Shah, Local Leader of Education' });
  });

  it('shows a SIP the reviews due for their schools and the schools to broker support for', async () => {
    const { agent, waiting } = await homeOf('sip@demo.example', paths.dashboards.sip);
    expect(waiting).toEqual([
      { text: 'Support level reviews due for your schools', count: 1, href: paths.schools.yourSchools },
      { text: 'Schools with LA-funded days and no support arranged, to broker for', count: 1, href: paths.schools.yourSchools },
    ]);
    await expectLinksShow(agent, waiting, {});
  });

  it('shows a SIP whose licence to practise is due for renewal where to see it', async () => {
    const { agent, waiting } = await homeOf('sip.reid@demo.example', paths.dashboards.sip);
    expect(waiting).toEqual([{ text: 'Your licence to practise, to renew', count: 1, href: expect.stringMatching(/^\/sips\/[0-9a-f]{24}$/) as string }]);
    await expectLinksShow(agent, waiting, { 'Your licence to practise, to renew': 'Licence to practise due for renewal by' });
  });
});

describe('a recommendation request', () => {
  it('is emailed to the school and waits on its home page', async () => {
    const app = buildTestApp();
    const provider = await createUser('provider');
    const listing = await createListing([provider._id], { name: 'Reading recovery SLE', status: 'draft' });
    const school = await createSchool();
    const head = await createUser('school', { school: school._id });
    const providerAgent = await signedInAgent(app, provider.email);
    const requested = await submitForm(providerAgent, paths.recommendations.request(listing.id as string), { schools: [school.id as string] });
    expect(requested.status).toBe(302);

    await backgroundSettled(app);
    const emails = await OutboxMessage.find({ to: head.email, subject: /Recommendation requested: Reading recovery SLE/ }).lean();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(paths.recommendations.recommend(listing.id as string));

    const home = await (await signedInAgent(app, head.email)).get(paths.dashboards.school);
    expect(waitingOn(home.text)).toEqual([{ text: 'Requests to recommend a provider', count: 1, href: paths.recommendations.inbox }]);
  });

  it('leaves a home page with nothing waiting saying so', async () => {
    const app = buildTestApp();
    const home = await (await signedInAgent(app, (await createUser('provider')).email)).get(paths.dashboards.provider);
    expect(home.text).toContain('Nothing is waiting for you.');
  });
});
