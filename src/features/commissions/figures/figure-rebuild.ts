import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import { Commission } from '../commission.model';
import { claimedFiguresChange } from '../commission-steps';
import { Feedback } from '../feedback/feedback.model';
import { contributionOf, type ContributingCommission, type ContributingFeedback } from './contribution';
import { FigureTable, rowsOf, sheetsOf } from './figure-table';
import {
  consumedAfter,
  deleteDeltas,
  deleteSheets,
  deleteSheetsNotIn,
  emptyHeadsBefore,
  insertHead,
  latestHead,
  pendingDeltas,
  rebuildIsFresh,
  recordFiguresChange,
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

/** A delta's id is its step's claim id, `<commission>:<version>`; its step brings the commission to version + 1. */
function stepOf(deltaId: string): { commission: Types.ObjectId; version: number } {
  const [commission, version] = deltaId.split(':');
  return { commission: new Types.ObjectId(commission), version: Number(version) + 1 };
}

/**
 * Recomputes every figure from the commissions and feedback (after a restore, a seed, or on demand) while
 * the app keeps running. Steps taken meanwhile are not lost. Each delta whose step the scan saw (the
 * commission had reached the step's version) is marked folded; every other stays pending, including one
 * folded before the rebuild began whose commission the scan read before the step landed (it is recorded
 * again from its step, since its fold may have deleted it).
 */
export async function rebuildFigures(now = new Date()): Promise<RebuildResult> {
  const marker = await placeRebuildMarker(now);
  if (!marker) return { rebuilt: false, reason: 'another rebuild is running' };
  const { sheets: tables, versions, commissions, feedback } = await figuresFromDatabase();
  const seen = (deltaId: string) => {
    const step = stepOf(deltaId);
    return (versions.get(step.commission.toString()) ?? -1) >= step.version;
  };
  const pending = await pendingDeltas();
  const inScan = pending.filter((delta) => seen(delta.id)).map((delta) => delta.id);
  const unseenFolded = [...marker.consumed.keys()].filter((id) => !seen(id));
  for (const id of unseenFolded) {
    const change = pending.find((delta) => delta.id === id)?.change ?? (await claimedFiguresChange(id));
    if (change) await recordFiguresChange(id, stepOf(id).commission, stepOf(id).version, change);
  }
  const stillFolded = new Map([...marker.consumed].filter(([id]) => !unseenFolded.includes(id)));

  const seq = marker.seq + 1;
  const sheets = await writeSheets(seq, tables);
  if (!(await insertHead(seq, { sheets, consumed: consumedAfter(stillFolded, inScan, now.getTime()) }))) {
    await deleteSheets([...sheets.values()]);
    return { rebuilt: false, reason: 'the figures moved on while rebuilding (the rebuild was taken to be abandoned); run it again' };
  }
  await deleteDeltas(inScan);
  await deleteSheetsNotIn(new Set(sheets.values()), seq);
  await emptyHeadsBefore(seq - 1);
  const kept = new Set([...pending.map((delta) => delta.id).filter((id) => !inScan.includes(id)), ...unseenFolded]);
  return { rebuilt: true, commissions, feedback, sheets: sheets.size, pendingKept: kept.size };
}

/** At start: builds the figures if there are none (a new or restored database, or an upgrade), saying so. */
export async function prepareFigures(say: (line: string) => void): Promise<void> {
  if (!(await latestHead())) say('Building the report figures from the commissions (new or restored database)...');
  await ensureFigures();
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
