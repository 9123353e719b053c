import { Types, type Collection } from 'mongoose';
import type { Logger } from 'pino';
import type { RetentionPeriods } from '../../config';
import { claimOnce } from '../../db/claims';
import { repeatEvery } from '../../db/repeating-work';
import { NotAllowedError } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import type { SessionUser } from '../../web/identity';
import { User } from '../accounts/user.model';
import { AuditEntry } from '../audit/audit.model';
import { recordAudit } from '../audit/audit.service';
import { Commission } from '../commissions/commission.model';
import type { CommissionStatus } from '../commissions/commission-status';
import { Feedback, FeedbackEvidence } from '../commissions/feedback/feedback.model';
import { OutboxMessage } from '../mail/outbox.model';
import { Notification } from '../notifications/notification.model';
import { RetentionPurge } from './retention-purge.model';

/**
 * The retention schedule, enforced. Each kind of record finds what has passed its period (`due`); the
 * Retention page lists all of it (the dry run), each with the date it goes; the purge removes only what
 * has been listed for the notice period. One function finds both, so the dry run is exactly what the
 * purge would do on each date. Each purge is kept (retention_purges) and audited.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** What stands in for removed free text in a field the record must keep (a commission's need and objectives are required). */
export const REMOVED_TEXT = '[removed under the retention schedule]';
const CLOSED_STATUSES: readonly CommissionStatus[] = ['completed', 'evaluated', 'declined', 'not_approved', 'cancelled'];
const monthsBefore = (now: Date, months: number) => {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
};

type DueRecord = { id: Types.ObjectId; label: string; dueOn: Date };

type RetentionKind = {
  key: string;
  heading: string;
  rule: (periods: RetentionPeriods) => string;
  due(now: Date, periods: RetentionPeriods): Promise<DueRecord[]>;
  remove(ids: Types.ObjectId[]): Promise<void>;
};

/** Closed commissions past the period, by the date they closed (completion, or their last change for one declined or cancelled). */
async function closedCommissionsDue(now: Date, periods: RetentionPeriods) {
  const cutoff = monthsBefore(now, periods.closedCommissionMonths);
  const closed = await Commission.find(
    { status: { $in: CLOSED_STATUSES } },
    { reference: 1, completedAt: 1, updatedAt: 1, objectives: 1, need: 1, successCriteria: 1, statusReason: 1, 'proposal.note': 1 },
  ).lean();
  return closed
    .map((commission) => ({ commission, closedOn: commission.completedAt ?? commission.updatedAt }))
    .filter(({ closedOn }) => closedOn < cutoff)
    .map(({ commission, closedOn }) => ({ commission, dueOn: new Date(closedOn.getTime() + (now.getTime() - cutoff.getTime())) }));
}

/** Messages (notices, copies of emails) removed a number of months after they were sent. */
function sentMessagesKind(key: string, heading: string, what: string, collection: Collection): RetentionKind {
  return {
    key,
    heading,
    rule: (periods) => `${what}, ${periods.notificationMonths} months after they were sent.`,
    async due(now, periods) {
      const cutoff = monthsBefore(now, periods.notificationMonths);
      const old = await collection.find<{ _id: Types.ObjectId; subject: string; createdAt: Date }>({ createdAt: { $lt: cutoff } }, { projection: { subject: 1, createdAt: 1 } }).toArray();
      return old.map((row) => ({ id: row._id, label: `“${row.subject}”, sent ${formatDate(row.createdAt)}`, dueOn: new Date(row.createdAt.getTime() + (now.getTime() - cutoff.getTime())) }));
    },
    async remove(ids) {
      await collection.deleteMany({ _id: { $in: ids } });
    },
  };
}

export const RETENTION_KINDS: readonly RetentionKind[] = [
  {
    key: 'commissionText',
    heading: 'Free text of closed commissions',
    rule: (periods) => `The need (and the plan priority it served), objectives, success criteria, reasons and proposal note, ${periods.closedCommissionMonths} months after the commission closed. Dates, days, cost and the report figures stay.`,
    async due(now, periods) {
      return (await closedCommissionsDue(now, periods))
        .filter(({ commission }) => commission.objectives !== REMOVED_TEXT || commission.statusReason || commission.proposal?.note)
        .map(({ commission, dueOn }) => ({ id: commission._id, label: `Commission ${commission.reference}`, dueOn }));
    },
    async remove(ids) {
      await Commission.updateMany(
        { _id: { $in: ids } },
        // The plan priority's title is a copy of the school's words, like the need.
        { $set: { need: REMOVED_TEXT, objectives: REMOVED_TEXT, successCriteria: REMOVED_TEXT }, $unset: { statusReason: 1, 'proposal.note': 1, planPriorityTitle: 1 } },
      );
    },
  },
  {
    key: 'feedbackEvidence',
    heading: 'Feedback text and evidence of closed commissions',
    rule: (periods) => `“What changed” and the evidence document, ${periods.closedCommissionMonths} months after the commission closed. The ratings stay.`,
    async due(now, periods) {
      const closed = await closedCommissionsDue(now, periods);
      const dueOn = new Map(closed.map(({ commission, dueOn }) => [commission._id.toString(), { dueOn, reference: commission.reference }]));
      if (dueOn.size === 0) return [];
      const feedback = await Feedback.find({ commission: { $in: closed.map(({ commission }) => commission._id) } }, { commission: 1, whatChanged: 1, evidence: 1 }).lean();
      return feedback
        .filter((row) => row.whatChanged !== REMOVED_TEXT || row.evidence)
        .map((row) => {
          const of = dueOn.get(row.commission.toString())!;
          return { id: row._id, label: `Feedback on commission ${of.reference}${row.evidence ? ', with an evidence file' : ''}`, dueOn: of.dueOn };
        });
    },
    async remove(ids) {
      const evidence = (await Feedback.find({ _id: { $in: ids } }, { evidence: 1 }).lean()).map((row) => row.evidence).filter(Boolean);
      await Feedback.updateMany({ _id: { $in: ids } }, { $set: { whatChanged: REMOVED_TEXT }, $unset: { evidence: 1 } });
      if (evidence.length > 0) await FeedbackEvidence.deleteMany({ _id: { $in: evidence } });
    },
  },
  sentMessagesKind('notifications', 'Notifications', 'In-service notices', Notification.collection),
  sentMessagesKind('emails', 'Emails in the outbox', 'Copies of emails kept in the service', OutboxMessage.collection),
  {
    key: 'erasedUserTraces',
    heading: 'Network addresses and browsers of erased users',
    rule: () => 'The network address and browser name on the security events of a user whose personal data was erased, as soon as the notice period has passed. The events themselves stay in the audit trail.',
    async due() {
      const erased = await User.find({ erasedAt: { $exists: true } }, { name: 1, erasedAt: 1 }).lean();
      if (erased.length === 0) return [];
      const erasedOn = new Map(erased.map((user) => [user._id.toString(), user]));
      const traces = await AuditEntry.find({ subjectType: 'User', subjectId: { $in: erased.map((user) => user._id) }, ip: { $exists: true } }, { subjectId: 1 }).lean();
      return traces.map((entry) => {
        const user = erasedOn.get(entry.subjectId.toString())!;
        return { id: entry._id, label: `A security event of ${user.name}`, dueOn: user.erasedAt! };
      });
    },
    async remove(ids) {
      await AuditEntry.updateMany({ _id: { $in: ids } }, { $unset: { ip: 1, userAgent: 1 } });
    },
  },
];

/** The date a due record is removed: once it has been on the dry run for the notice period. */
const removalDate = (record: DueRecord, periods: RetentionPeriods) => new Date(record.dueOn.getTime() + periods.noticeDays * DAY_MS);

const SHOWN_PER_KIND = 20;

export function canManageRetention(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** The dry run: for each kind, what the purges would remove and when, the soonest first; and the last purges. */
export async function retentionPage(actor: SessionUser, periods: RetentionPeriods, now = new Date()) {
  if (!canManageRetention(actor)) throw new NotAllowedError();
  const kinds = [];
  for (const kind of RETENTION_KINDS) {
    const due = (await kind.due(now, periods)).map((record) => ({ ...record, removeOn: removalDate(record, periods) }));
    due.sort((a, b) => a.removeOn.getTime() - b.removeOn.getTime());
    kinds.push({
      key: kind.key,
      heading: kind.heading,
      rule: kind.rule(periods),
      nextPurge: due.filter((record) => record.removeOn <= now).length,
      listed: due.length,
      shown: due.slice(0, SHOWN_PER_KIND).map((record) => ({ label: record.label, removeOn: record.removeOn <= now ? 'At the next purge' : formatDate(record.removeOn) })),
    });
  }
  const purges = await RetentionPurge.find().sort({ at: -1 }).limit(5).lean();
  const headings = new Map(RETENTION_KINDS.map((kind) => [kind.key, kind.heading.toLowerCase()]));
  const describe = (removed: Record<string, number>) =>
    Object.entries(removed)
      .map(([key, count]) => `${count} × ${headings.get(key) ?? key}`)
      .join('; ');
  return { kinds, noticeDays: periods.noticeDays, purges: purges.map((purge) => ({ at: formatDateTime(purge.at), removed: describe(purge.removed as Record<string, number>) })) };
}

/**
 * Removes what has been on the dry run for the notice period; one instance at a time (claimed per hour).
 * Returns how many records it changed; a purge that removed something is kept and audited.
 */
export async function runRetentionPurge(periods: RetentionPeriods, now = new Date()): Promise<number> {
  if (!(await claimOnce(`retention-purge:${Math.floor(now.getTime() / (60 * 60_000))}`))) return 0;
  const removed: Record<string, number> = {};
  const labels: Record<string, string[]> = {};
  for (const kind of RETENTION_KINDS) {
    const going = (await kind.due(now, periods)).filter((record) => removalDate(record, periods) <= now);
    if (going.length === 0) continue;
    await kind.remove(going.map((record) => record.id));
    removed[kind.key] = going.length;
    labels[kind.key] = going.slice(0, SHOWN_PER_KIND).map((record) => record.label);
  }
  const total = Object.values(removed).reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  const purge = await RetentionPurge.create({ at: now, removed });
  await recordAudit({ actor: undefined, action: 'retention_purge', subjectType: 'RetentionPurge', subjectId: purge._id, changes: { removed, labels } });
  return total;
}

/** The purge, every six hours (a record goes within six hours of its removal date). */
export function scheduleRetentionPurge(periods: RetentionPeriods, logger: Logger, everyMs = 6 * 60 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'the retention purge', () => runRetentionPurge(periods), (count) => count > 0 && logger.info({ count }, 'removed records under the retention schedule'));
}
