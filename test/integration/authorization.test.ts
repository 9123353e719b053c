import type { Express } from 'express';
import request from 'supertest';
import { ROLES, type Role } from '../../src/web/identity';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';
import { listRoutes } from '../support/routes';
import { createListing, requestAs } from '../support/commission-factories';
import { toSessionUser } from '../../src/features/accounts/accounts.service';

useTestDatabase();

/** Every role-restricted page, and the one role allowed to see it. */
const ROLE_PAGES: [string, Role][] = [
  [paths.dashboards.sip, 'sip'],
  [paths.dashboards.school, 'school'],
  [paths.dashboards.provider, 'provider'],
  [paths.dashboards.traded_services, 'traded_services'],
  [paths.admin.users, 'traded_services'],
  [paths.admin.newUser, 'traded_services'],
  [paths.admin.outbox, 'traded_services'],
  [paths.admin.retention, 'traded_services'],
  [paths.schools.list, 'traded_services'],
  [paths.schools.import, 'traded_services'],
  [paths.schools.scheme, 'traded_services'],
  [paths.schools.yourSchools, 'sip'],
  [paths.schools.yourSchool, 'school'],
];

describe('each role sees only its own pages', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });
  const agents = new Map<Role, Agent>();

  beforeAll(async () => {
    for (const role of ROLES) agents.set(role, await signedInAgent(app, (await createUser(role)).email));
  });

  describe.each(ROLE_PAGES)('%s', (page, allowed) => {
    it('redirects a signed-out visitor to sign in', async () => {
      const response = await request(app).get(page);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(paths.signIn);
    });

    it.each(ROLES)('as %s', async (role) => {
      const response = await agents.get(role)!.get(page);
      if (role === allowed) {
        expect(response.status).toBe(200);
      } else {
        expect(response.status).toBe(403);
        expect(response.text).toContain('You do not have permission to see this page');
      }
    });
  });

  it.each(ROLES)('shows %s only its own navigation', async (role) => {
    const response = await agents.get(role)!.get(paths.dashboards[role]);
    expect(response.text.includes(`href="${paths.admin.users}"`)).toBe(role === 'traded_services');
  });

  it('sends / to sign in, or to the signed-in role’s home', async () => {
    expect((await request(app).get(paths.root)).headers.location).toBe(paths.signIn);
    for (const role of ROLES) expect((await agents.get(role)!.get(paths.root)).headers.location).toBe(paths.dashboards[role]);
  });

  it('answers an unknown page with a friendly 404', async () => {
    const response = await agents.get('sip')!.get('/no-such-page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
  });
});

/**
 * A POST is authorized by the same rule as its GET. For a draft listing, a school that was not asked to
 * recommend it is refused every listing route, reading and writing alike (a recommendation posted unasked
 * once opened the draft and its evidence to that school, and counted towards the two-school rule).
 */
describe('a draft listing, to a school nobody asked', () => {
  it('refuses every listing route, GET and POST alike, and changes nothing', async () => {
    const app = buildTestApp();
    const owner = await createUser('provider');
    const stranger = await signedInAgent(app, (await createUser('school')).email);
    const draft = await Listing.create({ name: 'Private draft', providerType: 'sle', owners: [owner._id], status: 'draft' });
    const file = await StoredFile.create({ listing: draft._id, kind: 'evidence', filename: 'private.pdf', contentType: 'application/pdf', size: 9, data: Buffer.from('%PDF-1.7\n') });
    await Listing.updateOne({ _id: draft._id }, { $set: { evidence: [file._id] } });
    const token = csrfTokenFrom((await stranger.get(paths.changePassword)).text);
    const listingRoutes = listRoutes(app).filter((route) => / \/listings\/:id(\/|$)/.test(route));
    expect(listingRoutes.length).toBeGreaterThan(15);
    const answers: string[] = [];
    for (const route of listingRoutes) {
      const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
      const url = pattern.replace(':id', draft.id as string).replace(':fileId', file.id as string);
      const response =
        method === 'GET'
          ? await stranger.get(url)
          : await stranger.post(url).type('form').send({ _csrf: token, statement: 'We have seen this work and it was excellent', workSeen: 'Maths training in 2025' });
      if (response.status !== 403) answers.push(`${route} answered ${response.status}`);
    }
    expect(answers).toEqual([]);
    expect(await Recommendation.countDocuments({ listing: draft._id })).toBe(0);
    expect((await stranger.get(paths.listings.listing(draft.id as string))).status).toBe(403);
  });
});

describe('a provider whose listing is no longer theirs', () => {
  it('no longer sees its commissions, by list or by URL', async () => {
    const app = buildTestApp();
    const former = await createUser('provider');
    const school = await createUser('school');
    const listing = await createListing([former._id], { name: 'Moved listing' });
    const commission = await requestAs(toSessionUser(school), listing.id as string);
    const agent = await signedInAgent(app, former.email);
    expect((await agent.get(paths.commissions.commission(commission.id))).status).toBe(200);
    expect((await agent.get(paths.commissions.list)).text).toContain('Moved listing');

    await Listing.updateOne({ _id: listing._id }, { $set: { owners: [(await createUser('provider'))._id] } });
    expect((await agent.get(paths.commissions.commission(commission.id))).status).toBe(403);
    expect((await agent.get(paths.commissions.action(commission.id, 'decline'))).status).toBe(403);
    expect((await agent.get(paths.commissions.list)).text).not.toContain('Moved listing');
  });
});
