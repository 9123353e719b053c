import '../../db/mongoose-setup';
import { Schema, model, type Model } from 'mongoose';

/**
 * Committed days per key, in two ledgers: a listing's capacity per capacity period, and a school's
 * LA-funded entitlement per academic year.
 *
 * Why not one conditional `$inc`: FerretDB v1 on SQLite applies an update by reading the document and
 * writing it back outside any transaction (FerretDB issue #3040), so two conditional `$inc`s at the same
 * moment can both match and one increment is lost; we measured it. What both FerretDB and MongoDB do
 * atomically is refuse a second document with the same `_id`. So each key's ledger is a chain of
 * entries numbered 1, 2, 3…: a change reads the latest entry and inserts the next number with the new
 * total. Of two changes racing from the same entry, only one insert succeeds; the other re-reads and
 * tries again against the new total, so the limit holds however many reservations race.
 */
type LedgerEntry = { _id: string; key: string; seq: number; committedDays: number; at: Date };
export type Ledger = Model<LedgerEntry>;

const ledgerSchema = new Schema<LedgerEntry>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    seq: { type: Number, required: true },
    committedDays: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
ledgerSchema.index({ key: 1, seq: -1 });

export const CapacityLedger: Ledger = model<LedgerEntry>('CapacityLedger', ledgerSchema, 'capacity_ledger');
export const EntitlementLedger: Ledger = model<LedgerEntry>('EntitlementLedger', ledgerSchema, 'entitlement_ledger');

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

/** Changes the key's total by `delta`; a positive change is refused (false) if the total would exceed `limit`. */
async function adjustDays(ledger: Ledger, key: string, delta: number, limit: number | null): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const latest = await latestEntry(ledger, key);
    const seq = (latest?.seq ?? 0) + 1;
    const total = (latest?.committedDays ?? 0) + delta;
    if (delta > 0 && limit !== null && total > limit) return false;
    try {
      await ledger.create({ _id: `${key}#${seq}`, key, seq, committedDays: Math.max(0, total), at: new Date() });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  throw new Error(`The ledger for ${key} is too busy; try again`);
}

/** Takes `days` if no more than `limit` would then be committed (no limit: always). True when taken. */
export function reserveDays(ledger: Ledger, key: string, days: number, limit: number | null): Promise<boolean> {
  return adjustDays(ledger, key, days, limit);
}

export async function releaseDays(ledger: Ledger, key: string, days: number): Promise<void> {
  if (days > 0) await adjustDays(ledger, key, -days, null);
}

export async function committedDays(ledger: Ledger, key: string): Promise<number> {
  return (await latestEntry(ledger, key))?.committedDays ?? 0;
}
