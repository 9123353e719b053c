import type { Express } from 'express';
import request from 'supertest';
import { ROLES, type Role } from '../../src/features/accounts/roles';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';
import { listRoutes } from '../support/routes';

useTestDatabase();

type Who = Role | 'signedOut';
type Outcome = 'ok' | 'redirect' | 'signIn' | 'forbidden' | 'notFound' | 'badRequest';

/** What each kind of visitor gets; a role missing from `as` gets the route's `others` outcome. */
type Entry = {
  route: string;
  url: (fixtures: Fixtures) => string;
  form?: (fixtures: Fixtures) => Record<string, string>;
  signedOut: Outcome;
  as: Partial<Record<Role, Outcome>>;
  others: Outcome;
  // Ends the session it runs in, so it gets a session of its own.
  endsSession?: true;
};

type Fixtures = { otherUserId: string };

const TRADED_SERVICES_ONLY = { as: { traded_services: 'ok' as Outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome };

/**
 * Every route × every role and signed out. A route the app serves that is missing here fails the
 * suite, so nobody adds a page without deciding who may use it.
 */
const MATRIX: Entry[] = [
  { route: 'GET /healthz', url: () => paths.health, signedOut: 'ok', as: {}, others: 'ok' },
  { route: 'GET /favicon.ico', url: () => '/favicon.ico', signedOut: 'redirect', as: {}, others: 'redirect' },
  { route: 'GET /', url: () => paths.root, signedOut: 'signIn', as: {}, others: 'redirect' },
  { route: 'GET /sign-in', url: () => paths.signIn, signedOut: 'ok', as: {}, others: 'redirect' },
  { route: 'POST /sign-in', url: () => paths.signIn, form: () => ({ email: '', password: '' }), signedOut: 'badRequest', as: {}, others: 'badRequest' },
  { route: 'POST /sign-out', url: () => paths.signOut, signedOut: 'signIn', as: {}, others: 'signIn', endsSession: true },
  { route: 'GET /account/password', url: () => paths.changePassword, signedOut: 'signIn', as: {}, others: 'ok' },
  { route: 'POST /account/password', url: () => paths.changePassword, form: () => ({}), signedOut: 'signIn', as: {}, others: 'badRequest' },
  { route: 'GET /sip', url: () => paths.dashboards.sip, signedOut: 'signIn', as: { sip: 'ok' }, others: 'forbidden' },
  { route: 'GET /school', url: () => paths.dashboards.school, signedOut: 'signIn', as: { school: 'ok' }, others: 'forbidden' },
  { route: 'GET /provider', url: () => paths.dashboards.provider, signedOut: 'signIn', as: { provider: 'ok' }, others: 'forbidden' },
  { route: 'GET /traded-services', url: () => paths.dashboards.traded_services, signedOut: 'signIn', as: { traded_services: 'ok' }, others: 'forbidden' },
  { route: 'GET /admin/users', url: () => paths.admin.users, ...TRADED_SERVICES_ONLY },
  { route: 'GET /admin/users/new', url: () => paths.admin.newUser, ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/users/new', url: () => paths.admin.newUser, form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /admin/users/:id', url: (f) => paths.admin.user(f.otherUserId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/users/:id/deactivate', url: (f) => paths.admin.deactivateUser(f.otherUserId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  { route: 'POST /admin/users/:id/reactivate', url: (f) => paths.admin.reactivateUser(f.otherUserId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
];

const STATUS: Record<Outcome, (status: number, location: string | undefined) => boolean> = {
  ok: (status) => status === 200,
  redirect: (status, location) => [301, 302, 303].includes(status) && location !== paths.signIn,
  signIn: (status, location) => status === 302 && location === paths.signIn,
  forbidden: (status) => status === 403,
  notFound: (status) => status === 404,
  badRequest: (status) => status === 400,
};

describe('authorization matrix', () => {
  let app: Express;
  const agents = new Map<Who, Agent>();
  let fixtures: Fixtures;
  const emails = new Map<Role, string>();

  beforeAll(async () => {
    app = buildTestApp();
    for (const role of ROLES) {
      emails.set(role, (await createUser(role)).email);
      agents.set(role, await signedInAgent(app, emails.get(role)!));
    }
    agents.set('signedOut', request.agent(app));
    fixtures = { otherUserId: (await createUser('provider')).id as string };
  });
  beforeEach(resetSignInLimits);

  it('covers every route the app serves', () => {
    expect(listRoutes(app)).toEqual(MATRIX.map((entry) => entry.route).sort());
  });

  const cases = MATRIX.flatMap((entry) =>
    (['signedOut', ...ROLES] as Who[]).map((who) => [entry.route, who, who === 'signedOut' ? entry.signedOut : (entry.as[who] ?? entry.others), entry] as const),
  );

  it.each(cases)('%s as %s → %s', async (route, who, expected, entry) => {
    const agent = entry.endsSession && who !== 'signedOut' ? await signedInAgent(app, emails.get(who)!) : agents.get(who)!;
    const url = entry.url(fixtures);
    let response;
    if (route.startsWith('POST')) {
      const page = await agent.get(who === 'signedOut' ? paths.signIn : paths.changePassword);
      response = await agent.post(url).type('form').send({ ...(entry.form?.(fixtures) ?? {}), _csrf: csrfTokenFrom(page.text) });
    } else {
      response = await agent.get(url);
    }
    const ok = STATUS[expected](response.status, response.headers.location as string | undefined);
    if (!ok) throw new Error(`${route} as ${who}: expected ${expected}, got ${response.status} ${response.headers.location ?? ''}`);
  });
});
