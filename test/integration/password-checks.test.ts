import argon2 from 'argon2';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { User } from '../../src/features/accounts/user.model';
import { PasswordChecks } from '../../src/features/accounts/passwords';
import { BoundedWork } from '../../src/lib/bounded-work';
import { paths } from '../../src/paths';
import { buildTestApp, testConfig } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { submitForm } from '../support/http';

useTestDatabase();
beforeEach(resetSignInLimits);

const storedHash = async (id: unknown) => (await User.findById(id, { passwordHash: 1 }).lean())!.passwordHash!;

describe('password hashing', () => {
  it('re-makes a hash with older settings at the next sign-in, and only with the right password', async () => {
    const app = buildTestApp();
    const oldHash = await argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    const user = await createUser('sip');
    await User.updateOne({ _id: user._id }, { $set: { passwordHash: oldHash } });

    const wrong = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(await storedHash(user._id)).toBe(oldHash);

    const right = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(right.status).toBe(302);
    const upgraded = await storedHash(user._id);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(upgraded, TEST_PASSWORD)).toBe(true);

    const again = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(again.status).toBe(302);
    expect(await storedHash(user._id)).toBe(upgraded);
  });

  it('tells a sign-in to try again when the checks are full, keeping the email and not counting the attempt', async () => {
    const work = new BoundedWork(1, 0);
    const app = createApp({
      config: testConfig({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '1' }),
      logger: pino({ level: 'silent' }),
      connection: mongoose.connection,
      passwordChecks: new PasswordChecks(work),
    });
    const user = await createUser('school');
    let release!: () => void;
    const holding = work.run(() => new Promise<void>((resolve) => (release = resolve)));

    const busy = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.text).toContain('The service is very busy right now. Wait a few seconds, then sign in again');
    expect(busy.text).toContain(`value="${user.email}"`);
    expect(busy.text).not.toContain(TEST_PASSWORD);

    release();
    await holding;
    // One attempt allowed per account: had the refusal counted, this one would be locked out.
    const signedIn = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe(paths.dashboards.school);
  });
});
