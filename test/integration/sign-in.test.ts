import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/features/accounts/user.model';
import { paths } from '../../src/paths';
import { SESSION_COLLECTION } from '../../src/web/session';
import { buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm } from '../support/http';
import { ROLES } from '../../src/web/identity';

useTestDatabase();
beforeEach(resetSignInLimits);

const sessionCookie = (response: request.Response) =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('ssb.sid='));
const sessionCount = () => mongoose.connection.db!.collection(SESSION_COLLECTION).countDocuments({ 'session.passport': { $exists: true } });

describe('sign-in', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it.each(ROLES)('signs a %s in and sends them to their own home page', async (role) => {
    const user = await createUser(role);
    const agent = request.agent(app);
    const response = await submitForm(agent, paths.signIn, { email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(paths.dashboards[role]);
    const home = await agent.get(paths.dashboards[role]);
    expect(home.status).toBe(200);
    expect(home.text).toContain(user.name);
  });

  it('shows the sign-in form with a CSRF token', async () => {
    const page = await request(app).get(paths.signIn);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1 class="govuk-heading-l">Sign in</h1>');
    expect(csrfTokenFrom(page.text)).toBeTruthy();
  });

  it.each([
    ['a wrong password', async () => ({ email: (await createUser('sip')).email, password: 'not the password' }), 'Enter a correct email address and password'],
    ['an unknown email', async () => ({ email: 'nobody@test.example', password: TEST_PASSWORD }), 'Enter a correct email address and password'],
    ['an empty form', async () => ({ email: '', password: '' }), 'Enter your email address'],
    ['a malformed email', async () => ({ email: 'head at school', password: 'x' }), 'Enter an email address in the correct format'],
  ])('refuses %s with a clear message and no session', async (_case, fields, message) => {
    const agent = request.agent(app);
    const before = await sessionCount();
    const response = await submitForm(agent, paths.signIn, await fields());
    expect(response.status).toBe(400);
    expect(response.text).toContain('govuk-error-summary');
    expect(response.text).toContain(message);
    expect(await sessionCount()).toBe(before);
    expect((await agent.get(paths.dashboards.sip)).headers.location).toBe(paths.signIn);
  });

  it('keeps the email typed after a failed attempt but never the password', async () => {
    const response = await submitForm(request.agent(app), paths.signIn, { email: 'kept@test.example', password: 'secret-typed' });
    expect(response.text).toContain('value="kept@test.example"');
    expect(response.text).not.toContain('secret-typed');
  });

  it('refuses fields sent as objects (email[$ne]=x) without querying with them', async () => {
    const user = await createUser('traded_services');
    const agent = request.agent(app);
    const page = await agent.get(paths.signIn);
    const response = await agent
      .post(paths.signIn)
      .type('form')
      .send(`email[$ne]=x&password[$ne]=x&_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Enter your email address');
    expect((await agent.get(paths.dashboards.traded_services)).status).toBe(302);
    expect(user.email).toBeTruthy();
  });

  it('gives a new session id at sign-in, so a fixed session is worthless', async () => {
    const user = await createUser('provider');
    const agent = request.agent(app);
    const page = await agent.get(paths.signIn);
    const before = sessionCookie(page);
    const response = await agent.post(paths.signIn).type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: csrfTokenFrom(page.text) });
    const after = sessionCookie(response);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after!.split(';')[0]).not.toBe(before!.split(';')[0]);
    // Someone who planted the first cookie is still signed out with it.
    const planted = await request(app).get(paths.dashboards.provider).set('Cookie', before!.split(';')[0]!);
    expect(planted.headers.location).toBe(paths.signIn);
  });

  it('sets session cookies httpOnly and SameSite=Lax, with an idle expiry', async () => {
    const cookie = sessionCookie(await request(app).get(paths.signIn))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Expires=/);
  });

  it.each<Record<string, string>>([{ COOKIE_SECURE: 'true' }, { NODE_ENV: 'production' }])('marks cookies Secure with %j', async (setting) => {
    const secureApp = buildTestApp({ ...setting, TRUST_PROXY: 'true' });
    const response = await request(secureApp).get(paths.signIn).set('X-Forwarded-Proto', 'https');
    expect(sessionCookie(response)).toMatch(/; Secure/);
    expect(sessionCookie(response)).toMatch(/HttpOnly/);
  });

  it('returns to the page asked for before sign-in, but never to another site', async () => {
    const user = await createUser('traded_services');
    const agent = request.agent(app);
    await agent.get(paths.admin.users);
    const response = await submitForm(agent, paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(response.headers.location).toBe(paths.admin.users);

    // Pages that need signing in, asked for in ways a browser might read as another site.
    for (const trick of ['//evil.example/admin/users', '/admin/users/%2F%2Fevil.example', '/admin/users/%5C%5Cevil.example', '/admin/users?next=https://evil.example']) {
      const other = request.agent(app);
      await other.get(trick);
      const location = (await submitForm(other, paths.signIn, { email: user.email, password: TEST_PASSWORD })).headers.location!;
      expect([trick, location]).toEqual([trick, expect.stringMatching(/^\/(?![/\\])\S*$/)]);
    }
  });

  it('sign-out destroys the session: the old cookie no longer works', async () => {
    const user = await createUser('sip');
    const agent = await signedInAgent(app, user.email);
    const home = await agent.get(paths.dashboards.sip);
    const cookie = home.request.cookies;
    const token = csrfTokenFrom((await agent.get(paths.changePassword)).text);
    const signOut = await agent.post(paths.signOut).type('form').send({ _csrf: csrfTokenFrom(home.text) });
    expect(signOut.headers.location).toBe(paths.signIn);
    const replay = await request(app).get(paths.dashboards.sip).set('Cookie', cookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toBe(paths.signIn);
    // Nor can the old cookie and its form token still change anything.
    const post = await request(app).post(paths.changePassword).set('Cookie', cookie).type('form').send({ _csrf: token, currentPassword: TEST_PASSWORD, newPassword: 'a replayed new passphrase', confirmPassword: 'a replayed new passphrase' });
    expect(post.status).toBe(403);
    expect((await User.findById(user._id).lean())!.passwordHash).toBe(user.passwordHash);
  });

  it('times out an idle session', async () => {
    const user = await createUser('sip');
    const agent = await signedInAgent(app, user.email);
    expect((await agent.get(paths.dashboards.sip)).status).toBe(200);
    await mongoose.connection.db!.collection(SESSION_COLLECTION).updateMany({}, { $set: { expires: new Date(Date.now() - 1000) } });
    const response = await agent.get(paths.dashboards.sip);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(paths.signIn);
  });

  it('stops a deactivated user signing in, and ends their open sessions', async () => {
    const user = await createUser('school');
    const agent = await signedInAgent(app, user.email);
    expect((await agent.get(paths.dashboards.school)).status).toBe(200);
    await User.updateOne({ _id: user._id }, { $set: { active: false } });
    expect((await agent.get(paths.dashboards.school)).headers.location).toBe(paths.signIn);
    const again = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Enter a correct email address and password');
  });

  it('sends someone with a temporary password to change it before anything else', async () => {
    const user = await createUser('sip', { mustChangePassword: true });
    const agent = request.agent(app);
    const response = await submitForm(agent, paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(response.headers.location).toBe(paths.changePassword);
    expect((await agent.get(paths.dashboards.sip)).headers.location).toBe(paths.changePassword);
  });
});

describe('sign-in rate limiting', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it('refuses an account after repeated failures (the 11th of 20 rapid attempts) with a clear message, even with the right password', async () => {
    const user = await createUser('sip');
    const agent = request.agent(app);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 20; attempt++) {
      const response = await submitForm(agent, paths.signIn, { email: user.email, password: `wrong ${attempt}` });
      statuses.push(response.status);
      if (attempt === 20) expect(response.text).toMatch(/This account is locked after too many failed attempts to sign in. You can try again after \d{1,2}:\d\d[ap]m \(in 1[45] minutes\)/);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    const right = await submitForm(agent, paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(right.status).toBe(429);
  });

  it('counts guesses sent in parallel: no more than the limit get a password check', async () => {
    const user = await createUser('school');
    const parallel = buildTestApp({ SIGN_IN_MAX_FAILURES_PER_IP: '1000' });
    const agents = await Promise.all(Array.from({ length: 25 }, async () => {
      const agent = request.agent(parallel);
      return { agent, token: csrfTokenFrom((await agent.get(paths.signIn)).text) };
    }));
    const statuses = await Promise.all(
      agents.map(({ agent, token }) => agent.post(paths.signIn).type('form').send({ email: user.email, password: 'a wrong guess', _csrf: token }).then((response) => response.status)),
    );
    // The shared store may over-count a racing first attempt (never under-count), so at most the limit.
    const checked = statuses.filter((status) => status === 400).length;
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(checked).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25 - checked);
  });

  it('refuses an address trying many accounts', async () => {
    const limited = buildTestApp({ SIGN_IN_MAX_FAILURES_PER_IP: '3' });
    const agent = request.agent(limited);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      statuses.push((await submitForm(agent, paths.signIn, { email: `someone${attempt}@test.example`, password: 'guess' })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('clears the account count after a successful sign-in', async () => {
    const user = await createUser('provider');
    const limited = buildTestApp({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3', SIGN_IN_MAX_FAILURES_PER_IP: '1000' });
    for (let round = 0; round < 2; round++) {
      for (let attempt = 0; attempt < 2; attempt++) {
        expect((await submitForm(request.agent(limited), paths.signIn, { email: user.email, password: 'wrong' })).status).toBe(400);
      }
      expect((await submitForm(request.agent(limited), paths.signIn, { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    }
  });
});
