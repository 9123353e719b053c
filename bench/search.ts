// The directory at national scale: 10,000 published listings and 25,000 schools in a fresh embedded
// database, then autocannon against a search, a pen portrait and a plain signed-in page (the ceiling).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startDemoDatabase } from './demo-database';
import { loadNationalDataset } from './national-dataset';
import { benchAppEnvironment, cpuMilliseconds, startAppProcess } from './app-process';
import { loadConfig } from '../src/config';
import { DirectoryIndexKeeper, type BuildReport } from '../src/features/directory/directory-index-keeper';
import { NO_FILTERS } from '../src/features/directory/directory-filters';
import { DirectoryService } from '../src/features/directory/directory.service';
import { Listing } from '../src/features/listings/listing.model';
import { paths } from '../src/paths';
import { sessionCookie } from './session-cookie';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FEW_CONNECTIONS = 5;
/** BENCH_ONLY=b,c measures only those pages (by letter), e.g. to profile one page with BENCH_CPU_PROFILE_DIR. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((letter) => letter.trim());
const MB = 1024 * 1024;

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

type Measured = { name: string; rps: number; p50: number; p95: number; p99: number; failures: number; appCpu: number; databaseCpu: number };

/** The processes whose CPU time each measurement divides among its requests: the app and its FerretDB. */
let processes: { app: number; database: () => number | undefined } = { app: 0, database: () => undefined };

/** autocannon's summary has no p95, so every response time is kept and the percentiles taken from them. */
async function measure(
  name: string,
  base: string,
  pagePaths: readonly string[],
  cookie: string,
  connections = CONNECTIONS,
): Promise<Measured> {
  const times: number[] = [];
  let next = 0;
  const cpuBefore = { app: cpuMilliseconds(processes.app), database: cpuMilliseconds(processes.database()) };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: SECONDS,
        headers: { cookie },
        requests: [{ setupRequest: (request) => ({ ...request, path: pagePaths[next++ % pagePaths.length]! }) }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN);
  const perRequest = (before: number, after: number) => (after - before) / Math.max(1, times.length);
  return {
    name,
    rps: result.requests.average,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    failures: result.errors + result.non2xx,
    appCpu: perRequest(cpuBefore.app, cpuMilliseconds(processes.app)),
    databaseCpu: perRequest(cpuBefore.database, cpuMilliseconds(processes.database())),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-search-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    COOKIE_SECURE: 'false',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SIGN_IN_MAX_FAILURES_PER_IP: '10000',
  });
  const database = await startDemoDatabase(config);

  await loadNationalDataset();

  const firstKeeper = new DirectoryIndexKeeper({ graceDays: config.listings.reviewGraceDays, syncMs: config.directory.syncMs });
  const fromListings = await firstKeeper.build();
  const heapBefore = heapUsed();
  // What every later start does: read the snapshot the first build left, and replay the log after it.
  const keeper = new DirectoryIndexKeeper({ graceDays: config.listings.reviewGraceDays, syncMs: config.directory.syncMs });
  const build = await keeper.build();
  const heapAfter = heapUsed();

  // Searches no one has asked yet (the cache cannot help): the cost of each one in this process.
  const service = new DirectoryService(keeper);
  const coldQueries = ['maths ks2', 'phonics', 'phonicks', 'new head needs a mentor', 'SEND', 'early years', 'numeracy', 'governance', 'attendance', 'behaviour secondary', 'science', 'reading', 'leadership coaching', 'eal', 'safeguarding', 'post 16', 'finance', 'federation', 'mental health', 'ks3 english'];
  const coldTimes: number[] = [];
  for (const [i, q] of coldQueries.entries()) {
    const started = performance.now();
    await service.search({ q, filters: NO_FILTERS, sort: i % 2 ? 'relevance' : 'capacity', page: 1 });
    coldTimes.push(performance.now() - started);
  }
  coldTimes.sort((a, b) => a - b);

  const app = await startAppProcess(benchAppEnvironment(dataDir, { MONGODB_URI: database.uri }));
  const base = app.baseUrl;
  processes = { app: app.pid, database: database.pid };
  const cookie = await sessionCookie(base, 'sip@demo.example');

  const searchPath = `${paths.directory.search}?q=maths+ks2&phase=primary&capacity=yes`;
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, the built app in its own process, embedded FerretDB on SQLite, NODE_ENV=production, signed in as a SIP`);
  const portraitId = (await Listing.findOne({ status: 'approved' }, { _id: 1 }).lean())!._id.toString();
  // Beyond the brief: searches that vary (so the result cache rarely helps), and what a few users at once see.
  // The last kind measures distances from the SIP's first caseload school (Oakfield, in the demo data) and keeps those within 20 miles.
  const variedPaths = coldQueries.flatMap((q) =>
    ['', '&phase=primary', '&capacity=yes&sort=capacity', '&within=20&sort=distance'].map((extra) => `${paths.directory.search}?q=${encodeURIComponent(q)}${extra}`),
  );
  const pages = {
    a: () => measure(`(a) search: ${searchPath}`, base, [searchPath], cookie),
    b: () => measure(`(b) pen portrait: ${paths.listings.listing(portraitId)}`, base, [paths.listings.listing(portraitId)], cookie),
    c: () => measure(`(c) static: ${paths.help}`, base, [paths.help], cookie),
    d: () => measure(`(d) ${variedPaths.length} different searches in turn`, base, variedPaths, cookie),
    e: () => measure(`(e) as (a), at ${FEW_CONNECTIONS} connections`, base, [searchPath], cookie, FEW_CONNECTIONS),
    f: () => measure(`(f) ${paths.health} (no session, no page)`, base, [paths.health], ''),
  };
  const measured: Partial<Record<keyof typeof pages, Measured>> = {};
  for (const [letter, run] of Object.entries(pages) as [keyof typeof pages, () => Promise<Measured>][]) {
    if (!ONLY || ONLY.includes(letter)) measured[letter] = await run();
  }

  console.log('\npage                                                          req/s   p50 ms  p95 ms  p99 ms  errors/non-2xx  CPU ms per request: app  FerretDB');
  for (const row of Object.values(measured)) {
    console.log(
      `${row.name.padEnd(60)} ${row.rps.toFixed(0).padStart(6)} ${String(row.p50).padStart(8)} ${String(row.p95).padStart(7)} ${String(row.p99).padStart(7)}  ${String(row.failures).padStart(14)}  ${row.appCpu.toFixed(2).padStart(23)}  ${row.databaseCpu.toFixed(2).padStart(8)}`,
    );
  }
  const ratio = (title: string, part: Measured | undefined, whole: Measured | undefined, target: number) => {
    if (part && whole) console.log(`${title}: ${((100 * part.rps) / whole.rps).toFixed(0)}%   (target ≥ ${target}%)`);
  };
  console.log('');
  ratio('ratio (c)/(f) throughput, a signed-in page against the bare stack', measured.c, measured.f, 25);
  ratio('ratio (a)/(c) throughput, search against the signed-in page', measured.a, measured.c, 70);
  ratio('ratio (b)/(c) throughput, pen portrait against the signed-in page', measured.b, measured.c, 70);
  if (measured.e) console.log(`search p95 at ${FEW_CONNECTIONS} connections: ${measured.e.p95} ms   (target ≤ 20 ms)`);
  console.log(
    `a search not asked before, in process (${coldQueries.length} queries): median ${coldTimes[Math.floor(coldTimes.length / 2)]!.toFixed(0)} ms, slowest ${coldTimes[coldTimes.length - 1]!.toFixed(0)} ms`,
  );
  const describeBuild = (report: BuildReport) =>
    `${report.documents.toLocaleString('en-GB')} listings in ${report.milliseconds.toFixed(0)} ms, of which reading ${report.readMilliseconds.toFixed(0)} ms`;
  console.log(`index build at a start (from the ${build.from}): ${describeBuild(build)}   (target ≤ 2,000 ms)`);
  console.log(`index build from the listings themselves (first start, or after a gap; also saves the snapshot): ${describeBuild(fromListings)}`);
  console.log(
    `index memory: ${((heapAfter - heapBefore) / MB).toFixed(0)} MB of heap for ${build.documents.toLocaleString('en-GB')} listings` +
      `${(globalThis as { gc?: unknown }).gc ? '' : ' (approximate: run with --expose-gc for a settled figure)'}; process heap ${(process.memoryUsage().heapUsed / MB).toFixed(0)} MB, RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB`,
  );

  console.log(`app process memory after the runs: RSS ${((await app.memory()).rss / MB).toFixed(0)} MB`);
  await app.stop();
  await database.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
