import type { Logger } from 'pino';
import { pausedForRestore } from './restore-state';

/**
 * Runs a task every `everyMs`, except while a restore is replacing the data; `report` logs what it did, and a
 * failure is logged as "<what> failed". The timer never keeps the process alive. Returns what stops it.
 */
export function repeatEvery<T>(everyMs: number, logger: Logger, what: string, task: () => Promise<T>, report: (result: T) => void = () => undefined): () => void {
  const timer = setInterval(() => {
    if (pausedForRestore()) return;
    task()
      .then(report)
      .catch((error: unknown) => logger.warn({ err: error }, `${what} failed`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
