import '../../db/mongoose-setup';
import { Schema, Types, model } from 'mongoose';
import { recordAuditOnce, type AuditInput } from '../audit/audit.service';
import type { FiguresChange } from './figures/contribution';
import { recordFiguresChange } from './figures/figure-store';
import { sendNoticeOnce, type PlannedNotice } from '../notifications/notifications.service';
import { Commission } from './commission.model';
import { giveBackHold, LEDGERS, type LedgerName } from './day-ledgers';

/**
 * How a commission changes status safely on FerretDB and MongoDB alike, and never half-way.
 *
 * A conditional `findOneAndUpdate({ _id, status })` is not enough on FerretDB v1/SQLite, which reads and
 * writes an updated document outside a transaction (FerretDB issue #3040): two clicks at once can both
 * "win". Instead every commission carries a version, and a step first inserts its claim on that version,
 * `${commissionId}:${version}`: the database lets only one such insert succeed.
 *
 * Neither database writes several documents at once here (FerretDB has no transactions), so the claim
 * carries the whole step: the change to the commission, its entry in the commission's history, the
 * ledger holds it takes and the ones it gives back, and the notification. Writing each of those is
 * idempotent (ids fixed in the claim, holds named by id), so if the process stops part-way through a
 * step, whoever next opens the commission finishes it (finishOpenSteps), and finishing twice does each
 * thing once. A step is finished when its claim is marked so.
 *
 * A step that changes the report figures carries that change too: it is recorded (under the claim's id)
 * before the commission changes, so the figures never lack a step a commission shows.
 */
export type HoldRef = { ledger: LedgerName; key: string; id: string };

export type StepPlan = {
  change: { set: Record<string, unknown>; unset: string[] };
  history: AuditInput & { id: Types.ObjectId };
  /** Holds taken for this step before it was claimed (see actOnCommission). */
  holds: HoldRef[];
  /** Holds the commission gives back once the step has happened. */
  releases: HoldRef[];
  notice: PlannedNotice;
  figures?: FiguresChange;
};

/** As stored: the figures change as JSON (its keys may hold characters a document key may not). */
type StepRecord = Omit<StepPlan, 'figures'> & { _id: string; commission: Types.ObjectId; version: number; at: Date; finished?: boolean; figures?: string };

const stepSchema = new Schema(
  {
    _id: { type: String, required: true },
    commission: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    change: { type: Schema.Types.Mixed, required: true },
    history: { type: Schema.Types.Mixed, required: true },
    holds: { type: Schema.Types.Mixed, default: [] },
    releases: { type: Schema.Types.Mixed, default: [] },
    notice: { type: Schema.Types.Mixed, required: true },
    figures: { type: String },
    at: { type: Date, required: true },
    finished: { type: Boolean },
  },
  { versionKey: false },
);

const CommissionStep = model('CommissionStep', stepSchema, 'commission_steps');

export const stepId = (commissionId: Types.ObjectId, version: number) => `${commissionId.toString()}:${version}`;

/**
 * Does whatever of the step is not done yet; each part is idempotent. Parts that do not depend on each
 * other are written side by side (a step waits for the slowest, not for their sum): the history entry
 * with the figures, before the commission changes; the holds given back with the notification, after.
 * `justClaimed`: the step was claimed this moment, so the commission is still at its version.
 */
async function finish(step: StepRecord, justClaimed = false): Promise<void> {
  const { id, ...history } = step.history;
  await Promise.all([recordAuditOnce(id, step.at, history), recordFigures(step, justClaimed)]);
  const update: Record<string, unknown> = { $set: { ...step.change.set, version: step.version + 1 } };
  if (step.change.unset.length) update.$unset = Object.fromEntries(step.change.unset.map((field) => [field, 1]));
  await Commission.updateOne({ _id: step.commission, version: step.version }, update);
  await Promise.all([giveBack(step.releases ?? []), sendNoticeOnce(step.notice)]);
  await CommissionStep.updateOne({ _id: step._id }, { $set: { finished: true } });
}

/** The step's change to the report figures, only while the commission has not moved on: once it has, they may be folded and gone. */
async function recordFigures(step: StepRecord, justClaimed: boolean): Promise<void> {
  if (!step.figures) return;
  if (!justClaimed && (await Commission.findById(step.commission, { version: 1 }).lean())?.version !== step.version) return;
  await recordFiguresChange(step._id, step.commission, step.version + 1, JSON.parse(step.figures) as FiguresChange);
}

/** One at a time: two holds may be on the same ledger key, whose entries follow one another. */
async function giveBack(releases: readonly HoldRef[]): Promise<void> {
  for (const release of releases) await giveBackHold(LEDGERS[release.ledger], release.key, release.id);
}

/**
 * Claims the step from `version` and carries it out; false when another step claimed that version
 * first (its plan is then `winner`).
 */
export async function takeStep(commissionId: Types.ObjectId, version: number, plan: StepPlan): Promise<{ taken: true } | { taken: false; winner: Pick<StepPlan, 'holds'> | null }> {
  const step: StepRecord = { _id: stepId(commissionId, version), commission: commissionId, version, ...plan, figures: plan.figures && JSON.stringify(plan.figures), at: new Date() };
  try {
    await CommissionStep.create(step);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return { taken: false, winner: await CommissionStep.findById(step._id).lean<StepRecord>() };
  }
  await finish(step, true);
  return { taken: true };
}

/**
 * Finishes what the last steps left undone (the process stopped between their writes): the step claimed
 * from the current version, if any, and the one before it. True when the commission itself changed.
 */
export async function finishOpenSteps(commission: { _id: Types.ObjectId; version: number }): Promise<boolean> {
  const claimedId = stepId(commission._id, commission.version);
  const previousId = commission.version > 0 ? stepId(commission._id, commission.version - 1) : undefined;
  const steps = await CommissionStep.find({ _id: { $in: previousId ? [claimedId, previousId] : [claimedId] } }).lean<StepRecord[]>();
  const claimed = steps.find((step) => step._id === claimedId);
  const previous = steps.find((step) => step._id === previousId);
  if (previous && !previous.finished) await finish(previous);
  if (claimed) await finish(claimed);
  return Boolean(claimed);
}

/** The figures change a claimed step recorded, if it had one (the rebuild asks, for a step it did not see). */
export async function claimedFiguresChange(id: string): Promise<FiguresChange | undefined> {
  const step = await CommissionStep.findById(id, { figures: 1 }).lean<Pick<StepRecord, 'figures'>>();
  return step?.figures ? (JSON.parse(step.figures) as FiguresChange) : undefined;
}
