import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { SqliteSynchronous } from '../config';
import { makeSocketFolder, removeAbandonedSocketFolders, SOCKET_NAME } from './socket-folders';

/**
 * The SQLite URL FerretDB opens each database with.
 *
 * synchronous is how SQLite commits (in WAL mode, which FerretDB always sets). 'normal': a commit is
 * written to the log without waiting for the disk; the database stays consistent after any crash, nothing is
 * lost if only the app or FerretDB dies, and a power cut or kernel crash can lose the last commits before the
 * log's next checkpoint. 'full': every commit waits for the disk (an fsync each), so even a power cut loses
 * nothing acknowledged, at the cost of one fsync per write. docs/database.md has the measured difference.
 *
 * _txlock=immediate: every write transaction takes
 * SQLite's write lock when it begins, so two writers queue (up to FerretDB's 10 s busy timeout) instead of
 * one failing at once with "database is locked" when it upgrades from reading to writing in WAL mode.
 */
export function sqliteUrl(dataDir: string, synchronous: SqliteSynchronous): string {
  return `file:${dataDir}/?_txlock=immediate&_pragma=synchronous(${synchronous})`;
}

/**
 * The embedded FerretDB's environment. GOGC=200 (unless GOGC is set): Go collects garbage half as often.
 * FerretDB allocates for every command it decodes and answers. Measured with bench:search against the
 * default (100): its CPU a request fell from 0.83–0.86 to 0.63 ms for a signed-in page and from 4.4–4.7 to
 * 3.6 ms for a pen portrait. The price: its heap may grow to about three times what it holds, not two.
 * The PostgreSQL URL may hold a password: in the environment, not the arguments (which `ps` shows).
 */
export function ferretdbEnvironment(environment: NodeJS.ProcessEnv, postgresqlUrl: string | undefined): NodeJS.ProcessEnv {
  return { GOGC: '200', ...environment, FERRETDB_POSTGRESQL_URL: postgresqlUrl ?? '' };
}

export type EmbeddedDatabase = { uri: string; socket: string; pid: () => number | undefined; stop: () => Promise<void> };

const READY_TIMEOUT_MS = 30_000;
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 5_000, 10_000];

type LaunchOptions = { binary: string; storage: string[]; env: NodeJS.ProcessEnv; socket: string; logLevel: string };

/** The driver's URI for a server on a Unix domain socket: the path, percent-encoded, as the host. */
export function socketUri(socket: string): string {
  return `mongodb://${encodeURIComponent(socket)}/`;
}

/**
 * Starts FerretDB and resolves once it answers a ping: on SQLite files under dataDir, or, given
 * postgresqlUrl, on that PostgreSQL database (created if missing; dataDir is then not used). If it dies
 * while the app runs, it is started again on the same socket (the driver reconnects by itself). The child
 * watches its stdin, so it stops if this process dies abruptly.
 *
 * It listens on a Unix domain socket, not a TCP port: in a folder of its own that only this user may open
 * (FerretDB asks for no password, and a loopback port is open to every user of the machine), and each
 * command costs both sides less than through the kernel's TCP stack (measured: about a tenth less CPU a
 * command in the app and in FerretDB). socket: where (a new private folder in the temporary folder unless given).
 */
export async function startEmbeddedFerretdb(options: {
  binary: string;
  dataDir: string;
  postgresqlUrl?: string | undefined;
  synchronous?: SqliteSynchronous;
  socket?: string;
  logLevel?: string;
  onRestart?: (attempt: number, error?: Error) => void;
}): Promise<EmbeddedDatabase> {
  let storage: string[];
  const env = ferretdbEnvironment(process.env, options.postgresqlUrl);
  if (options.postgresqlUrl) {
    storage = ['--handler=postgresql'];
  } else {
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    storage = ['--handler=sqlite', `--sqlite-url=${sqliteUrl(dataDir, options.synchronous ?? 'normal')}`];
  }
  // A private folder for the socket unless the caller names one; removed when the database stops or fails to
  // start, and by a later start if this process is killed outright.
  if (!options.socket) void removeAbandonedSocketFolders().catch(() => undefined);
  const ownSocketFolder = options.socket ? undefined : makeSocketFolder();
  const removeOwnSocketFolder = () => ownSocketFolder && rmSync(ownSocketFolder, { recursive: true, force: true });
  const launch: LaunchOptions = {
    binary: options.binary,
    storage,
    env,
    socket: options.socket ?? path.join(ownSocketFolder!, SOCKET_NAME),
    // On PostgreSQL, FerretDB logs every refused insert at ERROR (each claim that loses, a duplicate _id, is
    // one: the app's normal way of deciding who wins); its own failures, such as a panic, are logged above that.
    logLevel: options.logLevel ?? (options.postgresqlUrl ? 'ERROR+1' : 'error'),
  };
  let child = await launchUntilReady(launch).catch((error: unknown) => {
    removeOwnSocketFolder();
    throw error;
  });
  let stopping = false;

  const superviseExit = (exited: ChildProcess) => {
    exited.once('exit', () => {
      if (!stopping) void restart(0);
    });
  };
  const restart = async (attempt: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]));
    if (stopping) return;
    try {
      child = await launchUntilReady(launch);
      options.onRestart?.(attempt + 1);
      superviseExit(child);
    } catch (error) {
      options.onRestart?.(attempt + 1, error as Error);
      await restart(attempt + 1);
    }
  };
  superviseExit(child);

  return {
    uri: socketUri(launch.socket),
    socket: launch.socket,
    pid: () => child.pid,
    stop: async () => {
      stopping = true;
      await stopChild(child);
      removeOwnSocketFolder();
    },
  };
}

async function launchUntilReady({ binary, storage, env, socket, logLevel }: LaunchOptions): Promise<ChildProcess> {
  rmSync(socket, { force: true }); // left behind by a FerretDB that was killed: it would refuse to listen there
  const child = spawn(binary, ['--listen-addr=', `--listen-unix=${socket}`, ...storage, `--log-level=${logLevel}`], {
    env,
    stdio: ['pipe', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
    process.stderr.write(chunk);
  });
  try {
    await waitUntilAnswering(socketUri(socket), child, () => stderr);
    return child;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function waitUntilAnswering(uri: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`The embedded database exited (code ${exited}): ${stderr().trim()}`);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 250, connectTimeoutMS: 250 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`The embedded database did not answer within ${READY_TIMEOUT_MS / 1000} s: ${stderr().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
