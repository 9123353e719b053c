import type { Express } from 'express';
import request from 'supertest';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { User } from '../../src/features/accounts/user.model';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { AccountToken } from '../../src/features/accounts/account-token.model';
import { spendToken } from '../../src/features/accounts/account-tokens';
import { paths } from '../../src/paths';
import { askForPasswordReset, buildTestApp, HeldBackgroundWork } from '../support/app';
import pino from 'pino';
import { SecurityEvent } from '../../src/features/accounts/security-event.model';
import { RESET_REQUESTS_PER_EMAIL_PER_HOUR } from '../../src/features/accounts/reset-request-limits';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createSchool, createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

/** The set-password link in the latest email to this address (no SMTP in tests: mail goes to the outbox). */
async function latestLinkTo(email: string): Promise<string> {
  const message = await OutboxMessage.findOne({ to: email }).sort({ createdAt: -1 }).lean();
  const match = /http:\/\/localhost:\d+(\/account\/set-password\?token=[\w-]+)/.exec(message?.text ?? '');
  if (!match) throw new Error(`No set-password link mailed to ${email}`);
  return match[1]!;
}

const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('token')!;

describe('Traded Services manage users', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });
  let admin: Agent;
  let adminId: string;

  beforeAll(async () => {
    const user = await createUser('traded_services');
    adminId = user.id as string;
    admin = await signedInAgent(app, user.email);
  });

  it('invites a school user by URN, who sets a password with the one-time link and signs in', async () => {
    const school = await createSchool({ name: 'Brookside Primary' });
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Hana Head',
      email: 'Hana.Head@Brookside.example',
      role: 'school',
      school: school.urn,
    });
    expect(response.status).toBe(302);
    const created = await User.findOne({ email: 'hana.head@brookside.example' }).lean();
    expect(created).toMatchObject({ role: 'school', active: true });
    expect(created!.passwordHash).toBeUndefined();
    expect(created!.schools!.map(String)).toEqual([school.id]);
    expect(await AuditEntry.exists({ action: 'user_invited', subjectId: created!._id })).toBeTruthy();
    expect((await admin.get(response.headers.location!)).text).toContain('Invited: has not set a password yet');

    const link = await latestLinkTo('hana.head@brookside.example');
    const newcomer = request.agent(app);
    const set = await submitForm(newcomer, link, { token: tokenOf(link), newPassword: 'my very own passphrase', confirmPassword: 'my very own passphrase' }, paths.setPassword);
    expect(set.headers.location).toBe(paths.signIn);
    const signIn = await submitForm(newcomer, paths.signIn, { email: 'hana.head@brookside.example', password: 'my very own passphrase' });
    expect(signIn.headers.location).toBe(paths.dashboards.school);
    expect((await newcomer.get(paths.dashboards.school)).text).toContain('Brookside Primary');
  });

  it('refuses a school URN that does not exist or is closed', async () => {
    const closed = await createSchool({ name: 'Shut School' });
    await closed.updateOne({ $set: { status: 'closed' } });
    for (const urn of ['999999', closed.urn]) {
      const response = await submitForm(admin, paths.admin.newUser, { name: 'No School', email: `x${urn}@example.org`, role: 'school', school: urn });
      expect(response.status).toBe(400);
      expect(response.text).toContain(`There is no open school with URN ${urn}`);
      expect(response.text).toContain(`value="${urn}"`);
    }
  });

  it('shows each problem beside its field and keeps what was typed', async () => {
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Kept Name',
      email: 'not an email',
      role: 'school',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('govuk-error-summary');
    expect(response.text).toContain('Enter an email address in the correct format');
    expect(response.text).toContain('Enter the URN of the school this person works at');
    expect(response.text).toContain('value="Kept Name"');
    expect(response.text).toContain('value="not an email"');
  });

  it('refuses a second account with the same email', async () => {
    const existing = await createUser('sip');
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Duplicate',
      email: existing.email.toUpperCase(),
      role: 'sip',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('A user with this email address already exists');
  });

  it('deactivates and reactivates a user, recording both', async () => {
    const target = await createUser('provider');
    const page = await admin.get(paths.admin.user(target.id as string));
    expect(page.text).toContain('Deactivate user');
    const response = await admin.post(paths.admin.deactivateUser(target.id as string)).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect(response.headers.location).toBe(paths.admin.user(target.id as string));
    expect((await User.findById(target._id).lean())!.active).toBe(false);
    expect((await submitForm(request.agent(app), paths.signIn, { email: target.email, password: TEST_PASSWORD })).status).toBe(400);

    await submitForm(admin, paths.admin.user(target.id as string), {}, paths.admin.reactivateUser(target.id as string));
    expect((await User.findById(target._id).lean())!.active).toBe(true);
    const actions = (await AuditEntry.find({ subjectId: target._id }).lean()).map((entry) => entry.action).sort();
    // The attempt to sign in while deactivated is recorded too.
    expect(actions).toEqual(['sign_in_failed', 'user_deactivated', 'user_reactivated']);
  });

  it('does not let Traded Services deactivate themselves', async () => {
    const page = await admin.get(paths.admin.user(adminId));
    expect(page.text).not.toContain('Deactivate user');
    const response = await admin.post(paths.admin.deactivateUser(adminId)).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect(response.status).toBe(403);
    expect((await User.findById(adminId).lean())!.active).toBe(true);
  });

  it('answers 404 for a user that does not exist or a malformed id', async () => {
    expect((await admin.get(paths.admin.user('64b7f0000000000000000000'))).status).toBe(404);
    expect((await admin.get(paths.admin.user('not-an-id'))).status).toBe(404);
  });

  it('refuses every other role, on pages and on actions', async () => {
    const target = await createUser('sip');
    for (const role of ['sip', 'school', 'provider'] as const) {
      const agent = await signedInAgent(app, (await createUser(role)).email);
      const home = await agent.get(paths.dashboards[role]);
      expect((await agent.get(paths.admin.user(target.id as string))).status).toBe(403);
      const post = await agent.post(paths.admin.deactivateUser(target.id as string)).type('form').send({ _csrf: csrfTokenFrom(home.text) });
      expect(post.status).toBe(403);
    }
    expect((await User.findById(target._id).lean())!.active).toBe(true);
  });
});

describe('changing your own password', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it('needs the current password', async () => {
    const user = await createUser('sip');
    const agent = await signedInAgent(app, user.email);
    const response = await submitForm(agent, paths.changePassword, {
      currentPassword: 'not my password',
      newPassword: 'a different passphrase',
      confirmPassword: 'a different passphrase',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Your current password is not right');
  });

  it('changes it, after which only the new one works', async () => {
    const user = await createUser('provider');
    const agent = await signedInAgent(app, user.email);
    const response = await submitForm(agent, paths.changePassword, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a different passphrase',
      confirmPassword: 'a different passphrase',
    });
    expect(response.status).toBe(302);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD })).status).toBe(400);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: 'a different passphrase' })).status).toBe(302);
  });

  it('signs the account out of every other browser, keeps this one, and says so', async () => {
    const user = await createUser('school');
    const here = await signedInAgent(app, user.email);
    const laptop = await signedInAgent(app, user.email);
    const phone = await signedInAgent(app, user.email);
    const someoneElse = await signedInAgent(app, (await createUser('school')).email);
    const changed = await submitForm(here, paths.changePassword, { currentPassword: TEST_PASSWORD, newPassword: 'a different passphrase', confirmPassword: 'a different passphrase' });
    expect(changed.status).toBe(302);
    const home = await here.get(changed.headers.location!);
    expect(home.status).toBe(200);
    expect(home.text).toContain('You have been signed out of the 2 other browsers or devices where you were signed in.');
    for (const other of [laptop, phone]) expect((await other.get(paths.account)).headers.location).toBe(paths.signIn);
    expect((await someoneElse.get(paths.account)).status).toBe(200);
    const event = await AuditEntry.findOne({ action: 'password_changed', subjectId: user._id }).lean();
    expect(event?.changes).toMatchObject({ detail: '2 other sessions signed out' });
  });
});

describe('one-time links to set a password', () => {
  let app: Express;
  let admin: Agent;
  beforeAll(async () => {
    app = buildTestApp({ INVITATION_EXPIRY_HOURS: '1' });
    admin = await signedInAgent(app, (await createUser('traded_services')).email);
  });

  async function invite(email: string): Promise<string> {
    await submitForm(admin, paths.admin.newUser, { name: 'Link Tester', email, role: 'provider' });
    return latestLinkTo(email);
  }

  it('stores only a hash of the token, and the link works once', async () => {
    const link = await invite('once@example.org');
    expect(JSON.stringify(await AccountToken.find().lean())).not.toContain(tokenOf(link));
    const fields = { token: tokenOf(link), newPassword: 'first chosen passphrase', confirmPassword: 'first chosen passphrase' };
    expect((await submitForm(request.agent(app), link, fields, paths.setPassword)).status).toBe(302);

    const again = await request(app).get(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('This link has already been used');
    const reuse = await submitForm(request.agent(app), paths.forgottenPassword, { ...fields, newPassword: 'attacker passphrase 1', confirmPassword: 'attacker passphrase 1' }, paths.setPassword);
    expect(reuse.status).toBe(410);
    expect((await submitForm(request.agent(app), paths.signIn, { email: 'once@example.org', password: 'first chosen passphrase' })).status).toBe(302);
  });

  it('lets only one of many uses at the same moment spend a link', async () => {
    const link = await invite('race@example.org');
    const user = await User.findOne({ email: 'race@example.org' }).lean();
    const spends = await Promise.all(Array.from({ length: 8 }, () => spendToken(tokenOf(link))));
    expect(spends.filter(Boolean)).toEqual([{ user: user!._id, purpose: 'invitation' }]);
  });

  it('gives a clear page for an expired or unknown link', async () => {
    const link = await invite('late@example.org');
    await AccountToken.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await request(app).get(link);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This link has expired');
    expect(expired.text).toContain('ask the Traded Services team to send your invitation again');
    const unknown = await request(app).get(`${paths.setPassword}?token=made-up`);
    expect(unknown.status).toBe(410);
    expect(unknown.text).toContain('This link is not valid');
  });

  it('sends the invitation again, and only the newest link works', async () => {
    const first = await invite('resend@example.org');
    const user = await User.findOne({ email: 'resend@example.org' }).lean();
    await submitForm(admin, paths.admin.user(user!._id.toString()), {}, paths.admin.resendInvitation(user!._id.toString()));
    const second = await latestLinkTo('resend@example.org');
    expect(second).not.toBe(first);
    expect((await request(app).get(first)).status).toBe(410);
    expect((await request(app).get(second)).status).toBe(200);
  });

  it('sends at most three reset emails an hour to one account, and says the same each time', async () => {
    const user = await createUser('school');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await askForPasswordReset(app, user.email)).text).toContain('Check your email');
    }
    expect(await OutboxMessage.countDocuments({ to: user.email })).toBe(3);
  });

  it('resets a forgotten password by email, saying the same whether or not the account exists', async () => {
    const user = await createUser('sip');
    const known = await askForPasswordReset(app, user.email);
    const unknown = await askForPasswordReset(app, 'nobody@example.org');
    expect(known.text).toContain('Check your email');
    expect(unknown.text).toContain('Check your email');
    expect(await OutboxMessage.exists({ to: 'nobody@example.org' })).toBeNull();

    const link = await latestLinkTo(user.email);
    const page = await request(app).get(link);
    expect(page.text).toContain('Choose a new password');
    const fields = { token: tokenOf(link), newPassword: 'reset passphrase here', confirmPassword: 'reset passphrase here' };
    expect((await submitForm(request.agent(app), link, fields, paths.setPassword)).status).toBe(302);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD })).status).toBe(400);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: 'reset passphrase here' })).status).toBe(302);
  });

  it('signs the account out everywhere when a reset link sets the password, and says so', async () => {
    const user = await createUser('provider');
    const stolen = await signedInAgent(app, user.email);
    const office = await signedInAgent(app, user.email);
    await askForPasswordReset(app, user.email);
    const link = await latestLinkTo(user.email);
    const browser = request.agent(app);
    const set = await submitForm(browser, link, { token: tokenOf(link), newPassword: 'reset passphrase here', confirmPassword: 'reset passphrase here' }, paths.setPassword);
    expect(set.headers.location).toBe(paths.signIn);
    expect((await browser.get(paths.signIn)).text).toContain('You have been signed out of the 2 other browsers or devices where you were signed in.');
    for (const other of [stolen, office]) expect((await other.get(paths.account)).headers.location).toBe(paths.signIn);
  });

  it('shows the outbox to Traded Services only', async () => {
    expect((await admin.get(paths.admin.outbox)).text).toContain('You have been invited');
    for (const role of ['sip', 'school', 'provider'] as const) {
      const agent = await signedInAgent(app, (await createUser(role)).email);
      expect((await agent.get(paths.admin.outbox)).status).toBe(403);
    }
  });
});

describe('asking for a password reset', () => {
  it('answers before finding out whether the address has an account, so it does the same work either way', async () => {
    const background = new HeldBackgroundWork(pino({ level: 'silent' }));
    const app = buildTestApp({}, pino({ level: 'silent' }), undefined, background);
    const user = await createUser('sip');
    const eventsBefore = await SecurityEvent.countDocuments();
    const answers = [];
    for (const email of [user.email, 'nobody-here@example.org']) answers.push(await submitForm(request.agent(app), paths.forgottenPassword, { email }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const perRequest = (html: string) => html.replace(/name="_csrf" value="[^"]+"|nonce="[^"]+"/g, '');
    expect(perRequest(answers[0]!.text)).toBe(perRequest(answers[1]!.text));
    // Nothing that depends on the account was done before the answers went.
    expect(background.waiting('password reset request')).toBe(2);
    expect(await SecurityEvent.countDocuments()).toBe(eventsBefore);
    expect(await OutboxMessage.exists({ to: user.email })).toBeNull();
    await background.release();
    expect(await OutboxMessage.countDocuments({ to: user.email })).toBe(1);
    expect(await SecurityEvent.countDocuments()).toBe(eventsBefore + 1);
  });

  it('limits requests per email address and per network address, the same for addresses with and without accounts', async () => {
    const app = buildTestApp({ PASSWORD_RESET_REQUESTS_PER_IP: String(RESET_REQUESTS_PER_EMAIL_PER_HOUR + 2) });
    await resetSignInLimits();
    const user = await createUser('school');
    for (let attempt = 0; attempt < RESET_REQUESTS_PER_EMAIL_PER_HOUR + 2; attempt++) expect((await askForPasswordReset(app, user.email)).status).toBe(200);
    // Only the first five were acted on: the security log can't be flooded through one address.
    expect(await SecurityEvent.countDocuments({ type: 'password_reset_requested', subject: user._id })).toBe(RESET_REQUESTS_PER_EMAIL_PER_HOUR);
    const refused = await askForPasswordReset(app, 'someone-else@example.org');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.text).toContain('There have been too many requests to reset a password from your network. Wait 60 minutes, then try again');
    expect(refused.text).toContain('value="someone-else@example.org"');
    await resetSignInLimits();
  });
});
