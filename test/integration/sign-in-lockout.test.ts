import type { Express } from 'express';
import request from 'supertest';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { SecurityEvent } from '../../src/features/accounts/security-event.model';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { paths } from '../../src/paths';
import { askForPasswordReset, backgroundSettled, buildTestApp, testClock } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, submitForm } from '../support/http';
import mongoose from 'mongoose';
import pino from 'pino';
import { Collection } from 'mongodb';
import { addressKey } from '../../src/features/accounts/rate-limits';
import { LOCKOUT_COLLECTION, SignInThrottle } from '../../src/features/accounts/sign-in-throttle';

useTestDatabase();
beforeEach(resetSignInLimits);

/** Two failures allowed, then a lock of 15 minutes doubling up to an hour, on a clock the test moves. */
function lockoutApp() {
  const clock = testClock();
  const app = buildTestApp(
    { SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '2', SIGN_IN_MAX_FAILURES_PER_IP: '1000', SIGN_IN_LOCKOUT_MINUTES: '15', SIGN_IN_LOCKOUT_MAX_HOURS: '1' },
    pino({ level: 'silent' }),
    clock.now,
  );
  return { app, clock };
}

const signIn = (app: Express, email: string, password: string) => submitForm(request.agent(app), paths.signIn, { email, password });

/** Fails until the account is refused; returns the refusal's wait in minutes, as the page says it. */
async function lockOut(app: Express, email: string): Promise<number> {
  for (let attempt = 1; attempt <= 2; attempt++) expect((await signIn(app, email, `wrong ${attempt}`)).status).toBe(400);
  const refused = await signIn(app, email, 'wrong again');
  expect(refused.status).toBe(429);
  expect(refused.text).toContain('This account is locked after too many failed attempts to sign in');
  const minutes = /You can try again after \d{1,2}:\d\d[ap]m(?: on \d+ \w+)? \(in (\d+) minutes\)/.exec(refused.text);
  if (!minutes) throw new Error('The refusal does not say when to try again');
  expect(Number(refused.headers['retry-after'])).toBe(Number(minutes[1]) * 60);
  return Number(minutes[1]);
}

/** The set-password link in the latest email to this address. */
async function latestSetPasswordLink(email: string): Promise<string> {
  const message = await OutboxMessage.findOne({ to: email, subject: /Reset your password/ }).sort({ createdAt: -1 }).lean();
  return /\/account\/set-password\?token=[\w-]+/.exec(message?.text ?? '')![0];
}

describe('sign-in lockout with back-off', () => {
  it('locks an account for 15 minutes, then 30, then 60, and no longer than the cap, refusing even the right password meanwhile', async () => {
    const { app, clock } = lockoutApp();
    const user = await createUser('sip');
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const wait = await lockOut(app, user.email);
      waits.push(wait);
      clock.advanceMinutes(wait - 1);
      expect((await signIn(app, user.email, TEST_PASSWORD)).status).toBe(429);
      clock.advanceMinutes(1);
    }
    expect(waits).toEqual([15, 30, 60, 60]);
    expect((await signIn(app, user.email, TEST_PASSWORD)).status).toBe(302);
  });

  it('shows how to get in sooner: resetting the password', async () => {
    const { app } = lockoutApp();
    const user = await createUser('school');
    await lockOut(app, user.email);
    const page = await signIn(app, user.email, TEST_PASSWORD);
    expect(page.text).toContain('govuk-error-summary');
    expect(page.text).toContain(`href="${paths.forgottenPassword}"`);
    expect(page.text).toMatch(/To sign in straight away, <a class="govuk-link" href="[^"]+">reset your password<\/a>/);
  });

  it('tells the owner once, in the service and by email, and records the lockout as a security event', async () => {
    const { app } = lockoutApp();
    const user = await createUser('provider');
    await lockOut(app, user.email);
    for (let attempt = 0; attempt < 3; attempt++) expect((await signIn(app, user.email, 'still wrong')).status).toBe(429);

    const notifications = await Notification.find({ recipient: user._id }).lean();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ subject: 'Your account has been locked', href: paths.forgottenPassword });
    expect(notifications[0]!.text).toMatch(/locked until \d{1,2}:\d\d[ap]m \(in 15 minutes\)\. If it was you, wait until then, or reset your password/);
    await backgroundSettled(app);
    const emails = await OutboxMessage.find({ to: user.email, subject: /Your account has been locked/ }).lean();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(paths.forgottenPassword);

    const locked = await AuditEntry.find({ subjectId: user._id, action: 'account_locked' }).lean();
    expect(locked).toHaveLength(1);
    expect(locked[0]!.ip).toBeTruthy();
    expect(await SecurityEvent.countDocuments({ subject: user._id, type: 'account_locked' })).toBe(1);
    expect(await SecurityEvent.countDocuments({ subject: user._id, type: 'sign_in_failed' })).toBe(2);
  });

  it('starts one lockout, and tells the owner once, when many attempts are refused at once', async () => {
    const { app } = lockoutApp();
    const user = await createUser('sip');
    const agents = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const agent = request.agent(app);
        return { agent, token: csrfTokenFrom((await agent.get(paths.signIn)).text) };
      }),
    );
    const statuses = await Promise.all(
      agents.map(({ agent, token }) => agent.post(paths.signIn).type('form').send({ email: user.email, password: 'a guess', _csrf: token }).then((response) => response.status)),
    );
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(2);
    expect(await SecurityEvent.countDocuments({ subject: user._id, type: 'account_locked' })).toBe(1);
    expect(await Notification.countDocuments({ recipient: user._id })).toBe(1);
  });

  it('starts again at 15 minutes after a successful sign-in', async () => {
    const { app, clock } = lockoutApp();
    const user = await createUser('provider');
    clock.advanceMinutes(await lockOut(app, user.email));
    clock.advanceMinutes(await lockOut(app, user.email));
    expect((await signIn(app, user.email, TEST_PASSWORD)).status).toBe(302);
    expect(await lockOut(app, user.email)).toBe(15);
  });

  it('starts again at 15 minutes after a quiet spell as long as the longest lockout', async () => {
    const { app, clock } = lockoutApp();
    const user = await createUser('provider');
    clock.advanceMinutes(await lockOut(app, user.email));
    expect(await lockOut(app, user.email)).toBe(30);
    clock.advanceMinutes(30 + 61);
    expect(await lockOut(app, user.email)).toBe(15);
  });

  it('lifts the lock when the password is reset, and starts the back-off again', async () => {
    const { app, clock } = lockoutApp();
    const user = await createUser('traded_services');
    clock.advanceMinutes(await lockOut(app, user.email));
    await lockOut(app, user.email);
    await askForPasswordReset(app, user.email);
    const link = await latestSetPasswordLink(user.email);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const set = await submitForm(request.agent(app), link, { token, newPassword: 'a new and longer passphrase', confirmPassword: 'a new and longer passphrase' }, paths.setPassword);
    expect(set.headers.location).toBe(paths.signIn);
    expect((await signIn(app, user.email, 'a new and longer passphrase')).status).toBe(302);
    expect(await lockOut(app, user.email)).toBe(15);
  });

  it('locks an address with no account in the same words, telling nobody', async () => {
    const { app } = lockoutApp();
    const before = await Notification.countDocuments();
    expect(await lockOut(app, 'nobody.here@test.example')).toBe(15);
    expect(await Notification.countDocuments()).toBe(before);
    const event = await SecurityEvent.findOne({ type: 'account_locked', email: 'nobody.here@test.example' }).lean();
    expect(event).toMatchObject({ detail: expect.stringMatching(/^lockout 1 in a row, until/) });
    expect(event!.subject).toBeUndefined();
  });
});

describe('counting across app instances', () => {
  it('lets exactly the allowed number of wrong passwords be checked when attempts arrive at once through two instances', async () => {
    // Two app instances share the database; 30 wrong passwords for one account arrive at once, spread over
    // both. With counters kept by $inc (which FerretDB v1 loses when concurrent) 16 to 20 were checked.
    const settings = { SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '10', SIGN_IN_MAX_FAILURES_PER_IP: '1000' };
    const instances = [buildTestApp(settings, pino({ level: 'silent' })), buildTestApp(settings, pino({ level: 'silent' }))];
    const user = await createUser('sip');
    const forms = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const agent = request.agent(instances[i % 2]!);
        const page = await agent.get(paths.signIn);
        return { agent, token: csrfTokenFrom(page.text) };
      }),
    );
    const answers = await Promise.all(
      forms.map(({ agent, token }, i) => agent.post(paths.signIn).type('form').send({ email: user.email, password: `wrong ${i}`, _csrf: token })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 400)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    expect(await SecurityEvent.countDocuments({ type: 'account_locked', subject: user._id })).toBe(1);
  }, 60_000);

  it('starts an account afresh when another sign-in of the same account added its record at the same moment', async () => {
    // Two upserts of one _id at once can both find nothing, and one insert then fails on the duplicate _id
    // (seen under bench:load at 300 users). Made certain here: the other sign-in's record lands just before
    // this one's first upsert, which is then refused as that race refuses it.
    const throttle = new SignInThrottle(mongoose.connection.db!, { maxFailuresPerAccount: 10, maxFailuresPerIp: 1000, lockoutMinutes: 15, maxLockoutMinutes: 60 });
    const replaceOne = Collection.prototype.replaceOne;
    const racing = jest.spyOn(Collection.prototype, 'replaceOne').mockImplementationOnce(function (this: Collection, ...args: Parameters<Collection['replaceOne']>) {
      return replaceOne.apply(this, args).then(() => Promise.reject(Object.assign(new Error('E11000 duplicate key error'), { code: 11000 })));
    });
    try {
      await expect(throttle.succeeded('127.0.0.1', 'shared@school.example')).resolves.toBeUndefined();
      expect(racing).toHaveBeenCalledTimes(2);
    } finally {
      racing.mockRestore();
    }
    expect(await mongoose.connection.db!.collection(LOCKOUT_COLLECTION).countDocuments({ _id: addressKey('shared@school.example') as never, lockouts: 0 })).toBe(1);
  });
});
