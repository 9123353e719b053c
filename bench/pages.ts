// What a visit to the search pages downloads (bytes received, compressed, cache honoured), then throughput
// and latency of the foundation's pages, on the embedded database, with autocannon.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startDemoDatabase } from './demo-database';
import { benchAppEnvironment, startAppProcess } from './app-process';
import { loadConfig } from '../src/config';
import { Listing } from '../src/features/listings/listing.model';
import { paths } from '../src/paths';
import { sessionCookie } from './session-cookie';
import { Visitor } from './page-weight';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-pages-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', SIGN_IN_MAX_FAILURES_PER_IP: '10000' });
  const database = await startDemoDatabase(config);
  const app = await startAppProcess(benchAppEnvironment(dataDir, { MONGODB_URI: database.uri }));
  const base = app.baseUrl;

  const portraitId = (await Listing.findOne({ status: 'approved' }, { _id: 1 }).lean())!._id.toString();
  const cases = [
    { name: 'GET /healthz', path: paths.health },
    { name: 'GET /sign-in (signed out)', path: paths.signIn },
    { name: 'GET /sip (SIP home)', path: paths.dashboards.sip, cookie: await sessionCookie(base, 'sip@demo.example') },
    {
      name: 'GET /traded-services (counts)',
      path: paths.dashboards.traded_services,
      cookie: await sessionCookie(base, 'tradedservices@demo.example'),
    },
    { name: 'GET /admin/users (list)', path: paths.admin.users, cookie: await sessionCookie(base, 'tradedservices@demo.example') },
    { name: 'GET /listings/:id (pen portrait)', path: paths.listings.listing(portraitId), cookie: await sessionCookie(base, 'sip@demo.example') },
    { name: 'GET /directory?q=phonics', path: `${paths.directory.search}?q=phonics`, cookie: await sessionCookie(base, 'head.oakfield@demo.example') },
  ];

  await printPageWeights(base, await sessionCookie(base, 'sip@demo.example'), portraitId);

  console.log(`${CONNECTIONS} connections, ${SECONDS} s per page, the built app in its own process, embedded FerretDB on SQLite`);
  console.log('page                              req/s    p50 ms  p97.5 ms  p99 ms  errors/non-2xx');
  for (const bench of cases) {
    const result = await autocannon({
      url: base + bench.path,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: bench.cookie ? { cookie: bench.cookie } : {},
    });
    console.log(
      `${bench.name.padEnd(32)} ${result.requests.average.toFixed(0).padStart(6)} ${String(result.latency.p50).padStart(9)} ${String(
        result.latency.p97_5,
      ).padStart(9)} ${String(result.latency.p99).padStart(7)}  ${result.errors + result.non2xx}`,
    );
  }
  await app.stop();
  await database.stop();
}

/** A SIP's visits in order, one browser cache: the first visit starts empty, each later one reuses it. */
async function printPageWeights(base: string, cookie: string, portraitId: string): Promise<void> {
  const search = `${paths.directory.search}?q=leadership`;
  const visits = [
    { name: 'search results, first visit', path: search },
    { name: 'search results, next page', path: `${search}&page=2` },
    { name: 'pen portrait, next page', path: paths.listings.listing(portraitId) },
    { name: 'search results, repeat visit', path: search },
  ];
  const visitor = new Visitor(base, cookie);
  console.log('Bytes received per visit (br/gzip accepted, Cache-Control honoured; headers included)');
  console.log('visit                            requests     bytes  files');
  for (const visit of visits) {
    const transfers = await visitor.visit(visit.path);
    const bytes = transfers.reduce((sum, transfer) => sum + transfer.bytes, 0);
    const files = transfers.map((transfer) => `${transfer.url.split('?')[0]!.split('/').pop()} ${transfer.status} ${transfer.encoding} ${transfer.bytes}`);
    console.log(`${visit.name.padEnd(32)} ${String(transfers.length).padStart(8)} ${String(bytes).padStart(9)}  ${files.join(', ')}`);
  }
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
