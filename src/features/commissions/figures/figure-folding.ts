import type { Logger } from 'pino';
import { repeatEvery } from '../../../db/repeating-work';
import { Commission } from '../commission.model';
import { finishOpenSteps } from '../commission-steps';
import { applyChange, FigureTable, rowsOf, sheetsOf } from './figure-table';
import { consumedAfter, deleteDeltas, deleteSheets, emptyHead, insertHead, latestHead, pendingDeltas, readSheets, rebuildIsFresh, writeSheets } from './figure-store';

/** At most this many deltas go into one fold (a fold's head lists them). */
const MAX_DELTAS_PER_FOLD = 2_000;

export type FoldResult = { folded: number };

/**
 * Folds pending deltas into new sheets and commits them as the next head. Any number of processes may
 * call this at once: each works from the newest head and only the first to insert the next head wins;
 * the others discard their sheets. Deltas already folded (listed in the head) are deleted. Does nothing
 * while a rebuild runs, or while fewer than `minimum` deltas are pending.
 */
export async function foldPendingFigures(options: { minimum?: number; now?: Date } = {}): Promise<FoldResult> {
  const now = options.now ?? new Date();
  const head = await latestHead();
  if (!head?.sheets || rebuildIsFresh(head, now)) return { folded: 0 };
  const current = head.sheets;
  const pending = await pendingDeltas();
  const lingering = pending.filter((delta) => head.consumed.has(delta.id)).map((delta) => delta.id);
  const fresh = pending.filter((delta) => !head.consumed.has(delta.id)).slice(0, MAX_DELTAS_PER_FOLD);
  if (fresh.length === 0 || fresh.length < (options.minimum ?? 1)) {
    await deleteDeltas(lingering);
    return { folded: 0 };
  }

  const touched = [...new Set(fresh.flatMap(({ change }) => [change.before, change.after].flatMap((contribution) => rowsOf(contribution).flatMap((row) => sheetsOf(row, contribution.school)))))];
  const existing = touched.filter((key) => current.has(key));
  const loaded = await readSheets(existing.map((key) => current.get(key)!));
  if (loaded.includes(null)) return { folded: 0 }; // a newer head has replaced these sheets already
  const tables = new Map(touched.map((key) => [key, new FigureTable()]));
  existing.forEach((key, index) => tables.get(key)!.addTable(loaded[index]!));
  for (const delta of fresh) applyChange(delta.change, (key) => tables.get(key));

  const seq = head.seq + 1;
  const written = await writeSheets(seq, tables);
  const sheets = new Map(current);
  for (const key of touched) {
    const id = written.get(key);
    if (id) sheets.set(key, id);
    else sheets.delete(key);
  }
  const freshIds = fresh.map((delta) => delta.id);
  if (!(await insertHead(seq, { sheets, consumed: consumedAfter(head.consumed, freshIds, now.getTime()) }))) {
    await deleteSheets([...written.values()]);
    return { folded: 0 };
  }
  await deleteDeltas([...freshIds, ...lingering]);
  await deleteSheets(existing.map((key) => current.get(key)!));
  await emptyHead(head.seq - 1);
  return { folded: fresh.length };
}

/**
 * Finishes steps whose process stopped after recording their delta but before changing the commission
 * (the figures count such a step already; this makes the commission show it, as opening it would). Run
 * once at start, when the deltas are few (folding keeps them so); a step another instance is taking right
 * now is finished twice with the same change, which is harmless.
 */
export async function finishInterruptedSteps(): Promise<number> {
  let finished = 0;
  for (const delta of await pendingDeltas()) {
    const commission = await Commission.findById(delta.commission, { version: 1 }).lean();
    if (commission?.version === delta.version - 1 && (await finishOpenSteps({ _id: delta.commission, version: commission.version }))) finished += 1;
  }
  return finished;
}

/**
 * Finishes interrupted steps once, in the background, then folds every few minutes so the deltas stay
 * few. Not more often: each fold leaves a (tiny) head behind for good, and every head lookup reads them.
 */
export function scheduleFigureFolding(logger: Logger, everyMs = 5 * 60_000): () => void {
  finishInterruptedSteps()
    .then((finished) => finished > 0 && logger.info({ finished }, 'finished commission steps interrupted by a stop'))
    .catch((error: unknown) => logger.warn({ err: error }, 'finishing interrupted commission steps failed'));
  return repeatEvery(everyMs, logger, 'folding report figures', () => foldPendingFigures(), ({ folded }) => folded > 0 && logger.debug({ folded }, 'folded report figures'));
}
