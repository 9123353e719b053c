// `npm run bench:restore`: a restore drill at national scale, timed. Builds a database with the demo data,
// the national directory (bench/national-dataset.ts: 10,000 published listings, 25,000 schools, 20,000
// recommendations) and the load run's people; then, as an operator would on a bad day, with the
// commands a person types (child processes):
//   1. `npm run backup` of it;
//   2. `npm run restore -- FILE` into an empty database (a new machine), checked collection by
//      collection against the backup (every document's Extended JSON, hashed);
//   3. the app started on the restored data, until a Traded Services user has signed in and searched;
//   4. `npm run restore -- FILE` into the original database while the app runs on it (replacing its data).
// On the embedded SQLite database by default; BENCH_POSTGRESQL_URL=postgres://… runs it on FerretDB on
// PostgreSQL instead (databases named after that URL's, with suffixes). docs/backups.md has the figures.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BSON, MongoClient, type Db } from 'mongodb';
import request from 'supertest';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/open-database';
import { RESTORE_STATE_COLLECTION } from '../src/db/restore-state';
import { FIGURE_COLLECTIONS } from '../src/features/commissions/figures/figure-store';
import { projectRoot } from '../src/lib/project-root';
import { paths } from '../src/paths';
import { benchAppEnvironment, startAppProcess } from './app-process';
import { startDemoDatabase } from './demo-database';
import { addLoadPeople } from './load-people';
import { loadNationalDataset } from './national-dataset';

const postgresqlBase = process.env.BENCH_POSTGRESQL_URL;
const backend = postgresqlBase ? `FerretDB on PostgreSQL (${new URL(postgresqlBase).host})` : 'FerretDB on SQLite (embedded)';

/** Settings for one database of the drill: a data folder, and on PostgreSQL a database of its own. */
function databaseSettings(label: string): Record<string, string> {
  const settings: Record<string, string> = { DATA_DIR: mkdtempSync(path.join(tmpdir(), `ssb-drill-${label}-`)), LOG_LEVEL: 'warn', MONGODB_URI: '' };
  if (postgresqlBase) {
    const url = new URL(postgresqlBase);
    url.pathname = `${url.pathname.replace(/\/$/, '') || '/school_support'}_drill_${label}_${randomBytes(3).toString('hex')}`;
    settings.FERRETDB_POSTGRESQL_URL = url.toString();
  }
  return settings;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function npm(args: string[], environment: Record<string, string>): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], { cwd: projectRoot, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - started, stdout }) : reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${stdout}`))));
  });
}

/** Each collection's document count and a hash of its documents' canonical Extended JSON, in _id order. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name === RESTORE_STATE_COLLECTION || (FIGURE_COLLECTIONS as readonly string[]).includes(name)) continue;
    const hash = createHash('sha256');
    let count = 0;
    for await (const document of db.collection(name).find({}).sort({ _id: 1 })) {
      hash.update(`${BSON.EJSON.stringify(document, { relaxed: false })}\n`);
      count++;
    }
    if (count) result[name] = `${count} ${hash.digest('hex').slice(0, 16)}`;
  }
  return result;
}

async function fingerprintOf(environment: Record<string, string>): Promise<Record<string, string>> {
  const database = await openDatabase(loadConfig({ ...process.env, ...environment, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) }), () => undefined);
  const client = await MongoClient.connect(database.uri);
  try {
    return await fingerprint(client.db());
  } finally {
    await client.close();
    await database.close();
  }
}

async function main(): Promise<void> {
  console.log(`Restore drill at national scale on ${backend}`);
  const source = databaseSettings('source');
  const config = loadConfig({ ...process.env, ...source, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) });
  const demo = await startDemoDatabase(config);
  await loadNationalDataset();
  await addLoadPeople({ schools: 50, sips: 25, providers: 20, tradedServices: 10, listingsPerProvider: 5 });
  await demo.stop();

  const backups = mkdtempSync(path.join(tmpdir(), 'ssb-drill-backups-'));
  const backup = await npm(['backup', '--', backups], source);
  const file = path.join(backups, readdirSync(backups)[0]!);
  console.log(`1. npm run backup:                      ${seconds(backup.ms)}  (${backup.stdout.trim().split('\n')[0]}; ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB)`);
  const backedUp = await fingerprintOf(source);
  const documents = Object.values(backedUp).reduce((sum, entry) => sum + Number(entry.split(' ')[0]), 0);

  const target = databaseSettings('target');
  const restore = await npm(['restore', '--', file], target);
  const restored = await fingerprintOf(target);
  const same = JSON.stringify(restored) === JSON.stringify(backedUp);
  console.log(`2. npm run restore (empty database):    ${seconds(restore.ms)}  (${documents.toLocaleString('en-GB')} documents in ${Object.keys(backedUp).length} collections; identical to the backup: ${same ? 'yes' : 'NO'})`);
  if (!same) throw new Error(`The restored database differs:\n${JSON.stringify({ backedUp, restored }, null, 1)}`);

  const started = performance.now();
  const app = await startAppProcess(benchAppEnvironment(target.DATA_DIR!, target));
  const answered = performance.now() - started;
  let working = 0;
  const agent = request.agent(app.baseUrl);
  const form = await agent.get(paths.signIn);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post(paths.signIn).type('form').send({ email: 'tradedservices@demo.example', password: DEMO_PASSWORD, _csrf: token }).expect(302);
  await agent.get(`${paths.directory.search}?q=maths`).expect(200);
  working = performance.now() - started;
  console.log(`3. app start on the restored data:      ${seconds(answered)} to the first page, ${seconds(working)} to a signed-in search`);
  await app.stop();

  const safetyDir = path.join(projectRoot, 'backups');
  const before = new Set(existsSync(safetyDir) ? readdirSync(safetyDir) : []);
  const running = await startAppProcess(benchAppEnvironment(source.DATA_DIR!, source));
  const replace = await npm(['restore', '--', file], source);
  console.log(`4. npm run restore, replacing (app up): ${seconds(replace.ms)}  (including its safety backup of the data it replaces and a 3 s pause for requests in flight)`);
  await running.stop();
  const replaced = await fingerprintOf(source);
  if (JSON.stringify(replaced) !== JSON.stringify(backedUp)) throw new Error('The replaced database differs from the backup');
  console.log(`   identical to the backup after replacing: yes`);
  console.log(`Restore drill, backup to working service on a new machine (1 + 2 + 3): ${seconds(backup.ms + restore.ms + working)}`);

  // The safety copy the replacing restore made in ./backups, and the drill's data.
  for (const name of readdirSync(safetyDir)) if (!before.has(name)) rmSync(path.join(safetyDir, name));
  for (const dir of [backups, source.DATA_DIR!, target.DATA_DIR!]) rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
