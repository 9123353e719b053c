// `npm run bench:load [-- --soak]`: a mixed workload of the four roles at national scale (10,000
// published listings, 25,000 schools) against the built app on its embedded database, in a child process.
// 100 virtual users for 60 s, each signing in and following its role's flows with a pause of up to 2 s after
// each step (BENCH_USERS, BENCH_SECONDS, BENCH_THINK_MS: the mean pause, 0 for a stress test); with --soak
// (or BENCH_SOAK=1), 5 minutes with the app's memory every 30 s.
// Prints throughput and p50/p95/p99 per request type, every unexpected response (there must be none),
// and the app's memory at start and end. Exits 1 when a response was unexpected, the app died, a role's
// usual write never happened, or (soak) its heap kept growing. BENCH_HEAP_SNAPSHOT_DIR=dir writes the
// app's heap snapshots there after the first minute, 20 s before the end and after the run (compare two
// with bench/heap-diff.ts). BENCH_FERRETDB_PROFILE=file writes a CPU profile of the embedded FerretDB over
// 30 s after the ramp (read it with `go tool pprof -top dist/ferretdb-binary file`, the binary from
// FERRETDB_CACHE_DIR). WEB_CONCURRENCY=2 runs the app with two workers (the app's CPU is then theirs and
// its first process's); the app's memory, event loop and database use are then the first process's, which
// serves no requests, so those are measured with one process. BENCH_COMMANDS=0 runs the app without the
// count of database commands by page, which costs it CPU of its own (AsyncLocalStorage on every promise).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { freeLoopbackPort } from '../src/lib/free-loopback-port';
import { benchAppEnvironment, cpuMilliseconds, residentBytes, startAppProcess, type AppMemory, type AppProcess, type PageDatabaseUse, type QueryPlan } from './app-process';
import { startDemoDatabase } from './demo-database';
import { addLoadPeople, type LoadPeople } from './load-people';
import { virtualUsers, visitRepeatedly } from './load-flows';
import { machineSpeedMs } from './machine-speed';
import { growthPerMinute } from './memory-trend';
import { loadNationalDataset } from './national-dataset';
import { connectionPool, Recorder, Visitor } from './visitor';
import { reportVerdict } from './verdict';

const SOAK = process.argv.includes('--soak') || process.env.BENCH_SOAK === '1';
const USERS = Number(process.env.BENCH_USERS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (SOAK ? 300 : 60));
const RAMP_SECONDS = 20;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
/** The app's WEB_CONCURRENCY, passed on from this environment. */
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 1);
const SAMPLE_EVERY_MS = 30_000;
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const FERRETDB_PROFILE = process.env.BENCH_FERRETDB_PROFILE;
/** BENCH_COMMANDS=0: the app runs without the probe's count of commands by page (bench/memory-probe.cjs), which costs CPU of its own. */
const COUNT_COMMANDS = process.env.BENCH_COMMANDS !== '0';
const FERRETDB_PROFILE_SECONDS = 30;
const ROLE_SHARES = { school: 45, sip: 25, provider: 20, traded_services: 10 };
const MB = 1024 * 1024;
/** One write per role that a run should always reach (none would mean, say, providers who see no commissions). */
const WRITES_EVERY_RUN_MAKES = ['POST /commissions/new', 'POST /commissions/:id/accept', 'POST /commissions/:id/approve', 'POST /shortlists/new'];

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

async function prepare(dataDir: string): Promise<LoadPeople> {
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await startDemoDatabase(config);
  try {
    await loadNationalDataset();
    return await addLoadPeople({ schools: 50, sips: 25, providers: 20, tradedServices: 10, listingsPerProvider: 5 });
  } finally {
    await database.stop();
  }
}

type Measured = AppMemory & { databaseRss: number };

/** The app's memory as it reports it (after a GC when asked), and its embedded database's resident memory. */
async function measureMemory(app: AppProcess, options: { gc?: boolean } = {}): Promise<Measured> {
  return { ...(await app.memory(options)), databaseRss: residentBytes(app.databasePid()) };
}

function describeMemory(label: string, memory: Measured): string {
  return `${label.padEnd(26)} app RSS ${mb(memory.rss).padStart(7)}, heap used ${mb(memory.heapUsed).padStart(7)} of ${mb(memory.heapTotal).padStart(7)}; FerretDB RSS ${mb(memory.databaseRss).padStart(7)}`;
}

async function writeHeapSnapshot(app: AppProcess, dir: string, label: string): Promise<void> {
  const file = await app.heapSnapshot(path.resolve(dir, `app-${label}.heapsnapshot`));
  console.log(`  heap snapshot ${label}: ${file}`);
}

/** Where the database's share goes: the pages that send it most commands, with what they send. */
function printDatabaseUse(pages: Record<string, PageDatabaseUse>): void {
  const rows = Object.entries(pages).sort((a, b) => b[1].commands - a[1].commands);
  const total = rows.reduce((sum, [, page]) => sum + page.commands, 0);
  console.log(`\ndatabase commands by page (${total.toLocaleString('en-GB')} in all; the 12 pages sending most)`);
  console.log(`${'page'.padEnd(40)} ${'requests'.padStart(8)} ${'commands'.padStart(8)} ${'each'.padStart(5)} ${'ms waiting each'.padStart(15)}  most sent`);
  for (const [name, page] of rows.slice(0, 12)) {
    const kinds = Object.entries(page.kinds)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([kind, count]) => `${kind} ${(count / page.requests).toFixed(1)}`)
      .join(', ');
    console.log(
      `${name.slice(0, 40).padEnd(40)} ${String(page.requests).padStart(8)} ${String(page.commands).padStart(8)} ${(page.commands / page.requests).toFixed(1).padStart(5)} ${(page.ms / page.requests).toFixed(0).padStart(15)}  ${kinds}`,
    );
  }
}

/** FerretDB's CPU profile over the given seconds, from the Go profiler it serves when FERRETDB_PPROF_ADDR is set. */
async function saveFerretdbProfile(address: string, seconds: number, file: string): Promise<void> {
  const response = await fetch(`http://${address}/debug/pprof/profile?seconds=${seconds}`);
  if (!response.ok) throw new Error(`FerretDB's profiler answered ${response.status}`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  console.log(`  FerretDB CPU profile over ${seconds} s: ${file}`);
}

/** The shapes of command for which SQLite reads the whole table (FerretDB then filters every document). */
function printScans(plans: QueryPlan[]): void {
  const explained = plans.filter((plan) => plan.plan !== undefined);
  const scans = explained.filter((plan) => plan.scans);
  console.log(`\ncommands that read a whole collection (SQLite's plan, from FerretDB's explain): ${scans.length} of the ${explained.length} shapes explained, sent this often`);
  if (!explained.length) console.log('  (this database gives no SQLite plan: only the embedded FerretDB on SQLite does)');
  for (const plan of scans) console.log(`  ${String(plan.count).padStart(6)}  ${plan.shape}  (${plan.pages.slice(0, 3).join(', ')}${plan.pages.length > 3 ? ', …' : ''})`);
}

/** The shapes that cost the database most: each timed alone after the load, times how often pages sent it. */
function printCostliestShapes(plans: QueryPlan[]): void {
  const timed = plans.filter((plan) => plan.msAlone !== undefined).sort((a, b) => b.count * b.msAlone! - a.count * a.msAlone!);
  console.log('\nthe commands that cost the database most (one of each shape timed alone after the load, times how often it was sent)');
  console.log(`${'sent'.padStart(6)} ${'ms alone'.padStart(8)} ${'total s'.padStart(7)}  shape (pages)`);
  for (const plan of timed.slice(0, 15)) {
    console.log(
      `${String(plan.count).padStart(6)} ${plan.msAlone!.toFixed(2).padStart(8)} ${((plan.count * plan.msAlone!) / 1000).toFixed(1).padStart(7)}  ${plan.shape}  (${plan.pages.slice(0, 3).join(', ')}${plan.pages.length > 3 ? ', …' : ''})`,
    );
  }
}

function processCpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-load-'));
  const failures: string[] = [];
  let app: AppProcess | undefined;
  try {
    const people = await prepare(dataDir);
    console.log(`this machine's speed before the run: a fixed piece of work took ${machineSpeedMs().toFixed(0)} ms (compare runs by it; smaller is faster)`);
    console.log('Starting the app (node dist/src/server.js, NODE_ENV=production) on that data ...');
    const pprofAddress = FERRETDB_PROFILE ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
    app = await startAppProcess(benchAppEnvironment(dataDir, pprofAddress ? { FERRETDB_PPROF_ADDR: pprofAddress } : {}));
    const atStart = await measureMemory(app);
    console.log(describeMemory('memory at start', atStart));

    const users = virtualUsers(people, USERS, ROLE_SHARES);
    const roles = Object.entries(ROLE_SHARES)
      .map(([role]) => `${users.filter((user) => user.role === role).length} ${role.replace('_', ' ')}`)
      .join(', ');
    console.log(
      `\n${users.length} virtual users (${roles}) for ${SECONDS} s${SOAK ? ' (soak)' : ''}, started over the first ${RAMP_SECONDS} s, each pausing 0–${(2 * THINK_MS) / 1000} s after each step ...`,
    );

    const recorder = new Recorder();
    const pool = connectionPool(app.baseUrl, users.length);
    let crashed = false;
    void app.exited.then(() => (crashed = true));
    const started = Date.now();
    const appCpu = () => app!.appPids().reduce((sum, pid) => sum + cpuMilliseconds(pid), 0);
    const cpuAtStart = { app: appCpu(), database: cpuMilliseconds(app.databasePid()), bench: processCpuMilliseconds() };
    const running = () => Date.now() - started < SECONDS * 1000 && !crashed;

    const samples: { minutes: number; memory: Measured }[] = [];
    const sampler = SOAK
      ? setInterval(() => {
          void measureMemory(app!, { gc: true }).then((memory) => {
            const minutes = (Date.now() - started) / 60_000;
            samples.push({ minutes, memory });
            console.log(describeMemory(`  at ${minutes.toFixed(1)} min (after GC)`, memory));
          });
        }, SAMPLE_EVERY_MS)
      : undefined;
    const snapshotTimers = SNAPSHOT_DIR
      ? [
          setTimeout(() => void writeHeapSnapshot(app!, SNAPSHOT_DIR, 'after-1-min'), 60_000),
          setTimeout(() => void writeHeapSnapshot(app!, SNAPSHOT_DIR, 'near-the-end'), (SECONDS - 20) * 1000),
        ]
      : [];

    const ferretdbProfile =
      pprofAddress && FERRETDB_PROFILE
        ? new Promise((resolve) => setTimeout(resolve, RAMP_SECONDS * 1000)).then(() => saveFerretdbProfile(pprofAddress, FERRETDB_PROFILE_SECONDS, FERRETDB_PROFILE))
        : undefined;
    await Promise.all(
      users.map(async (user, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * RAMP_SECONDS * 1000) / users.length));
        await visitRepeatedly(new Visitor(pool, recorder).until(running), user, people, running, THINK_MS);
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    await ferretdbProfile;
    clearInterval(sampler);
    for (const timer of snapshotTimers) clearTimeout(timer);
    await pool.close();

    if (crashed) failures.push(`the app stopped during the run:\n${app.output()}`);
    recorder.printSummary(elapsed);
    const requests = recorder.summary(elapsed).find((row) => row.type === 'all requests')?.count ?? 0;
    const cpu = (label: string, used: number) => `${label} ${(used / 1000).toFixed(1)} s (${(used / Math.max(1, requests)).toFixed(1)} ms a request)`;
    console.log(
      `CPU time over the run (2 cores give ${(2 * elapsed).toFixed(0)} s): ` +
        [
          cpu(WORKERS > 1 ? `app (${WORKERS} workers)` : 'app', appCpu() - cpuAtStart.app),
          cpu('FerretDB', cpuMilliseconds(app.databasePid()) - cpuAtStart.database),
          cpu('this benchmark', processCpuMilliseconds() - cpuAtStart.bench),
        ].join(', '),
    );
    if (WORKERS > 1) console.log('(with workers, the memory figures are the first process\'s; the event loop, the database use by page and the reads that scan are measured with WEB_CONCURRENCY=1)');
    else if (!crashed) {
      const delay = await app.eventLoopDelay();
      console.log(`the app's event loop ran late by p50 ${delay.p50} ms, p99 ${delay.p99} ms, at most ${delay.max} ms`);
      if (COUNT_COMMANDS) {
        printDatabaseUse(await app.databaseUse());
        const plans = await app.queryPlans();
        printScans(plans);
        printCostliestShapes(plans);
      } else console.log('(BENCH_COMMANDS=0: the database commands by page, the reads that scan and the costliest commands were not counted)');
    }
    const errors = recorder.failures.length;
    console.log(`\nerrors (any status a browser would not expect, or no answer): ${errors}`);
    if (errors) {
      Recorder.printFailures(recorder.failures);
      failures.push(`${errors} unexpected responses`);
    }
    const made = new Set(recorder.summary(elapsed).map((row) => row.type));
    const neverMade = WRITES_EVERY_RUN_MAKES.filter((type) => !made.has(type));
    if (neverMade.length) failures.push(`the workload never made ${neverMade.join(', ')}, so it measured less than it claims`);

    if (!crashed) {
      console.log('');
      console.log(describeMemory('memory at start', atStart));
      console.log(describeMemory('memory at end', await measureMemory(app)));
      console.log(describeMemory('memory at end, after GC', await measureMemory(app, { gc: true })));
      if (SNAPSHOT_DIR) await writeHeapSnapshot(app, SNAPSHOT_DIR, 'after-the-run');
    }
    if (SOAK && samples.length >= 4) {
      const heap = growthPerMinute(samples.map(({ minutes, memory }) => ({ minutes, bytes: memory.heapUsed })));
      const rss = growthPerMinute(samples.map(({ minutes, memory }) => ({ minutes, bytes: memory.rss })));
      console.log(
        `heap after GC: ${(heap.wholeRun / MB).toFixed(2)} MB/min over the run, ${(heap.secondHalf / MB).toFixed(2)} MB/min over its second half; ` +
          `RSS ${(rss.wholeRun / MB).toFixed(2)} MB/min, ${(rss.secondHalf / MB).toFixed(2)} MB/min`,
      );
      console.log(`growth trend: ${heap.growing ? 'YES, the heap keeps growing' : 'no (the heap levels off)'}`);
      if (heap.growing) failures.push('the heap kept growing during the soak');
    }
    if (app.output().trim()) console.log(`\nthe app's log (last lines):\n${app.output().trim().split('\n').slice(-10).join('\n')}`);
  } finally {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  reportVerdict(failures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
