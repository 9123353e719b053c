import type { Types } from 'mongoose';
import { claimOnce, isClaimed } from '../../db/claims';
import { Commission, monthOf, type CommissionRecord } from './commission.model';

/** How far back the list looks at most: the longest a closed commission may be kept (RETENTION_CLOSED_COMMISSION_MONTHS). */
const MONTHS_LOOKED_BACK = 240;
/** Ids per update when months are marked: our FerretDB build answers `_id: { $in }` from the index up to 500. */
const IDS_PER_UPDATE = 500;

/** `count` months, newest first, starting `skip` months before the month of `now`: ['2026-12', '2026-11', …]. */
export function monthsBack(now: Date, skip: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - skip - i, 1))));
}

/**
 * The `limit` commissions made most recently, newest first, read month by month through the createdMonth
 * index: the last 3 months, then spans twice as long each time, until there are enough or 20 years are
 * covered. Whole months are read newest first, so nothing older can come before what was found.
 */
export async function mostRecentCommissions(limit: number, now = new Date()): Promise<CommissionRecord[]> {
  const found: CommissionRecord[] = [];
  for (let skip = 0, span = 3; found.length < limit && skip < MONTHS_LOOKED_BACK; skip += span, span *= 2) {
    const months = monthsBack(now, skip, Math.min(span, MONTHS_LOOKED_BACK - skip));
    found.push(...((await Commission.find({ createdMonth: { $in: months } }).lean()) as CommissionRecord[]));
  }
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
}

const MARKED = 'commissions:months-marked';

/**
 * A database written before commissions carried createdMonth: marks each with the month it was made, so
 * Traded Services' list finds it, then remembers that it did so later starts read nothing more.
 */
export async function markCommissionMonthsOnce(): Promise<void> {
  if (await isClaimed(MARKED)) return;
  const byMonth = new Map<string, Types.ObjectId[]>();
  for await (const commission of Commission.find({ createdMonth: { $exists: false } }, { createdAt: 1 }).lean().cursor()) {
    const month = monthOf((commission as { createdAt?: Date }).createdAt ?? commission._id.getTimestamp());
    byMonth.set(month, [...(byMonth.get(month) ?? []), commission._id]);
  }
  for (const [month, ids] of byMonth) {
    for (let start = 0; start < ids.length; start += IDS_PER_UPDATE) {
      await Commission.updateMany({ _id: { $in: ids.slice(start, start + IDS_PER_UPDATE) } }, { $set: { createdMonth: month } }, { timestamps: false });
    }
  }
  await claimOnce(MARKED, { permanent: true });
}
