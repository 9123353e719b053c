import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** A worker that stops this soon after starting, this many times in a row, means something is wrong with every start. */
const QUICK_EXIT_MS = 30_000;
const QUICK_EXITS_TOLERATED = 3;
/** How long a worker may take to finish its requests when asked to stop, before it is killed. */
const STOP_GRACE_MS = 10_000;

export type AppWorkers = { stop: () => Promise<void> };

/**
 * Runs `count` copies of this program as workers sharing the port (node:cluster), for WEB_CONCURRENCY: one
 * Node process runs its JavaScript on one core, so on a machine with more this is how the app uses them.
 * `env` is added to each worker's environment. Says `ready` once, when every worker listens. A worker that
 * stops unexpectedly is replaced; if workers keep stopping soon after they start, `failed` is called
 * instead (the app cannot serve).
 */
export function startAppWorkers(count: number, options: { env: Record<string, string>; logger: Logger; ready: () => void; failed: () => void }): AppWorkers {
  let stopping = false;
  let quickExits = 0;
  const startedAt = new Map<Worker, number>();
  let listening = 0;

  const fork = () => startedAt.set(cluster.fork(options.env), Date.now());
  cluster.on('listening', () => {
    listening += 1;
    if (listening === count) options.ready();
  });
  cluster.on('exit', (worker, code, signal) => {
    const ranMs = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    quickExits = ranMs < QUICK_EXIT_MS ? quickExits + 1 : 0;
    options.logger.error({ pid: worker.process.pid, code, signal }, 'an app worker stopped unexpectedly');
    if (quickExits >= QUICK_EXITS_TOLERATED) return options.failed();
    fork();
  });
  for (let i = 0; i < count; i++) fork();

  return {
    stop: async () => {
      stopping = true;
      await Promise.all([...startedAt.keys()].map(stopWorker));
    },
  };
}

async function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.process.kill('SIGTERM');
  const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
