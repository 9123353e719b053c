import { scheduleWork } from '../../db/maintenance';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { Commission, type CommissionRecord } from './commission.model';
import { finishOpenSteps } from './commission-steps';
import { currentHolds, giveBackHold, LEDGERS, type LedgerName } from './day-ledgers';

/** Longer than any request takes, so a hold taken by a request still running is never mistaken for abandoned. */
export const ABANDONED_AFTER_MS = 2 * 60_000;

/** Whether the commission (with any step it left unfinished now finished) records this hold as its own. */
async function heldBy(commissionId: Types.ObjectId, ledger: LedgerName, key: string, holdId: string): Promise<boolean> {
  let commission = (await Commission.findById(commissionId).lean()) as CommissionRecord | null;
  if (!commission) return false;
  if (await finishOpenSteps(commission)) commission = (await Commission.findById(commissionId).lean()) as CommissionRecord;
  return commission[`${ledger}Key`] === key && commission[`${ledger}Hold`] === holdId && (commission[`${ledger}Days`] ?? 0) > 0;
}

/**
 * Gives back days held for a step that never happened: a request took the hold and then stopped (the
 * process died) before claiming its step or creating its commission. A hold that no commission records,
 * and older than any request, is one of those. Returns how many were given back.
 */
export async function releaseAbandonedHolds(olderThanMs = ABANDONED_AFTER_MS, now = new Date()): Promise<number> {
  let released = 0;
  for (const ledger of Object.keys(LEDGERS) as LedgerName[]) {
    for (const { key, holds } of await currentHolds(LEDGERS[ledger])) {
      for (const hold of holds) {
        if (now.getTime() - hold.at.getTime() < olderThanMs || (await heldBy(hold.commission, ledger, key, hold.id))) continue;
        await giveBackHold(LEDGERS[ledger], key, hold.id);
        released++;
      }
    }
  }
  return released;
}

export function scheduleAbandonedHoldRelease(logger: Logger, everyMs = 10 * 60_000): () => void {
  const run = () => releaseAbandonedHolds();
  return scheduleWork(logger, { run, did: 'gave back days held by requests that did not finish', failed: 'giving back abandoned holds failed', level: 'warn' }, everyMs);
}
