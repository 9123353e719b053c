import '../../db/mongoose-setup';
import { Schema, model, type Model, type Types } from 'mongoose';
import { scalarIndex } from '../../db/scalar-index';

/**
 * Committed days per key, in two ledgers: a listing's capacity per capacity period, and a school's
 * LA-funded entitlement per academic year.
 *
 * Why not one conditional `$inc`: FerretDB v1 on SQLite applies an update by reading the document and
 * writing it back outside any transaction (FerretDB issue #3040), so two conditional `$inc`s at the same
 * moment can both match and one increment is lost; we measured it. What both FerretDB and MongoDB do
 * atomically is refuse a second document with the same `_id`. So each key's ledger is a chain of
 * entries numbered 1, 2, 3…: a change reads the latest entry and inserts the next number. Of two changes
 * racing from the same entry, only one insert succeeds; the other re-reads and tries again against the
 * new entry, so the limit holds however many reservations race.
 *
 * Each entry lists the holds that make up its total: an id naming the commission step a hold was taken
 * for, the commission, the days and when. So taking a hold that is already there, or giving back one
 * that is not, changes nothing: a step interrupted half-way (the process died) can be finished later by
 * anyone without counting days twice, and days held for a step that never happened can be found and
 * given back (releaseAbandonedHolds in commission-steps.ts).
 */
export type Hold = { id: string; commission: Types.ObjectId; days: number; at: Date };
type LedgerEntry = { _id: string; key: string; seq: number; committedDays: number; holds: Hold[]; at: Date };
export type Ledger = Model<LedgerEntry>;

const holdSchema = new Schema<Hold>(
  {
    id: { type: String, required: true },
    commission: { type: Schema.Types.ObjectId, required: true },
    days: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const ledgerSchema = new Schema<LedgerEntry>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    seq: { type: Number, required: true },
    committedDays: { type: Number, required: true },
    holds: { type: [holdSchema], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
ledgerSchema.index(...scalarIndex({ key: 1, seq: -1 }));

export const CapacityLedger: Ledger = model<LedgerEntry>('CapacityLedger', ledgerSchema, 'capacity_ledger');
export const EntitlementLedger: Ledger = model<LedgerEntry>('EntitlementLedger', ledgerSchema, 'entitlement_ledger');
export const LEDGERS = { capacity: CapacityLedger, entitlement: EntitlementLedger } as const;
export type LedgerName = keyof typeof LEDGERS;

export function capacityKey(listingId: string, period: string): string {
  return `${listingId}:${period}`;
}

export function entitlementKey(schoolId: string, academicYear: string): string {
  return `${schoolId}:${academicYear}`;
}

const MAX_ATTEMPTS = 200;

async function latestEntry(ledger: Ledger, key: string) {
  return ledger.findOne({ key }).sort({ seq: -1 }).lean();
}

const total = (holds: readonly Hold[]) => holds.reduce((sum, hold) => sum + hold.days, 0);

/**
 * Appends the key's next entry with the holds `change` makes of the current ones; `change` returns null
 * when there is nothing to write (or refuses, which the caller reads from its own result).
 */
async function changeHolds(ledger: Ledger, key: string, change: (holds: Hold[]) => Hold[] | null): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const latest = await latestEntry(ledger, key);
    const holds = change(latest?.holds ?? []);
    if (!holds) return;
    const seq = (latest?.seq ?? 0) + 1;
    try {
      await ledger.create({ _id: `${key}#${seq}`, key, seq, committedDays: total(holds), holds, at: new Date() });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  throw new Error(`The ledger for ${key} is too busy; try again`);
}

/**
 * Holds `days` under `id` if no more than `limit` would then be committed (no limit: always): 'added',
 * 'already' when a hold with this id was there (taken by an identical request racing this one, or by one
 * that was interrupted), or 'refused'.
 */
export async function takeHold(ledger: Ledger, key: string, hold: Omit<Hold, 'at'>, limit: number | null): Promise<'added' | 'already' | 'refused'> {
  let outcome: 'added' | 'already' | 'refused' = 'refused';
  await changeHolds(ledger, key, (holds) => {
    if (holds.some((existing) => existing.id === hold.id)) {
      outcome = 'already';
      return null;
    }
    if (limit !== null && total(holds) + hold.days > limit) {
      outcome = 'refused';
      return null;
    }
    outcome = 'added';
    return [...holds, { ...hold, at: new Date() }];
  });
  return outcome;
}

/** Gives back the hold with this id, if the key has it. */
export async function giveBackHold(ledger: Ledger, key: string, id: string): Promise<void> {
  await changeHolds(ledger, key, (holds) => (holds.some((hold) => hold.id === id) ? holds.filter((hold) => hold.id !== id) : null));
}

export async function committedDays(ledger: Ledger, key: string): Promise<number> {
  return (await latestEntry(ledger, key))?.committedDays ?? 0;
}

/** Every key's current holds (its latest entry), for finding abandoned ones. Reads the whole ledger. */
export async function currentHolds(ledger: Ledger): Promise<{ key: string; holds: Hold[] }[]> {
  const latest = new Map<string, { seq: number; holds: Hold[] }>();
  for await (const entry of ledger.find({}, { key: 1, seq: 1, holds: 1 }).lean()) {
    if ((latest.get(entry.key)?.seq ?? 0) < entry.seq) latest.set(entry.key, { seq: entry.seq, holds: entry.holds ?? [] });
  }
  return [...latest.entries()].map(([key, { holds }]) => ({ key, holds }));
}
