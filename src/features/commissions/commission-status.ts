/**
 * The commission state machine, as data: every status, every action, which statuses each action may
 * start from, where it may lead, and which party takes it. The service applies an action as one
 * conditional update `{ _id, status: { $in: from } }`, so two people acting at once cannot both win.
 */
export const COMMISSION_STATUSES = [
  'awaiting_la',
  'awaiting_school',
  'awaiting_approval',
  'requested',
  'change_proposed',
  'accepted',
  'in_progress',
  'delivered',
  'completed',
  'evaluated',
  'declined',
  'not_approved',
  'cancelled',
] as const;
export type CommissionStatus = (typeof COMMISSION_STATUSES)[number];

export const STATUS_LABELS: Record<CommissionStatus, string> = {
  awaiting_la: 'Waiting for the LA to arrange',
  awaiting_school: 'Waiting for the school to confirm',
  awaiting_approval: 'Waiting for Traded Services to approve',
  requested: 'Requested',
  change_proposed: 'Change proposed',
  accepted: 'Accepted',
  in_progress: 'In progress',
  delivered: 'Delivered',
  completed: 'Completed',
  evaluated: 'Evaluated',
  declined: 'Declined',
  not_approved: 'Not approved',
  cancelled: 'Cancelled',
};

export const STATUS_TAG_COLOURS: Record<CommissionStatus, string> = {
  awaiting_la: 'yellow',
  awaiting_school: 'yellow',
  awaiting_approval: 'yellow',
  requested: 'blue',
  change_proposed: 'yellow',
  accepted: 'turquoise',
  in_progress: 'turquoise',
  delivered: 'purple',
  completed: 'green',
  evaluated: 'green',
  declined: 'red',
  not_approved: 'red',
  cancelled: 'grey',
};

/** Who can take a step: the school, the provider (a listing owner), whoever brokered it, or Traded Services. */
export type Party = 'school' | 'provider' | 'broker' | 'traded_services';

type ActionRule = { from: readonly CommissionStatus[]; to: readonly CommissionStatus[]; by: readonly Party[]; needsReason?: boolean };

export const ACTIONS = {
  // A school asked for support the LA deploys (seed 001: ASTs and lead professionals): Traded Services arrange it.
  arrange: { from: ['awaiting_la'], to: ['requested', 'awaiting_approval'], by: ['traded_services'] },
  confirm: { from: ['awaiting_school'], to: ['requested', 'awaiting_approval'], by: ['school'] },
  approve: { from: ['awaiting_approval'], to: ['requested'], by: ['traded_services'], needsReason: true },
  refuse: { from: ['awaiting_la', 'awaiting_approval'], to: ['not_approved'], by: ['traded_services'], needsReason: true },
  accept: { from: ['requested'], to: ['accepted'], by: ['provider'] },
  decline: { from: ['requested'], to: ['declined'], by: ['provider'], needsReason: true },
  propose_change: { from: ['requested'], to: ['change_proposed'], by: ['provider'] },
  accept_change: { from: ['change_proposed'], to: ['accepted'], by: ['school'] },
  reject_change: { from: ['change_proposed'], to: ['requested'], by: ['school'] },
  start: { from: ['accepted'], to: ['in_progress'], by: ['provider'] },
  mark_delivered: { from: ['accepted', 'in_progress'], to: ['delivered'], by: ['provider'] },
  confirm_completion: { from: ['delivered'], to: ['completed'], by: ['school'] },
  record_feedback: { from: ['completed'], to: ['evaluated'], by: ['school'] },
  cancel: {
    from: ['awaiting_la', 'awaiting_school', 'awaiting_approval', 'requested', 'change_proposed', 'accepted', 'in_progress', 'delivered'],
    to: ['cancelled'],
    by: ['school', 'provider', 'broker', 'traded_services'],
    needsReason: true,
  },
} as const satisfies Record<string, ActionRule>;
export type CommissionAction = keyof typeof ACTIONS;

export const ACTION_LABELS: Record<CommissionAction, string> = {
  arrange: 'Arranged by the LA',
  confirm: 'Confirmed by the school',
  approve: 'Approved beyond entitlement',
  refuse: 'Not approved',
  accept: 'Accepted',
  decline: 'Declined',
  propose_change: 'Change proposed',
  accept_change: 'Proposed change accepted',
  reject_change: 'Proposed change turned down',
  start: 'Work started',
  mark_delivered: 'Marked as delivered',
  confirm_completion: 'Completion confirmed',
  record_feedback: 'Impact feedback given',
  cancel: 'Cancelled',
};

export function canTakeAction(action: CommissionAction, status: CommissionStatus, parties: readonly Party[]): boolean {
  const rule: ActionRule = ACTIONS[action];
  return rule.from.includes(status) && rule.by.some((party) => parties.includes(party));
}

/** The actions these parties can take now, in the order the page offers them. */
export function availableActions(status: CommissionStatus, parties: readonly Party[]): CommissionAction[] {
  return (Object.keys(ACTIONS) as CommissionAction[]).filter((action) => canTakeAction(action, status, parties));
}

/** Whose turn it is: the party a commission in this status is waiting for, if any. */
export const WAITING_FOR: Partial<Record<CommissionStatus, Party>> = {
  awaiting_la: 'traded_services',
  awaiting_school: 'school',
  awaiting_approval: 'traded_services',
  requested: 'provider',
  change_proposed: 'school',
  accepted: 'provider',
  in_progress: 'provider',
  delivered: 'school',
  completed: 'school',
};

/** Statuses in which the days are agreed: they count in reports and against capacity. */
export const AGREED_STATUSES: readonly CommissionStatus[] = ['accepted', 'in_progress', 'delivered', 'completed', 'evaluated'];

export const ACTIVE_STATUSES: readonly CommissionStatus[] = ACTIONS.cancel.from;
