// Whether hostile multipart uploads can hold the server up: 20 attackers keep an upload in flight at
// all times (half signed out, half a signed-in provider), each with field names such as z[100000000]
// that once made the parser build a 100,000,000-long array and the app walk it, and a 5 MB file
// behind them. Meanwhile /healthz is asked every 50 ms; it must answer within 100 ms every time.
// Run: npm run bench:hostile (builds first; the FerretDB binary must be built).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { paths } from '../src/paths';
import { benchAppEnvironment, startAppProcess } from './app-process';
import { reportVerdict } from './verdict';

const ATTACKERS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const HEALTH_EVERY_MS = 50;
const HEALTH_LIMIT_MS = 100;
const HOSTILE_NAMES = ['z[100000000]', 'z[1000000000]', 'a[0][0][0][0]'];

type Session = { cookie: string; token: string };

const cookieFrom = (response: Response) => (response.headers.getSetCookie()[0] ?? '').split(';')[0]!;
const tokenFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A fresh anonymous session with its CSRF token, as an attacker gets from the sign-in page. */
async function anonymous(baseUrl: string, signal?: AbortSignal): Promise<Session> {
  const page = await fetch(baseUrl + paths.signIn, { signal });
  return { cookie: cookieFrom(page), token: tokenFrom(await page.text()) };
}

async function signedIn(baseUrl: string, email: string): Promise<Session> {
  const start = await anonymous(baseUrl);
  const body = new URLSearchParams({ email, password: DEMO_PASSWORD, _csrf: start.token });
  const response = await fetch(baseUrl + paths.signIn, { method: 'POST', body, headers: { Cookie: start.cookie }, redirect: 'manual' });
  const cookie = cookieFrom(response) || start.cookie;
  const form = await fetch(baseUrl + paths.listings.new, { headers: { Cookie: cookie } });
  return { cookie, token: tokenFrom(await form.text()) };
}

function hostileBody(token: string): FormData {
  const form = new FormData();
  form.append('_csrf', token);
  form.append('name', 'Attacker');
  for (const name of HOSTILE_NAMES) form.append(name, 'x');
  form.append('evidence', new Blob([Buffer.alloc(5 * 1024 * 1024, 'x')], { type: 'application/pdf' }), 'big.pdf');
  return form;
}

/** Asks the URL every N ms and prints each answer's time in ms, a line each, until stopped (a question still waiting then counts as taking until then). */
const PROBER = `
const [url, every] = process.argv.slice(1);
let started;
process.on('SIGTERM', () => {
  if (started !== undefined) process.stdout.write((performance.now() - started).toFixed(2) + '\\n', () => process.exit(0));
  else process.exit(0);
});
const tick = async () => {
  started = performance.now();
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    process.stdout.write((performance.now() - started).toFixed(2) + '\\n');
  } catch {
    process.stdout.write('failed\\n');
  }
  started = undefined;
  setTimeout(tick, Number(every));
};
tick();
`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-hostile-'));
  const app = await startAppProcess(benchAppEnvironment(dataDir, { SEED_DEMO_DATA: 'true' }));
  const statuses = new Map<string, number>();
  const health: number[] = [];
  let stop = false;
  const ended = new AbortController();
  try {
    const provider = await signedIn(app.baseUrl, 'provider@demo.example');
    const rssBefore = (await app.memory({ gc: true })).rss;
    const attacker = async (index: number) => {
      while (!stop) {
        const session = index % 2 === 0 ? await anonymous(app.baseUrl, ended.signal).catch(() => undefined) : provider;
        const body = session ? hostileBody(session.token) : undefined;
        const response = session
          ? await fetch(app.baseUrl + paths.listings.new, { method: 'POST', body, headers: { Cookie: session.cookie }, redirect: 'manual', signal: ended.signal }).catch(() => undefined)
          : undefined;
        if (stop) break;
        const key = `${index % 2 === 0 ? 'signed out' : 'provider'} → ${response?.status ?? 'connection closed'}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        await response?.arrayBuffer().catch(() => undefined);
      }
    };
    // /healthz is timed from a process of its own, so the attackers' work in this one does not count.
    const prober = spawn(process.execPath, ['-e', PROBER, app.baseUrl + paths.health, String(HEALTH_EVERY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let probed = '';
    prober.stdout.on('data', (chunk: Buffer) => (probed += chunk.toString()));
    const proberDone = new Promise((resolve) => prober.once('exit', resolve));
    const running = Array.from({ length: ATTACKERS }, (_, index) => attacker(index));
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    // An app stuck walking a huge array cannot answer the memory probe either.
    const rssDuring = await app.memory().then(
      (memory) => memory.rss,
      () => Number.NaN,
    );
    stop = true;
    ended.abort(); // an app that is still chewing on an upload does not hold the benchmark up
    prober.kill('SIGTERM');
    await Promise.all([...running, proberDone]);
    const answers = probed.trim().split('\n').filter(Boolean);
    const healthFailures = answers.filter((line) => line === 'failed').length;
    health.push(...answers.filter((line) => line !== 'failed').map(Number));

    const sorted = [...health].sort((a, b) => a - b);
    const slowest = sorted.at(-1) ?? Number.POSITIVE_INFINITY;
    const attacks = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    console.log(`hostile multipart uploads: ${ATTACKERS} in flight for ${SECONDS} s (${HOSTILE_NAMES.join(', ')} and a 5 MB file each)`);
    console.log(`  uploads answered: ${attacks} (${[...statuses].map(([key, count]) => `${key}: ${count}`).join('; ')})`);
    console.log(`  /healthz meanwhile: ${sorted.length} answers (${healthFailures} failed), p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${slowest.toFixed(1)} ms`);
    console.log(`  app RSS: ${(rssBefore / 1048576).toFixed(0)} MB before, ${(rssDuring / 1048576).toFixed(0)} MB during`);
    const failures: string[] = [];
    if (healthFailures > 0) failures.push(`/healthz failed ${healthFailures} times`);
    if (slowest > HEALTH_LIMIT_MS) failures.push(`/healthz took ${slowest.toFixed(0)} ms (limit ${HEALTH_LIMIT_MS} ms)`);
    if ([...statuses.keys()].some((key) => !/→ (302|400|403)$/.test(key))) failures.push('an upload got an answer other than 302, 400 or 403');
    reportVerdict(failures);
  } finally {
    stop = true;
    // SIGTERM waits for the event loop; an app stuck in a loop gets SIGKILL after 5 s.
    const killLater = setTimeout(() => process.kill(app.pid, 'SIGKILL'), 5000);
    await app.stop();
    clearTimeout(killLater);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
