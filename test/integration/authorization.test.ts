import type { Express } from 'express';
import request from 'supertest';
import { ROLES, type Role } from '../../src/web/identity';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { signedInAgent, type Agent } from '../support/http';

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
