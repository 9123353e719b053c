import { setTimeout as delay } from 'node:timers/promises';
import { Commission } from '../commissions/commission.model';
import { Feedback } from '../feedback/feedback.model';
import { contributionOf, type ContributingCommission, type ContributingFeedback } from './contribution';
import { FigureTable, rowsOf, sheetsOf } from './figure-table';
import {
  consumedAfter,
  deleteDeltas,
  deleteSheets,
  emptyHeadsBefore,
  insertHead,
  latestHead,
  pendingDeltas,
  rebuildIsFresh,
  SheetModel,
  writeSheets,
  type UsableHead,
} from './figure-store';

const BATCH = 5_000;
const POLL_MS = 250;

type ScannedCommission = ContributingCommission & { _id: unknown; version: number };
type ScannedFeedback = ContributingFeedback & { commission: unknown };

export type FiguresFromDatabase = { sheets: Map<string, FigureTable>; versions: Map<string, number>; commissions: number; feedback: number };

/**
 * Every sheet computed from scratch: commissions first, then feedback. In that order, a commission read
 * as evaluated has its feedback already stored (feedback is stored before the step), so the feedback
 * read that follows finds it. `versions` says which steps the figures include.
 */
export async function figuresFromDatabase(): Promise<FiguresFromDatabase> {
  const sheets = new Map<string, FigureTable>();
  const add = (commission: ScannedCommission, feedback?: ScannedFeedback) => {
    const contribution = contributionOf(commission, feedback);
    for (const row of rowsOf(contribution)) {
      for (const key of sheetsOf(row, contribution.school)) {
        const table = sheets.get(key) ?? new FigureTable();
        table.add(row);
        sheets.set(key, table);
      }
    }
  };
  const versions = new Map<string, number>();
  const evaluated = new Map<string, ScannedCommission>();
  const commissionFields = { school: 1, status: 1, termKey: 1, supportLevel: 1, providerType: 1, route: 1, funding: 1, days: 1, costPence: 1, categories: 1, version: 1 };
  for await (const commission of Commission.collection.find<ScannedCommission>({}, { projection: commissionFields, batchSize: BATCH })) {
    const id = String(commission._id);
    versions.set(id, commission.version);
    if (commission.status === 'evaluated') evaluated.set(id, commission);
    else add(commission);
  }
  let feedbackCount = 0;
  const feedbackFields = { commission: 1, termKey: 1, supportLevel: 1, listingName: 1, categories: 1, ratings: 1 };
  for await (const feedback of Feedback.collection.find<ScannedFeedback>({}, { projection: feedbackFields, batchSize: BATCH })) {
    const commission = evaluated.get(String(feedback.commission));
    if (!commission) continue;
    add(commission, feedback);
    evaluated.delete(String(feedback.commission));
    feedbackCount += 1;
  }
  for (const commission of evaluated.values()) add(commission);
  return { sheets, versions, commissions: versions.size, feedback: feedbackCount };
}

export type RebuildResult = { rebuilt: true; commissions: number; feedback: number; sheets: number; pendingKept: number } | { rebuilt: false; reason: string };

/**
 * Puts a rebuild marker on the chain: a head with the same figures as the newest (readers carry on)
 * that stops folds until the rebuild commits. Null if a rebuild that is not stale is already running.
 */
async function placeRebuildMarker(now: Date) {
  for (;;) {
    const head = await latestHead();
    if (head && rebuildIsFresh(head, now)) return null;
    const marker = { seq: (head?.seq ?? 0) + 1, sheets: head?.sheets ?? null, consumed: head?.consumed ?? new Map<string, number>(), rebuildingSince: now };
    if (await insertHead(marker.seq, marker)) return marker;
  }
}

/**
 * Recomputes every figure from the commissions and feedback (after a restore, a seed, or on demand) while
 * the app keeps running. Steps taken meanwhile are not lost: a delta whose step the scan already saw (the
 * commission's version had reached it) is marked folded; one it did not see stays pending.
 */
export async function rebuildFigures(now = new Date()): Promise<RebuildResult> {
  const marker = await placeRebuildMarker(now);
  if (!marker) return { rebuilt: false, reason: 'another rebuild is running' };
  const { sheets: tables, versions, commissions, feedback } = await figuresFromDatabase();
  const deltas = await pendingDeltas();
  const inScan = deltas.filter((delta) => (versions.get(delta.commission.toString()) ?? -1) >= delta.version).map((delta) => delta.id);

  const seq = marker.seq + 1;
  const sheets = await writeSheets(seq, tables);
  if (!(await insertHead(seq, { sheets, consumed: consumedAfter(marker.consumed, inScan) }))) {
    await deleteSheets([...sheets.values()]);
    return { rebuilt: false, reason: 'the figures moved on while rebuilding (the rebuild was taken to be abandoned); run it again' };
  }
  await deleteDeltas(inScan);
  await deleteOrphanSheets(seq, new Set(sheets.values()));
  await emptyHeadsBefore(seq - 1);
  return { rebuilt: true, commissions, feedback, sheets: sheets.size, pendingKept: deltas.length - inScan.length };
}

/** Sheets no head from `seq` on can refer to: the replaced ones, and any left by folds that lost or stopped. */
async function deleteOrphanSheets(seq: number, current: Set<string>): Promise<void> {
  const all = await SheetModel.find({ seq: { $lte: seq } }, { _id: 1 }).lean();
  await deleteSheets(all.map((sheet) => sheet._id).filter((id) => !current.has(id)));
}

/** The newest head with figures; rebuilds them first if there are none (a new or restored database). */
export async function ensureFigures(): Promise<UsableHead> {
  for (;;) {
    const head = await latestHead();
    if (head?.sheets) return head as UsableHead;
    if (head && rebuildIsFresh(head)) await delay(POLL_MS);
    else await rebuildFigures();
  }
}
