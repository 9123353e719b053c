import { claimOnce, isClaimed } from '../../db/claims';
import { Commission, createdAtKeyOf, SUMMARY_FIELDS, type CommissionSummaryFields } from './commission.model';

/** Updates per round trip when older commissions are marked. */
const UPDATES_PER_WRITE = 500;

/**
 * The `limit` commissions made most recently, newest first, as a list row shows them, through the
 * createdAtKey index: our FerretDB build reads just those from SQLite (a sort by createdAt would read
 * every commission ever made).
 */
export async function mostRecentCommissions(limit: number): Promise<CommissionSummaryFields[]> {
  return Commission.find({}, SUMMARY_FIELDS).sort({ createdAtKey: -1 }).limit(limit).lean<CommissionSummaryFields[]>();
}

const MARKED = 'commissions:created-keys-marked';

/**
 * A database written before commissions carried createdAtKey: gives each the key of when it was made, so
 * Traded Services' list finds it in order, then remembers that it did so later starts read nothing more.
 */
export async function markCommissionCreatedKeysOnce(): Promise<void> {
  if (await isClaimed(MARKED)) return;
  let updates: Parameters<typeof Commission.bulkWrite>[0] = [];
  const write = async () => {
    if (updates.length) await Commission.bulkWrite(updates, { ordered: false, timestamps: false });
    updates = [];
  };
  for await (const commission of Commission.find({ createdAtKey: { $exists: false } }, { createdAt: 1 }).lean().cursor()) {
    const key = createdAtKeyOf((commission as { createdAt?: Date }).createdAt ?? commission._id.getTimestamp());
    updates.push({ updateOne: { filter: { _id: commission._id }, update: { $set: { createdAtKey: key } }, timestamps: false } });
    if (updates.length === UPDATES_PER_WRITE) await write();
  }
  await write();
  await claimOnce(MARKED, { permanent: true });
}
