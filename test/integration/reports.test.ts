import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { actOnCommission } from '../../src/features/commissions/commissions.service';
import { giveFeedback } from '../../src/features/commissions/feedback/feedback.service';
import { SchoolSupport } from '../../src/features/schools/school-support.model';
import { School } from '../../src/features/schools/school.model';
import { useSchemeWithEntitlements } from '../support/schemes';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { createSchool } from '../support/factories';
import { signedInAgent, type Agent } from '../support/http';

useTestDatabase();

let app: Express;
let tradedServices: Agent;

beforeAll(async () => {
  app = buildTestApp();
  const provider = await sessionUserFor('provider');
  const listing = await createListing([new Types.ObjectId(provider.id)], { name: '=Formula Maths Hub', dailyRatePence: 30000, capacity: { days: 100, period: 'year' } });
  const school = await sessionUserFor('school');
  const accept = async (id: string) => {
    const result = await actOnCommission(provider, id, 'accept');
    if (!result.ok) throw new Error(result.message);
  };
  // Agreed: 2 days in autumn 2026 and 3 in spring 2027 (completed, rated 2); requested only: not counted.
  await accept((await requestAs(school, listing.id as string, { days: 2 })).id);
  const spring = await requestAs(school, listing.id as string, { days: 3, startOn: new Date('2027-02-01T00:00:00Z'), categories: ['leadership-and-management'] });
  await accept(spring.id);
  await actOnCommission(provider, spring.id, 'mark_delivered');
  await actOnCommission(school, spring.id, 'confirm_completion');
  await giveFeedback(school, spring.id, { quality: 2, impact: 2, value: 3, recommend: 1, whatChanged: 'Not much' }, undefined);
  await requestAs(school, listing.id as string, { days: 7 });
  tradedServices = await signedInAgent(app, (await sessionUserFor('traded_services')).email);
});

/** The CSV as text, byte-order mark included (supertest's own text parsing would drop it). */
function csvDownload(path: string) {
  return tradedServices
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
}

describe('commission reports', () => {
  it('counts agreed commissions, days and spend, per term, with charts and tables', async () => {
    const page = await tradedServices.get(paths.reports.commissions);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Commissions<\/dt><dd class="govuk-summary-list__value">2</);
    expect(page.text).toMatch(/Days<\/dt><dd class="govuk-summary-list__value">5</);
    expect(page.text).toContain('£1,500');
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('Autumn 2026: 1; Spring 2027: 1');
    expect(page.text).toContain('Mathematics and numeracy');
    expect(page.text).toContain('Specialist Leader of Education');
  });

  it('filters by term', async () => {
    const page = await tradedServices.get(`${paths.reports.commissions}?term=2026-27-2`);
    expect(page.text).toMatch(/Days<\/dt><dd class="govuk-summary-list__value">3</);
    expect(page.text).not.toContain('Mathematics and numeracy</th>');
    const ignored = await tradedServices.get(`${paths.reports.commissions}?term=$ne`);
    expect(ignored.status).toBe(200);
  });

  it('downloads every table as CSV with a byte-order mark and formulas neutralised', async () => {
    const page = await tradedServices.get(paths.reports.commissions);
    const slugs = [...page.text.matchAll(/href="\/reports\/([a-z-]+)\.csv/g)].map((match) => match[1]);
    expect(slugs).toEqual(['terms', 'categories', 'provider-types', 'routes', 'funding', 'levels', 'ratings-by-provider', 'ratings-by-category', 'coverage-gaps', 'moved-up']);
    for (const slug of slugs) {
      const csv = await csvDownload(paths.reports.csv(slug!));
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect((csv.body as string).startsWith('\uFEFF')).toBe(true);
    }
    // Money is a plain number of pounds in a column that says so, for a spreadsheet to add up: 2 and 3 days at £300.
    const terms = parse(((await csvDownload(paths.reports.csv('terms'))).body as string).replace(/^\uFEFF/, ''), { cast: true }) as (string | number)[][];
    expect(terms[0]!.slice(1)).toEqual(['Commissions', 'Days', 'Spend (£)']);
    expect(terms.slice(1).map((row) => row.slice(1))).toEqual([
      [1, 2, 600],
      [1, 3, 900],
    ]);
    const ratings = await csvDownload(paths.reports.csv('ratings-by-provider'));
    expect(ratings.body).toContain("'=Formula Maths Hub,1,2.0,2.0,3.0,1.0,2.0");
    expect((await tradedServices.get(paths.reports.csv('nope'))).status).toBe(404);
  });

  it('shows a SIP only their caseload (none yet), and refuses schools, providers and signed-out visitors', async () => {
    const sip = await signedInAgent(app, (await sessionUserFor('sip')).email);
    const sipPage = await sip.get(paths.reports.commissions);
    expect(sipPage.status).toBe(200);
    expect(sipPage.text).toMatch(/Commissions<\/dt><dd class="govuk-summary-list__value">0</);
    for (const role of ['school', 'provider'] as const) {
      const agent = await signedInAgent(app, (await sessionUserFor(role)).email);
      expect((await agent.get(paths.reports.commissions)).status).toBe(403);
      expect((await agent.get(paths.reports.csv('terms'))).status).toBe(403);
    }
    expect((await request(app).get(paths.reports.commissions)).headers.location).toBe(paths.signIn);
  });
});

describe('coverage gaps', () => {
  it('lists needs of schools at supported levels in areas where no provider has days available', async () => {
    const admin = await sessionUserFor('traded_services');
    await useSchemeWithEntitlements(admin);
    const vulnerable = await createSchool({ name: 'Vulnerable Primary' });
    const secure = await createSchool({ name: 'Secure Primary' });
    for (const [school, level] of [[vulnerable, '2'], [secure, '1']] as const) {
      await School.updateOne({ _id: school._id }, { $set: { priorities: { needs: ['persistent-absence-rising', 'ks2-maths-progress-below-national'], notes: '' } } });
      await SchoolSupport.create({ school: school._id, current: { level, levelLabel: level === '2' ? 'Vulnerable' : 'Secure', setAt: new Date(), setBy: new Types.ObjectId(admin.id), reason: 'Termly review', reviewDue: new Date('2027-04-01') }, history: [] });
    }
    const gaps = (await csvDownload(paths.reports.csv('coverage-gaps'))).body as string;
    expect(gaps).toContain('Persistent absence is rising,Behaviour and attendance,1');
    expect(gaps).toContain('Persistent absence is rising,Wellbeing and pastoral,1');
    // Maths is covered by the listing with capacity; the secure school's needs are not counted.
    expect(gaps).not.toContain('KS2 maths progress is below national,Mathematics and numeracy');
    expect(gaps).not.toMatch(/,2\r?\n/);
  });
});
