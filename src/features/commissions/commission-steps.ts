import '../../db/mongoose-setup';
import { Schema, Types, model } from 'mongoose';
import type { FiguresChange } from '../reports/contribution';
import { recordFiguresChange } from '../reports/figure-store';
import { Commission } from './commission.model';

/**
 * How a commission changes status safely on FerretDB and MongoDB alike. A conditional
 * `findOneAndUpdate({ _id, status })` is not enough on FerretDB v1/SQLite, which reads and writes an
 * updated document outside a transaction (FerretDB issue #3040): two clicks at once can both "win".
 * Instead every commission carries a version, and a step first inserts its claim on that version,
 * `${commissionId}:${version}`: the database lets only one such insert succeed. The winner alone then
 * writes the change and the next version. The claim keeps the change, so if the process stopped between
 * the two writes, the next reader finishes it (rollForward).
 *
 * A step that changes the report figures carries that change too: it is recorded (under the claim's id)
 * after the claim and before the commission changes, so the figures never lack a step a commission shows.
 */
type StepChange = { set: Record<string, unknown>; unset: string[] };

const stepSchema = new Schema(
  {
    _id: { type: String, required: true },
    commission: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    change: { type: Schema.Types.Mixed, required: true },
    // JSON of the step's FiguresChange, when it has one.
    figures: { type: String },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

const CommissionStep = model('CommissionStep', stepSchema, 'commission_steps');

export const stepId = (commissionId: Types.ObjectId, version: number) => `${commissionId.toString()}:${version}`;

async function apply(commissionId: Types.ObjectId, version: number, change: StepChange, figures: FiguresChange | undefined): Promise<void> {
  if (figures) await recordFiguresChange(stepId(commissionId, version), commissionId, version + 1, figures);
  const update: Record<string, unknown> = { $set: { ...change.set, version: version + 1 } };
  if (change.unset.length) update.$unset = Object.fromEntries(change.unset.map((field) => [field, 1]));
  await Commission.updateOne({ _id: commissionId, version }, update);
}

/** Claims the step from `version` and applies it; false when another step claimed that version first. */
export async function takeStep(commissionId: Types.ObjectId, version: number, change: StepChange, figures?: FiguresChange): Promise<boolean> {
  try {
    await CommissionStep.create({ _id: stepId(commissionId, version), commission: commissionId, version, change, figures: figures && JSON.stringify(figures), at: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
  await apply(commissionId, version, change, figures);
  return true;
}

/** The figures change a claimed step recorded, if it had one (the rebuild asks, for a step it did not see). */
export async function claimedFiguresChange(stepId: string): Promise<FiguresChange | undefined> {
  const step = await CommissionStep.findById(stepId, { figures: 1 }).lean();
  return step?.figures ? (JSON.parse(step.figures) as FiguresChange) : undefined;
}

/**
 * Finishes a claimed step whose change was never written (the process stopped in between). True if a
 * step was claimed from `version` (the caller should read the commission again). The commission is
 * checked again first, so a caller that read it before the step landed does not record the step's
 * figures a second time after they were folded.
 */
export async function rollForward(commissionId: Types.ObjectId, version: number): Promise<boolean> {
  const step = await CommissionStep.findById(stepId(commissionId, version)).lean();
  if (!step) return false;
  if ((await Commission.findById(commissionId, { version: 1 }).lean())?.version !== version) return true;
  await apply(commissionId, version, step.change as StepChange, step.figures ? (JSON.parse(step.figures) as FiguresChange) : undefined);
  return true;
}

