import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';

/**
 * How `npm run restore` (replacing data) and running app instances agree, through one small document,
 * that the database is being replaced under them. This collection describes the database, not its
 * data: backups leave it out, and a restore never empties it.
 *
 * restoring: every instance answers "being restored" (503) and its timers skip their work, within
 *   WATCH_EVERY_MS; the restore waits RESTORE_PAUSE_MS before it changes anything, so in-flight requests
 *   finish first.
 * restored: each instance reloads what it keeps in memory (the directory index) from the restored data
 *   and carries on. Sessions are the backup's: people signed in since the backup sign in again.
 * failed: the restore stopped part-way; the data is incomplete, so instances keep refusing requests, and
 *   the app will not start on it, until a restore succeeds.
 */
export const RESTORE_STATE_COLLECTION = 'database_restores';
export const WATCH_EVERY_MS = 1_000;
export const RESTORE_PAUSE_MS = 3_000;

export type RestoreStateDocument = { _id: 'state'; state: 'restoring' | 'restored' | 'failed'; mark: string; at: Date; file: string; error?: string };

const states = (db: Db) => db.collection<RestoreStateDocument>(RESTORE_STATE_COLLECTION);

export async function readRestoreState(db: Db): Promise<RestoreStateDocument | null> {
  return states(db).findOne({ _id: 'state' });
}

export async function recordRestoreState(db: Db, state: RestoreStateDocument['state'], file: string, error?: string): Promise<void> {
  await states(db).replaceOne(
    { _id: 'state' },
    { state, mark: randomUUID(), at: new Date(), file, ...(error ? { error: error.slice(0, 500) } : {}) },
    { upsert: true },
  );
}

/** Why the app must not start on this database, or undefined. */
export function unfinishedRestore(state: RestoreStateDocument | null): string | undefined {
  if (!state || state.state === 'restored') return undefined;
  return state.state === 'restoring'
    ? `A restore from ${state.file} has been replacing this database since ${state.at.toISOString()}. Wait for it to finish; if it was stopped, run it again (npm run restore -- FILE).`
    : `The restore from ${state.file} at ${state.at.toISOString()} failed part-way (${state.error ?? 'unknown error'}), so the data is incomplete. Run it again (npm run restore -- FILE).`;
}

let paused = false;

/** True while a restore is replacing the database: background jobs skip their run. */
export function pausedForRestore(): boolean {
  return paused;
}

/**
 * Looks at the restore state every WATCH_EVERY_MS. While a restore runs (or after one failed) `paused`
 * is true; once one has finished, onRestored reloads what the instance keeps in memory, then it resumes.
 */
export class RestoreWatch {
  private lastMark: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: { onRestored: () => Promise<void>; logger?: Logger; everyMs?: number },
  ) {}

  get paused(): boolean {
    return paused;
  }

  async start(): Promise<void> {
    this.lastMark = (await readRestoreState(this.db))?.mark;
    this.timer = setInterval(() => void this.look(), this.options.everyMs ?? WATCH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look at a time; a look that fails (the database is down) changes nothing. */
  look(): Promise<void> {
    this.looking ??= this.lookOnce()
      .catch((error: unknown) => this.options.logger?.debug({ err: error }, 'could not read the restore state'))
      .finally(() => {
        this.looking = undefined;
      });
    return this.looking;
  }

  private async lookOnce(): Promise<void> {
    const state = await readRestoreState(this.db);
    if (!state || state.mark === this.lastMark) return;
    if (state.state !== 'restored') {
      if (!paused) this.options.logger?.warn({ file: state.file, state: state.state }, 'the database is being restored from a backup: answering "being restored" until it is done');
      paused = true;
      this.lastMark = state.mark;
      return;
    }
    paused = true;
    await this.options.onRestored();
    this.lastMark = state.mark;
    paused = false;
    this.options.logger?.warn({ file: state.file }, 'the database was restored from a backup: reloaded the directory and carrying on');
  }
}
