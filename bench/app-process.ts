// The built app (`node dist/src/server.js`) as a child process of a benchmark, so the memory measured
// is the app's own and a fault can be done to it (or to its embedded database) from outside.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freeLoopbackPort } from '../src/lib/free-loopback-port';
import { SERVER_NODE_FLAGS } from '../src/lib/node-flags';
import { projectRoot } from '../src/lib/project-root';
import { paths } from '../src/paths';

export type PageDatabaseUse = { requests: number; commands: number; ms: number; kinds: Record<string, number> };

/** FerretDB's explain of one shape of command the pages sent: SQLite's plan for its read (does it scan the table?). */
export type QueryPlan = { shape: string; count: number; pages: string[]; scans?: boolean; plan?: string; sortPushdown?: boolean | null; msAlone?: number; error?: string };

export type AppMemory = { rss: number; heapUsed: number; heapTotal: number; external: number };

export type AppProcess = {
  baseUrl: string;
  pid: number;
  /** The app's memory as it reports it; gc first when asked (the app runs with --expose-gc). */
  memory: (options?: { gc?: boolean }) => Promise<AppMemory>;
  /** Per page (method and path, ids as :id): requests, database commands, ms waiting for them, and commands by kind, since the start. */
  databaseUse: () => Promise<Record<string, PageDatabaseUse>>;
  /** How late the app's event loop has run since it started (ms): a page that blocks it delays every other. */
  eventLoopDelay: () => Promise<{ p50: number; p99: number; max: number }>;
  /** One command of each shape the pages sent, explained by the database, most sent first. */
  queryPlans: () => Promise<QueryPlan[]>;
  /** Writes the app's heap snapshot (reachable objects only) to the file, for a heap-snapshot comparison. */
  heapSnapshot: (file: string) => Promise<string>;
  /** The embedded FerretDB the app started (its child), if it is running. */
  databasePid: () => number | undefined;
  /** The app's own processes: the one started, and its workers when WEB_CONCURRENCY is above 1. */
  appPids: () => number[];
  /** The last lines the app wrote (its log at LOG_LEVEL, and anything on stderr), for reports of what went wrong. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: () => boolean;
  /** SIGTERM and wait: the app stops its server and its database. */
  stop: () => Promise<void>;
};

const SERVER = path.join(projectRoot, 'dist', 'src', 'server.js');
const PROBE = path.join(projectRoot, 'bench', 'memory-probe.cjs');
const READY_TIMEOUT_MS = 180_000;
const running = new Set<ChildProcess>();

// Whatever way the benchmark ends, no app (and so no database) is left running behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nStopped by ${signal}.`);
    process.exit(130);
  });
}

/** Settings for a production-like app on a benchmark's data folder. */
export function benchAppEnvironment(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    COOKIE_SECURE: 'false',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'false',
    // Every virtual user signs in from 127.0.0.1, and the per-address limit counts attempts in flight.
    SIGN_IN_MAX_FAILURES_PER_IP: '10000',
    ...extra,
  };
}

export async function startAppProcess(environment: Record<string, string>): Promise<AppProcess> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  const port = await freeLoopbackPort();
  // BENCH_CPU_PROFILE_DIR=dir writes the app's CPU profile there (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, '--expose-gc', '--require', PROBE, SERVER], {
    env: { ...process.env, ...environment, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  // The app logs (pino, JSON lines) to stdout and reports start-up failures on stderr; BENCH_APP_LOG names a
  // file to keep all of it in.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
    if (process.env.BENCH_APP_LOG) appendFileSync(process.env.BENCH_APP_LOG, chunk);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );

  let nextId = 0;
  /** One request to bench/memory-probe.cjs and its answer (matched by id). */
  const ask = <T>(request: Record<string, unknown>, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`the app did not answer ${String(request.type)} within ${timeoutMs / 1000} s`)), timeoutMs);
      const onMessage = (message: T & { type?: string; id?: number }) => {
        if (message.type !== request.type || message.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ ...request, id });
    });
  const memory = async (options: { gc?: boolean } = {}): Promise<AppMemory> => {
    const { rss, heapUsed, heapTotal, external } = await ask<AppMemory>({ type: 'memory', gc: options.gc ?? false }, 10_000);
    return { rss, heapUsed, heapTotal, external };
  };
  const databaseUse = async () => (await ask<{ pages: Record<string, PageDatabaseUse> }>({ type: 'database' }, 10_000)).pages;
  const eventLoopDelay = () => ask<{ p50: number; p99: number; max: number }>({ type: 'event-loop' }, 10_000);
  const queryPlans = () => ask<{ plans: QueryPlan[] }>({ type: 'query-plans' }, 60_000).then((answer) => answer.plans);
  const heapSnapshot = async (file: string) => (await ask<{ file: string }>({ type: 'heap-snapshot', file }, 120_000)).file;

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The app exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The app did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    const ready = await fetch(baseUrl + paths.signIn).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    pid: child.pid!,
    memory,
    databaseUse,
    eventLoopDelay,
    queryPlans,
    heapSnapshot,
    databasePid: () => childPids(child.pid!).find((pid) => !runsServer(pid)),
    appPids: () => [child.pid!, ...childPids(child.pid!).filter(runsServer)],
    output: () => output,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether a process runs the app (a worker of it does; its FerretDB does not). */
function runsServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(SERVER);
  } catch {
    return false;
  }
}

/** A process's children, from Linux's /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A process's resident memory in bytes, from Linux's /proc (0 once it has gone). */
export function residentBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time a process has used so far (user + system), in milliseconds, from Linux's /proc (0 once it has gone). */
export function cpuMilliseconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS_PER_SECOND = 100;
