// `npm run bench:faults`: what users see when things break, on the built app and its embedded FerretDB.
//
// 1. Database outage. Schools keep asking for support (and SIPs keep working) while the database is frozen
//    for 10 s with SIGSTOP and then let go with SIGCONT. A frozen database is the hard case: its port still
//    accepts connections but nothing answers, as in a network partition, a hung host or a MongoDB failover.
//    (Killing it outright is the easy case: connections are refused at once, and the app starts its
//    embedded database again within a second, so it would not stay down for 10 s.)
//    Checks: while it is down every request gets the friendly 503 page within a few seconds (no hangs),
//    the app does not crash, it recovers by itself, nothing fails outside the outage, and every commission
//    the app acknowledged is there afterwards.
// 2. App crash. Schools and providers move commissions through their steps (and cancel some) while the app
//    is killed with SIGKILL at a random moment, three times, and restarted on the same data.
//    Checks: no commission is half-changed (status, history, step records, feedback and day ledgers agree)
//    and every acknowledged commission is there.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ObjectId, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { DATABASE_NAME } from '../src/db/database-name';
import { ABANDONED_AFTER_MS, releaseAbandonedHolds } from '../src/features/commissions/abandoned-holds';
import { paths } from '../src/paths';
import { benchAppEnvironment, startAppProcess, type AppProcess } from './app-process';
import { checkCommissions } from './commission-consistency';
import { startDemoDatabase } from './demo-database';
import { actOnWaitingCommission, requestSupport, visitRepeatedly, type VirtualUser } from './load-flows';
import { addLoadPeople, type LoadPeople } from './load-people';
import { loadNationalDataset } from './national-dataset';
import { connectionPool, Recorder, Visitor, type Sample } from './visitor';
import { reportVerdict } from './verdict';

const OUTAGE_MS = 10_000;
const BEFORE_OUTAGE_MS = 10_000;
const AFTER_OUTAGE_MS = 20_000;
/**
 * While the database is down, every request must be answered within this (the friendly 503 page): up to 1 s
 * until the driver's next check, 3 s for it to time out, 2 s for a retried read to give up
 * (src/db/connect.ts), and a second to spare on a busy machine.
 */
const ANSWER_WITHIN_MS = 7_000;
const KILLS = 3;
/** Each kill comes between this and twice this after the app has started. */
const KILL_AFTER_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function prepare(dataDir: string): Promise<LoadPeople> {
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await startDemoDatabase(config);
  try {
    await loadNationalDataset({ listings: 300, schools: 300 });
    return await addLoadPeople({ schools: 16, sips: 4, providers: 4, tradedServices: 1, listingsPerProvider: 3 });
  } finally {
    await database.stop();
  }
}

/** The running app's embedded database, as it announces it in DATA_DIR, connected through mongoose. */
async function withAppDatabase<T>(dataDir: string, use: (db: Db) => Promise<T>): Promise<T> {
  const { uri } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-database.json'), 'utf8')) as { uri: string };
  await connectDatabase(`${uri}${DATABASE_NAME}`);
  try {
    return await use(mongoose.connection.db!);
  } finally {
    await mongoose.disconnect();
  }
}

/** Schools asking for support over and over, remembering each commission the app acknowledged. */
async function askRepeatedly(v: Visitor, user: VirtualUser, people: LoadPeople, running: () => boolean, acknowledged: string[]): Promise<void> {
  while (running()) {
    if (!v.signedIn && !(await v.signIn(user.email))) {
      await sleep(250);
      continue;
    }
    const id = await requestSupport(v, user, people);
    if (id) acknowledged.push(id);
  }
}

/** Opens every commission as Traded Services, as anyone might, so any step left unfinished is finished. */
async function openEveryCommission(app: AppProcess, db: Db, people: LoadPeople): Promise<Sample[]> {
  const recorder = new Recorder();
  const pool = connectionPool(app.baseUrl, 4);
  const v = new Visitor(pool, recorder);
  await v.signIn(people.tradedServices[0]!);
  const ids = (await db.collection('commissions').find({}, { projection: { _id: 1 } }).toArray()).map((c) => c._id.toHexString());
  for (let i = 0; i < ids.length; i += 4) await Promise.all(ids.slice(i, i + 4).map((id) => v.get('GET /commissions/:id', paths.commissions.commission(id))));
  await pool.close();
  return recorder.failures;
}

async function missingCommissions(db: Db, ids: string[]): Promise<string[]> {
  const found = new Set((await db.collection('commissions').find({ _id: { $in: ids.map((id) => new ObjectId(id)) } }, { projection: { _id: 1 } }).toArray()).map((c) => c._id.toHexString()));
  return ids.filter((id) => !found.has(id));
}

/** Every commission whole, and every acknowledged one present; the problems found (none is a pass). */
async function checkData(app: AppProcess, dataDir: string, people: LoadPeople, acknowledged: string[]): Promise<string[]> {
  return withAppDatabase(dataDir, async (db) => {
    const failures: string[] = [];
    const unreadable = await openEveryCommission(app, db, people);
    if (unreadable.length) {
      failures.push(`${unreadable.length} commission pages did not open`);
      Recorder.printFailures(unreadable);
    }
    const missing = await missingCommissions(db, acknowledged);
    console.log(`acknowledged commissions: ${acknowledged.length}, missing afterwards: ${missing.length}${missing.length ? ` (${missing.slice(0, 5).join(', ')})` : ''}`);
    if (missing.length) failures.push(`${missing.length} acknowledged commissions lost`);
    // Days held by requests that stopped before their commission or step existed: the app gives them back
    // once they are older than any request (2 minutes); this does now what it would do then.
    const abandoned = await releaseAbandonedHolds(0);
    console.log(`holds of requests that did not finish, given back as the app would after ${ABANDONED_AFTER_MS / 60_000} minutes: ${abandoned}`);
    const report = await checkCommissions(db);
    console.log(
      `consistency: ${report.commissions} commissions, ${report.steps} step records, ${report.historyEntries} history entries, ${report.feedback} feedback, ${report.ledgerKeys} ledger keys: ${report.problems.length} problems`,
    );
    for (const problem of report.problems.slice(0, 15)) console.log(`  ${problem}`);
    if (report.problems.length) failures.push(`${report.problems.length} half-changed records`);
    return failures;
  });
}

function roles(people: LoadPeople) {
  return {
    schools: people.schools.map((school): VirtualUser => ({ role: 'school', ...school })),
    sips: people.sips.map((sip): VirtualUser => ({ role: 'sip', email: sip.email, caseloadUrns: sip.caseloadUrns })),
    providers: people.providers.map((provider): VirtualUser => ({ role: 'provider', email: provider.email })),
  };
}

async function databaseOutage(dataDir: string, people: LoadPeople): Promise<string[]> {
  console.log(`\n1. Database outage: frozen (SIGSTOP) for ${OUTAGE_MS / 1000} s under a steady load of requests for support and SIP work`);
  const app = await startAppProcess(benchAppEnvironment(dataDir));
  const failures: string[] = [];
  try {
    const recorder = new Recorder();
    const acknowledged: string[] = [];
    const { schools, sips } = roles(people);
    const pool = connectionPool(app.baseUrl, schools.length + sips.length);
    let running = true;
    const visitors = [
      ...schools.slice(0, 8).map((user) => askRepeatedly(new Visitor(pool, recorder), user, people, () => running, acknowledged)),
      ...sips.map((user) => visitRepeatedly(new Visitor(pool, recorder), user, people, () => running)),
    ];

    await sleep(BEFORE_OUTAGE_MS);
    const databasePid = app.databasePid();
    if (!databasePid) throw new Error('the app has no embedded database process');
    process.kill(databasePid, 'SIGSTOP');
    const stoppedAt = Date.now();
    console.log(`   FerretDB (pid ${databasePid}) stopped`);
    await sleep(OUTAGE_MS);
    process.kill(databasePid, 'SIGCONT');
    const continuedAt = Date.now();
    console.log(`   FerretDB continued after ${seconds(continuedAt - stoppedAt)}`);
    await sleep(AFTER_OUTAGE_MS);
    running = false;
    await Promise.all(visitors);
    await pool.close();

    const samples = recorder.samples;
    const end = (sample: Sample) => sample.started + sample.ms;
    const firstSuccess = samples.filter((sample) => sample.ok && sample.started >= continuedAt).sort((a, b) => end(a) - end(b))[0];
    const recoveredAt = firstSuccess ? end(firstSuccess) : Infinity;
    const inOutage = (sample: Sample) => sample.started < recoveredAt && end(sample) > stoppedAt;
    const during = samples.filter(inOutage);
    const outside = samples.filter((sample) => !inOutage(sample));
    const friendly = (sample: Sample) => sample.status === 503 && (sample.detail ?? '').startsWith('Sorry, the service is unavailable');
    const unavailable = during.filter(friendly);
    const unfriendly = during.filter((sample) => !sample.ok && !friendly(sample));
    // How long each request waited once the database had gone (a request sent before that had been working).
    const waited = (sample: Sample) => end(sample) - Math.max(sample.started, stoppedAt);
    const longestWait = Math.max(0, ...during.map(waited));
    const first503 = unavailable.map(end).sort((a, b) => a - b)[0];

    console.log(`   requests before and after the outage: ${outside.length}, unexpected: ${outside.filter((sample) => !sample.ok).length}`);
    console.log(
      `   requests during the outage: ${during.length}: ${unavailable.length} answered 503 with the "service unavailable" page, ${during.filter((sample) => sample.ok).length} answered normally, ${unfriendly.length} otherwise`,
    );
    console.log(
      `   longest wait for an answer once the database had stopped: ${seconds(longestWait)} (limit ${seconds(ANSWER_WITHIN_MS)}); slowest request in all ${seconds(Math.max(0, ...during.map((sample) => sample.ms)))}; first 503 ${first503 ? `${seconds(first503 - stoppedAt)} after the database stopped` : 'never'}`,
    );
    for (const sample of [...during].sort((a, b) => waited(b) - waited(a)).slice(0, 3)) {
      console.log(`     ${sample.method} ${sample.path} → ${sample.status} after ${seconds(sample.ms)}, sent ${seconds(sample.started - stoppedAt)} from the stop`);
    }
    console.log(`   recovered by itself: ${firstSuccess ? `first success ${seconds(recoveredAt - continuedAt)} after the database came back` : 'NO'}`);
    console.log(`   the app is ${app.alive() ? 'still running' : 'GONE'}`);

    if (outside.some((sample) => !sample.ok)) {
      failures.push('requests failed outside the outage');
      Recorder.printFailures(outside.filter((sample) => !sample.ok));
    }
    if (unfriendly.length) {
      failures.push(`${unfriendly.length} requests during the outage got something other than the 503 page`);
      Recorder.printFailures(unfriendly);
    }
    if (longestWait > ANSWER_WITHIN_MS) failures.push(`a request waited ${seconds(longestWait)} for an answer during the outage`);
    if (!firstSuccess) failures.push('the app did not recover');
    if (!app.alive()) failures.push('the app stopped');
    failures.push(...(await checkData(app, dataDir, people, acknowledged)));
  } finally {
    await app.stop();
  }
  if (failures.length && app.output().trim()) console.log(`   the app's log (last lines):\n${app.output().trim().split('\n').slice(-8).join('\n')}`);
  return failures;
}

async function appCrashes(dataDir: string, people: LoadPeople): Promise<string[]> {
  console.log(`\n2. App crash: SIGKILL at a random moment while commissions change, ${KILLS} times, then restarted on the same data`);
  const failures: string[] = [];
  const acknowledged: string[] = [];
  const { schools, providers } = roles(people);
  // The same settings (so the same session secret) at every start: people stay signed in across a restart.
  const environment = benchAppEnvironment(dataDir);
  const visitors = new Map<string, Visitor>();
  for (let kill = 1; kill <= KILLS; kill++) {
    const app = await startAppProcess(environment);
    const recorder = new Recorder();
    const pool = connectionPool(app.baseUrl, schools.length + providers.length);
    let running = true;
    const changeCommissions = async (user: VirtualUser, v: Visitor) => {
      while (running) {
        if (!v.signedIn && !(await v.signIn(user.email))) continue;
        if (user.role === 'school' && Math.random() < 0.4) {
          const id = await requestSupport(v, user, people);
          if (id) acknowledged.push(id);
        } else {
          await actOnWaitingCommission(v, user, 0.1);
        }
      }
    };
    const workers = [...schools, ...providers].map((user) => {
      const v = visitors.get(user.email)?.reconnect(pool, recorder) ?? new Visitor(pool, recorder);
      visitors.set(user.email, v);
      return { user, v };
    });
    // Everyone signs in first (once: sessions outlive the app), so the time before the kill is all work.
    await Promise.all(workers.map(({ user, v }) => v.signedIn || v.signIn(user.email)));
    const working = workers.map(({ user, v }) => changeCommissions(user, v));
    await sleep(KILL_AFTER_MS + Math.random() * KILL_AFTER_MS);
    const databasePid = app.databasePid();
    process.kill(app.pid, 'SIGKILL');
    const killedAt = Date.now();
    running = false;
    await app.exited;
    await Promise.all(working);
    await pool.close();
    // The embedded database stops when the app's end of its stdin closes; wait for it before starting again.
    while (databasePid && existsSync(`/proc/${databasePid}`)) await sleep(50);
    const before = recorder.samples.filter((sample) => sample.started + sample.ms < killedAt - 50);
    const unexpected = before.filter((sample) => !sample.ok);
    console.log(`   kill ${kill}: after ${before.length} requests (${unexpected.length} unexpected), ${acknowledged.length} commissions acknowledged so far`);
    if (unexpected.length) {
      failures.push(`${unexpected.length} requests failed before kill ${kill}`);
      Recorder.printFailures(unexpected);
    }
  }
  const app = await startAppProcess(environment);
  try {
    console.log('   restarted; checking every commission');
    failures.push(...(await checkData(app, dataDir, people, acknowledged)));
  } finally {
    await app.stop();
  }
  return failures;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-faults-'));
  const failures: string[] = [];
  try {
    const people = await prepare(dataDir);
    failures.push(...(await databaseOutage(dataDir, people)).map((failure) => `outage: ${failure}`));
    failures.push(...(await appCrashes(dataDir, people)).map((failure) => `crash: ${failure}`));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  reportVerdict(failures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
