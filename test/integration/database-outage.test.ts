// The app on a database that stops answering (frozen with SIGSTOP, as a hung host or a network partition
// would leave it): every request gets the "service unavailable" page instead of waiting, and the app
// recovers by itself once the database answers again. (bench:faults measures the same under load.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { connectDatabase } from '../../src/db/connect';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../../src/db/embedded-ferretdb';
import { ensureIndexes } from '../../src/db/indexes';
import { appIndexSpecs } from '../../src/housekeeping';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createUser } from '../support/factories';
import { signedInAgent } from '../support/http';

/** A request that has not been answered by then counts as hanging. */
const NO_HANG = { response: 15_000, deadline: 15_000 };

let database: EmbeddedDatabase;

/** Until the kernel reports the process stopped (state T), which on a busy machine is not at once. */
async function stopped(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (/^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`process ${pid} did not stop`);
}

beforeAll(async () => {
  database = await startEmbeddedFerretdb({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir: mkdtempSync(path.join(tmpdir(), 'ssb-outage-')) });
  await connectDatabase(database.uri, 'outage');
  await ensureIndexes(mongoose.connection.db!, appIndexSpecs());
});

afterAll(async () => {
  process.kill(database.pid()!, 'SIGCONT');
  await mongoose.disconnect();
  await database.stop();
});

it('answers "service unavailable" while the database is frozen, and recovers by itself', async () => {
  const app = buildTestApp();
  const user = await createUser('sip');
  const agent = await signedInAgent(app, user.email);
  expect((await agent.get(paths.help)).status).toBe(200);

  process.kill(database.pid()!, 'SIGSTOP');
  await stopped(database.pid()!);
  const during = await agent.get(paths.help).timeout(NO_HANG);
  expect(during.status).toBe(503);
  expect(during.text).toContain('Sorry, the service is unavailable');
  expect(during.headers['retry-after']).toBe('10');
  // Once the driver knows, a request does not even try the database.
  expect(mongoose.connection.readyState).not.toBe(1);
  expect((await request(app).get(paths.signIn).timeout(NO_HANG)).status).toBe(503);

  process.kill(database.pid()!, 'SIGCONT');
  let recovered = false;
  for (let attempt = 0; attempt < 100 && !recovered; attempt++) {
    recovered = (await request(app).get(paths.health)).status === 200;
    if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(recovered).toBe(true);
  expect((await agent.get(paths.help)).status).toBe(200);
}, 60_000);
