import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { User } from '../../src/features/accounts/user.model';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { SecurityEvent } from '../../src/features/accounts/security-event.model';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { paths } from '../../src/paths';
import { askForPasswordReset, buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();
beforeEach(resetSignInLimits);

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** The set-password link in the latest email to this address. */
async function latestLinkTo(email: string): Promise<string> {
  const message = await OutboxMessage.findOne({ to: email }).sort({ createdAt: -1 }).lean();
  return /\/account\/set-password\?token=[\w-]+/.exec(message?.text ?? '')![0];
}

async function setPassword(app: Express, link: string, password: string) {
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  return submitForm(request.agent(app), link, { token, newPassword: password, confirmPassword: password }, paths.setPassword);
}

const eventsAbout = async (id: Types.ObjectId) => (await SecurityEvent.find({ subject: id }).sort({ at: 1, _id: 1 }).lean()).map((event) => event.type);

describe('security events are recorded', () => {
  let app: Express;
  let admin: Agent;
  let adminId: Types.ObjectId;
  beforeAll(async () => {
    app = buildTestApp();
    const user = await createUser('traded_services');
    adminId = user._id;
    admin = await signedInAgent(app, user.email);
  });

  it('records sign-in, a failed sign-in (never the password), sign-out and a password change, with address and browser', async () => {
    const user = await createUser('sip');
    const agent = request.agent(app);
    const page = await agent.get(paths.signIn);
    await agent.post(paths.signIn).set('User-Agent', FIREFOX).type('form').send({ email: user.email, password: 'my secret guess', _csrf: csrfTokenFrom(page.text) });
    await agent.post(paths.signIn).set('User-Agent', FIREFOX).type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: csrfTokenFrom(page.text) });
    await submitForm(agent, paths.changePassword, { currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase', confirmPassword: 'another long passphrase' });
    const home = await agent.get(paths.dashboards.sip);
    await agent.post(paths.signOut).type('form').send({ _csrf: csrfTokenFrom(home.text) });

    expect(await eventsAbout(user._id)).toEqual(['sign_in_failed', 'signed_in', 'password_changed', 'signed_out']);
    const [failed, signedIn] = await SecurityEvent.find({ subject: user._id }).sort({ at: 1, _id: 1 }).lean();
    expect(failed).toMatchObject({ detail: 'wrong password', userAgent: 'Firefox 128 on Windows', ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
    expect(failed!.actor).toBeUndefined();
    expect(signedIn!.actor!.equals(user._id)).toBe(true);
    // Each is also in the account's audit trail, kept for good.
    const audit = await AuditEntry.find({ subjectType: 'User', subjectId: user._id }).lean();
    expect(audit.map((entry) => entry.action).sort()).toEqual(['password_changed', 'sign_in_failed', 'signed_in', 'signed_out']);
    expect(audit.every((entry) => entry.ip && entry.userAgent && entry.at)).toBe(true);
    const everything = JSON.stringify([await SecurityEvent.find().lean(), await AuditEntry.find().lean()]);
    expect(everything).not.toContain('my secret guess');
    expect(everything).not.toContain('another long passphrase');
  });

  it('records a failed sign-in for an address with no account, keeping the address typed', async () => {
    await submitForm(request.agent(app), paths.signIn, { email: 'stranger@test.example', password: 'guess' });
    expect(await SecurityEvent.findOne({ email: 'stranger@test.example' }).lean()).toMatchObject({ type: 'sign_in_failed', detail: 'no account has this email address' });
  });

  it('records invitations sent and accepted, resets asked for and done, deactivation and reactivation, with who did them', async () => {
    await submitForm(admin, paths.admin.newUser, { name: 'Ivy Invited', email: 'ivy@test.example', role: 'sip' });
    const ivy = (await User.findOne({ email: 'ivy@test.example' }).lean())!;
    await submitForm(admin, paths.admin.user(ivy._id.toString()), {}, paths.admin.resendInvitation(ivy._id.toString()));
    await setPassword(app, await latestLinkTo(ivy.email), 'ivy chooses a passphrase');
    await askForPasswordReset(app, ivy.email);
    await setPassword(app, await latestLinkTo(ivy.email), 'ivy resets her passphrase');
    await submitForm(admin, paths.admin.user(ivy._id.toString()), {}, paths.admin.deactivateUser(ivy._id.toString()));
    await submitForm(admin, paths.admin.user(ivy._id.toString()), {}, paths.admin.reactivateUser(ivy._id.toString()));

    expect(await eventsAbout(ivy._id)).toEqual([
      'user_invited',
      'invitation_resent',
      'password_set_from_invitation',
      'password_reset_requested',
      'password_reset',
      'user_deactivated',
      'user_reactivated',
    ]);
    const byAdmin = await SecurityEvent.find({ subject: ivy._id, actor: adminId }).lean();
    expect(byAdmin.map((event) => event.type).sort()).toEqual(['invitation_resent', 'user_deactivated', 'user_invited', 'user_reactivated']);
  });

  it('ends the sessions of a deactivated user', async () => {
    const user = await createUser('school');
    const agent = await signedInAgent(app, user.email);
    const sessions = () => SecurityEvent.db.collection('sessions').countDocuments({ session: { $regex: user._id.toHexString() } });
    expect(await sessions()).toBe(1);
    await submitForm(admin, paths.admin.user(user._id.toString()), {}, paths.admin.deactivateUser(user._id.toString()));
    expect(await sessions()).toBe(0);
    expect((await agent.get(paths.dashboards.school)).headers.location).toBe(paths.signIn);
  });
});

describe('the Security events page', () => {
  let app: Express;
  let admin: Agent;
  let alice: Awaited<ReturnType<typeof createUser>>;
  let bob: Awaited<ReturnType<typeof createUser>>;
  const start = Date.now() - 3_600_000;

  beforeAll(async () => {
    app = buildTestApp();
    admin = await signedInAgent(app, (await createUser('traded_services')).email);
    alice = await createUser('sip', { name: 'Alice Adviser' });
    bob = await createUser('provider', { name: 'Bob Provider' });
    await SecurityEvent.deleteMany({});
    // 60 sign-ins by Alice, one a minute, then Bob locked out, then a failure for an unknown address: newest last.
    await SecurityEvent.insertMany([
      ...Array.from({ length: 60 }, (_, minute) => ({ at: new Date(start + minute * 60_000), type: 'signed_in', actor: alice._id, subject: alice._id, detail: `alice-${minute}`, ip: '10.0.0.1', userAgent: 'Firefox 128 on Windows' })),
      { at: new Date(start + 61 * 60_000), type: 'account_locked', subject: bob._id, detail: 'lockout 1 in a row', ip: '10.0.0.2', userAgent: 'Chrome 140 on Linux' },
      { at: new Date(start + 62 * 60_000), type: 'sign_in_failed', email: 'ghost@test.example', detail: 'no account has this email address', ip: '10.0.0.3', userAgent: 'curl/8.5.0' },
    ]);
  });

  it('lists events newest first, 50 a page, with links to older and newer pages', async () => {
    const first = await admin.get(paths.admin.securityEvents);
    expect(first.status).toBe(200);
    expect(first.text.match(/<tr class="govuk-table__row">/g)).toHaveLength(51); // header + 50
    const order = ['ghost@test.example', 'Bob Provider', 'alice-59', 'alice-12'].map((text) => first.text.indexOf(text));
    expect(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1]!))).toBe(true);
    expect(first.text).not.toContain('alice-11<');
    expect(first.text).toContain(`href="${paths.admin.securityEvents}?page=2"`);
    expect(first.text).toContain('10.0.0.2');
    expect(first.text).toContain('Chrome 140 on Linux');

    const second = await admin.get(`${paths.admin.securityEvents}?page=2`);
    expect(second.text).toContain('alice-11<');
    expect(second.text).toContain('alice-0<');
    expect(second.text).toContain(`href="${paths.admin.securityEvents}"`);
    expect(second.text).not.toContain('?page=3');
  });

  it('filters by event type and by a user’s email address, in a form that needs no JavaScript', async () => {
    const page = await admin.get(paths.admin.securityEvents);
    expect(page.text).toMatch(/<form method="get" action="\/admin\/security-events"/);

    const locked = await admin.get(`${paths.admin.securityEvents}?type=account_locked`);
    expect(locked.text).toContain('Bob Provider');
    expect(locked.text).not.toContain('alice-59');
    expect(locked.text).toMatch(/<option value="account_locked" selected/);

    const forAlice = await admin.get(`${paths.admin.securityEvents}?email=${encodeURIComponent(alice.email.toUpperCase())}&page=2`);
    expect(forAlice.text).toContain('alice-0<');
    expect(forAlice.text).not.toContain('Bob Provider');
    expect(forAlice.text).toContain(`href="${paths.admin.securityEvents}?email=${encodeURIComponent(alice.email)}"`);

    const ghost = await admin.get(`${paths.admin.securityEvents}?email=ghost%40test.example`);
    expect(ghost.text).toContain('no account has this email address');
    expect(ghost.text).not.toContain('alice-59');

    const byId = await admin.get(`${paths.admin.securityEvents}?user=${bob._id.toHexString()}`);
    expect(byId.text).toContain('lockout 1 in a row');
    expect(byId.text).not.toContain('alice-59');
  });

  it('filters by an email address typed with a NUL or other control character in it, as if they were not there', async () => {
    // FerretDB on PostgreSQL answered a NUL in this filter with an error (a 500): PostgreSQL cannot store one.
    const ghost = await admin.get(`${paths.admin.securityEvents}?email=gh%00ost%07%40test.example`);
    expect(ghost.status).toBe(200);
    expect(ghost.text).toContain('no account has this email address');
    expect(ghost.text).not.toContain('alice-59');
    expect(ghost.text).toContain('value="ghost@test.example"');
  });

  it('is linked from the Users page and each user’s page', async () => {
    expect((await admin.get(paths.admin.users)).text).toContain(`href="${paths.admin.securityEvents}"`);
    expect((await admin.get(paths.admin.user(bob._id.toString()))).text).toContain(`href="${paths.admin.securityEvents}?user=${bob._id.toHexString()}"`);
  });
});
