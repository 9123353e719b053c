import mongoose from 'mongoose';
import request from 'supertest';
import { CLAIMS_COLLECTION } from '../../src/db/claims';
import { purgeExpired } from '../../src/db/maintenance';
import { purgeTasks } from '../../src/housekeeping';
import { User } from '../../src/features/accounts/user.model';
import { Listing } from '../../src/features/listings/listing.model';
import { School } from '../../src/features/schools/school.model';
import { SESSION_COLLECTION } from '../../src/web/session';
import { ATTEMPT_SLOTS_COLLECTION } from '../../src/features/accounts/attempt-slots';
import { RATE_LIMIT_COLLECTION } from '../../src/features/accounts/rate-limits';
import { LOCKOUT_COLLECTION } from '../../src/features/accounts/sign-in-throttle';
import { SECURITY_EVENTS_COLLECTION } from '../../src/features/accounts/security-event.model';
import { paths } from '../../src/paths';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData, seedDemoDataIfEmpty } from '../../seed/demo-data';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { submitForm } from '../support/http';

useTestDatabase();

describe('demo data', () => {
  it('seeds every role once, however often it runs, and leaves edits alone', async () => {
    expect(await seedDemoDataIfEmpty()).toBe(true);
    const counts = async () => [await User.countDocuments(), await School.countDocuments(), await Listing.countDocuments()];
    const first = await counts();
    await User.updateOne({ email: 'sip@demo.example' }, { $set: { name: 'Renamed' } });
    await seedDemoData();
    expect(await seedDemoDataIfEmpty()).toBe(false);
    expect(await counts()).toEqual(first);
    expect((await User.findOne({ email: 'sip@demo.example' }).lean())!.name).toBe('Renamed');
    expect(new Set((await User.find().lean()).map((user) => user.role))).toEqual(new Set(['sip', 'school', 'provider', 'traded_services']));
  });

  it('lets each demo account sign in with the README password', async () => {
    const app = buildTestApp();
    for (const user of DEMO_USERS) {
      const response = await submitForm(request.agent(app), paths.signIn, { email: user.email, password: DEMO_PASSWORD });
      expect(response.status).toBe(302);
    }
  });
});

describe('purging expired records (in place of TTL indexes)', () => {
  it('removes expired sessions, rate-limit counters, stale claims and forgotten lockouts, keeps live ones, and trims the security events to the newest', async () => {
    const db = mongoose.connection.db!;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    await db.collection(SESSION_COLLECTION).insertMany([{ _id: 'old' as never, expires: past, session: '{}' }, { _id: 'live' as never, expires: future, session: '{}' }]);
    await db.collection(RATE_LIMIT_COLLECTION).insertMany([{ key: 'old', points: 1, expire: past }, { key: 'live', points: 1, expire: future }]);
    await db.collection(CLAIMS_COLLECTION).insertMany([{ _id: 'stale' as never, at: new Date(Date.now() - 3_600_000) }, { _id: 'fresh' as never, at: new Date() }]);
    // Earlier sign-ins in this file left their accounts' lockout records: start from none.
    await db.collection(LOCKOUT_COLLECTION).deleteMany({});
    await db.collection(LOCKOUT_COLLECTION).insertMany([
      { _id: 'forgotten' as never, lockouts: 3, lockedUntil: new Date(Date.now() - 25 * 3_600_000) },
      { _id: 'remembered' as never, lockouts: 3, lockedUntil: new Date(Date.now() - 23 * 3_600_000) },
      { _id: 'fresh start' as never, lockouts: 0 },
    ]);
    await db.collection(ATTEMPT_SLOTS_COLLECTION).deleteMany({});
    await db.collection(ATTEMPT_SLOTS_COLLECTION).insertMany([
      { _id: 'forgotten:1:0' as never, key: 'forgotten', n: 1, g: 0, at: new Date(Date.now() - 25 * 3_600_000) },
      { _id: 'counted:1:0' as never, key: 'counted', n: 1, g: 0, at: new Date(Date.now() - 60_000) },
    ]);
    await db.collection(SECURITY_EVENTS_COLLECTION).deleteMany({});
    await db.collection(SECURITY_EVENTS_COLLECTION).insertMany(
      Array.from({ length: 5 }, (_, minutes) => ({ at: new Date(Date.now() - minutes * 60_000), type: 'signed_in', ip: '::1', userAgent: 'test' })),
    );
    expect(await purgeExpired(db, purgeTasks({ securityEventsKept: 3, lockoutMemoryMs: 24 * 3_600_000 }))).toEqual({
      sessions: 1,
      rateLimits: 1,
      claims: 1,
      lockouts: 1,
      securityEvents: 2,
      attemptSlots: 1,
    });
    expect((await db.collection(ATTEMPT_SLOTS_COLLECTION).find().toArray()).map((slot) => slot._id)).toEqual(['counted:1:0']);
    expect((await db.collection(LOCKOUT_COLLECTION).find().toArray()).map((lockout) => lockout._id).sort()).toEqual(['fresh start', 'remembered']);
    const newest = await db.collection(SECURITY_EVENTS_COLLECTION).find().sort({ at: -1 }).toArray();
    expect(newest).toHaveLength(3);
    expect(Date.now() - newest[2]!.at.getTime()).toBeLessThan(3 * 60_000);
    expect(await db.collection(CLAIMS_COLLECTION).countDocuments({ _id: 'fresh' as never })).toBe(1);
    expect(await db.collection(SESSION_COLLECTION).countDocuments({ _id: 'live' as never })).toBe(1);
    expect(await db.collection(RATE_LIMIT_COLLECTION).countDocuments({ key: 'live' })).toBe(1);
  });
});

describe('health check', () => {
  it('answers 200 while the database answers, and 503 when it does not', async () => {
    const app = buildTestApp();
    const up = await request(app).get(paths.health);
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', database: 'up' });

    const dbName = mongoose.connection.db!.databaseName;
    await mongoose.disconnect();
    const down = await request(app).get(paths.health);
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', database: 'down' });
    await mongoose.connect(process.env.TEST_MONGODB_URI!, { dbName });
  });
});
