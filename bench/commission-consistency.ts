// Whether every commission is whole: its status agrees with its history (the audit trail the commission
// page shows), every step it took is recorded once, its feedback matches its status, and the day ledgers
// hold exactly the days the commissions say they hold. Read straight from the database.
import type { Db, Document, ObjectId } from 'mongodb';

type CommissionDoc = { _id: ObjectId; reference: string; status: string; version: number; capacityKey?: string; capacityDays?: number; entitlementKey?: string; entitlementDays?: number };
type AuditDoc = { _id: ObjectId; at: Date; action: string; subjectId: ObjectId; changes?: { status?: string; from?: string; to?: string } };

export type ConsistencyReport = { commissions: number; steps: number; historyEntries: number; ledgerKeys: number; feedback: number; problems: string[] };

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  return groups;
}

/** The history's story of one commission, checked against the commission. Empty when they agree. */
function historyProblems(commission: CommissionDoc, history: AuditDoc[], stepVersions: number[]): string[] {
  const label = `${commission.reference} (${commission.status}, version ${commission.version})`;
  const problems: string[] = [];
  const [created, ...steps] = [...history].sort((a, b) => a.at.getTime() - b.at.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()));
  if (!created || !['commission_requested', 'commission_brokered'].includes(created.action)) return [`${label}: its history does not start with the request`];
  let status = created.changes?.status;
  for (const step of steps) {
    if (step.changes?.from !== status) problems.push(`${label}: history step ${step.action} starts from ${step.changes?.from}, but the status was ${status}`);
    status = step.changes?.to;
  }
  if (status !== commission.status) problems.push(`${label}: its history ends at ${status}`);
  if (steps.length !== commission.version) problems.push(`${label}: ${steps.length} steps in its history`);
  const expected = Array.from({ length: commission.version }, (_, v) => v).join(',');
  if ([...stepVersions].sort((a, b) => a - b).join(',') !== expected) problems.push(`${label}: step records for versions [${stepVersions.join(',')}]`);
  return problems;
}

async function ledgerProblems(db: Db, collection: string, commissions: CommissionDoc[], field: 'capacity' | 'entitlement'): Promise<{ keys: number; problems: string[] }> {
  const held = new Map<string, number>();
  for (const commission of commissions) {
    const key = commission[`${field}Key`];
    if (key) held.set(key, (held.get(key) ?? 0) + (commission[`${field}Days`] ?? 0));
  }
  const latest = new Map<string, number>();
  for (const entry of await db.collection(collection).find({}).sort({ seq: 1 }).toArray()) latest.set(entry.key as string, entry.committedDays as number);
  const problems: string[] = [];
  for (const key of new Set([...held.keys(), ...latest.keys()])) {
    if ((latest.get(key) ?? 0) !== (held.get(key) ?? 0)) problems.push(`${collection} ${key}: the ledger holds ${latest.get(key) ?? 0} days, the commissions ${held.get(key) ?? 0}`);
  }
  return { keys: latest.size, problems };
}

/** The demo data's commissions are loaded with a history but without step records or ledgers: left out. */
const SEEDED = /^SUP-DEMO-/;

export async function checkCommissions(db: Db): Promise<ConsistencyReport> {
  const commissions = ((await db.collection('commissions').find({}).toArray()) as Document[] as CommissionDoc[]).filter((commission) => !SEEDED.test(commission.reference));
  const history = groupBy((await db.collection('auditentries').find({ subjectType: 'Commission' }).toArray()) as Document[] as AuditDoc[], (entry) => entry.subjectId.toHexString());
  const steps = await db.collection('commission_steps').find({}).toArray();
  const stepVersions = groupBy(steps, (step) => String(step.commission));
  const feedback = new Set((await db.collection('feedbacks').find({}, { projection: { commission: 1 } }).toArray()).map((entry) => String(entry.commission)));

  const problems: string[] = [];
  for (const commission of commissions) {
    const id = commission._id.toHexString();
    problems.push(...historyProblems(commission, history.get(id) ?? [], (stepVersions.get(id) ?? []).map((step) => step.version as number)));
    if ((commission.status === 'evaluated') !== feedback.has(id)) problems.push(`${commission.reference}: status ${commission.status} but ${feedback.has(id) ? 'has' : 'no'} feedback`);
  }
  const capacity = await ledgerProblems(db, 'capacity_ledger', commissions, 'capacity');
  const entitlement = await ledgerProblems(db, 'entitlement_ledger', commissions, 'entitlement');
  return {
    commissions: commissions.length,
    steps: steps.length,
    historyEntries: [...history.values()].reduce((sum, entries) => sum + entries.length, 0),
    ledgerKeys: capacity.keys + entitlement.keys,
    feedback: feedback.size,
    problems: [...problems, ...capacity.problems, ...entitlement.problems],
  };
}
