import { termFromKey } from '../../lib/academic-calendar';
import { formatDay, formatMoment, formatPence, plural } from '../../lib/format';
import type { SessionUser } from '../accounts/accounts.service';
import { auditTrailFor } from '../audit/audit.service';
import { PROVIDER_TYPE_LABELS, type ProviderType } from '../listings/listing.model';
import { resolveTerms } from '../taxonomy/taxonomy.service';
import { FUNDING_LABELS, ROUTE_LABELS, type CommissionRecord, type CommissionRoute, type FundingSource } from './commission.model';
import { canSeeSupportLevel, partiesOf } from './commission-access';
import {
  ACTION_LABELS,
  ACTIONS,
  availableActions,
  STATUS_LABELS,
  STATUS_TAG_COLOURS,
  type CommissionAction,
  type CommissionStatus,
} from './commission-status';

/** A commission as a list row: the few facts a list shows. */
export function commissionSummary(commission: CommissionRecord) {
  const status = commission.status as CommissionStatus;
  return {
    id: commission._id.toString(),
    reference: commission.reference,
    schoolName: commission.schoolName,
    listingName: commission.listingName,
    days: commission.days,
    startOn: formatDay(commission.startOn),
    status: { text: STATUS_LABELS[status], colour: STATUS_TAG_COLOURS[status] },
  };
}
export type CommissionSummary = ReturnType<typeof commissionSummary>;

const ACTION_BUTTONS: Partial<Record<CommissionAction, string>> = {
  confirm: 'Confirm this support',
  accept: 'Accept',
  accept_change: 'Accept the change',
  reject_change: 'Turn the change down',
  start: 'Mark as started',
  mark_delivered: 'Mark as delivered',
  confirm_completion: 'Confirm the support is complete',
};

/** Steps that need something typed (a reason or a proposal) have a page of their own. */
export const ACTIONS_WITH_FORMS: readonly CommissionAction[] = ['approve', 'refuse', 'decline', 'propose_change', 'cancel'];

const LINK_TEXT: Partial<Record<CommissionAction, string>> = {
  approve: 'Approve beyond entitlement',
  refuse: 'Do not approve',
  decline: 'Decline',
  propose_change: 'Propose different days or dates',
  cancel: 'Cancel this commission',
};

/** Everything the commission page shows this user, and the steps they can take now. */
export async function commissionPage(user: SessionUser, commission: CommissionRecord) {
  const status = commission.status as CommissionStatus;
  const actions = availableActions(status, await partiesOf(user, commission)).filter((action) => action !== 'record_feedback');
  const [categories, trail] = await Promise.all([resolveTerms('category', commission.categories), auditTrailFor('Commission', commission._id)]);
  return {
    ...commissionSummary(commission),
    providerType: PROVIDER_TYPE_LABELS[commission.providerType as ProviderType] ?? commission.providerType,
    route: ROUTE_LABELS[commission.route as CommissionRoute],
    funding: FUNDING_LABELS[commission.funding as FundingSource],
    supportLevel: canSeeSupportLevel(user) ? (commission.supportLevel ?? 'Not recorded') : undefined,
    need: commission.need,
    categories: categories.map((term) => term.label),
    objectives: commission.objectives,
    successCriteria: commission.successCriteria,
    daysText: plural(commission.days, 'day'),
    term: termFromKey(commission.termKey)?.label ?? '',
    rate: commission.dailyRatePence ? `${formatPence(commission.dailyRatePence)} a day` : 'Funded by the LA',
    cost: formatPence(commission.costPence),
    statusReason: ['declined', 'cancelled', 'not_approved'].includes(status) ? commission.statusReason : undefined,
    proposal:
      status === 'change_proposed' && commission.proposal?.days && commission.proposal.startOn
        ? { days: plural(commission.proposal.days, 'day'), startOn: formatDay(commission.proposal.startOn), note: commission.proposal.note ?? '' }
        : undefined,
    buttons: actions.filter((action) => ACTION_BUTTONS[action]).map((action) => ({ action, text: ACTION_BUTTONS[action]! })),
    links: actions.filter((action) => ACTIONS_WITH_FORMS.includes(action)).map((action) => ({ action, text: LINK_TEXT[action]! })),
    canGiveFeedback: status === 'completed' && actions.length >= 0 && user.role === 'school',
    history: trail.map((entry) => ({
      at: formatMoment(entry.at),
      who: (entry.actor as unknown as { name?: string } | null)?.name ?? 'Someone no longer registered',
      what: actionLabelFromAudit(entry.action),
      reason: entry.reason ?? '',
    })),
  };
}

function actionLabelFromAudit(auditAction: string): string {
  if (auditAction === 'commission_requested') return 'Support requested';
  if (auditAction === 'commission_brokered') return 'Support arranged on the school’s behalf';
  const action = auditAction.replace(/^commission_/, '') as CommissionAction;
  return action in ACTIONS ? ACTION_LABELS[action] : auditAction;
}
