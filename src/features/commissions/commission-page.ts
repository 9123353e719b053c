import { termFromKey } from '../../lib/academic-calendar';
import { formatDate, formatDateTime, formatPounds, plural } from '../../lib/format';
import type { SessionUser } from '../../web/identity';
import { auditTrailFor } from '../audit/audit.service';
import { PROVIDER_TYPE_LABELS, type ProviderType } from '../listings/listing-vocabulary';
import { openSchoolChoices, schoolChoicesAmong, schoolIdAndName } from '../schools/schools.service';
import { activeTerms, resolveTerms } from '../taxonomy/taxonomy.service';
import type { CommissionRequestForm } from './commissions.schemas';
import { costInPence, priorityOfRequest, type commissionableListing, type CommissionsWaiting } from './commissions.service';
import { priorityStartingPoints, type PriorityForRequest } from '../plans/plan-reads';
import { paths } from '../../paths';
import { recentNotificationsFor } from '../notifications/notifications.service';
import { schoolsInSipCaseload } from '../schools/sip-caseload';
import type { CommissionRecord, CommissionSummaryFields } from './commission.model';
import { FUNDING_LABELS, ROUTE_LABELS, type CommissionRoute, type FundingSource } from './commission-vocabulary';
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

type ListingForRequest = Awaited<ReturnType<typeof commissionableListing>>;

/** A commission as a list row: the few facts a list shows. */
export function commissionSummary(commission: CommissionSummaryFields) {
  const status = commission.status as CommissionStatus;
  return {
    id: commission._id.toString(),
    reference: commission.reference,
    schoolName: commission.schoolName,
    listingName: commission.listingName,
    days: commission.days,
    startOn: formatDate(commission.startOn),
    status: { text: STATUS_LABELS[status], colour: STATUS_TAG_COLOURS[status] },
  };
}
export type CommissionSummary = ReturnType<typeof commissionSummary>;

const ACTION_BUTTONS: Partial<Record<CommissionAction, string>> = {
  arrange: 'Arrange this support with the provider',
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
    planPriority: commission.planPriorityTitle ?? undefined,
    categories: categories.map((term) => term.label),
    objectives: commission.objectives,
    successCriteria: commission.successCriteria,
    daysText: plural(commission.days, 'day'),
    term: termFromKey(commission.termKey)?.label ?? '',
    rate: commission.dailyRatePence ? `${formatPounds(commission.dailyRatePence)} a day` : 'Funded by the LA',
    cost: formatPounds(commission.costPence),
    statusReason: ['declined', 'cancelled', 'not_approved'].includes(status) ? commission.statusReason : undefined,
    proposal:
      status === 'change_proposed' && commission.proposal?.days && commission.proposal.startOn
        ? { days: plural(commission.proposal.days, 'day'), startOn: formatDate(commission.proposal.startOn), note: commission.proposal.note ?? '' }
        : undefined,
    buttons: actions.filter((action) => ACTION_BUTTONS[action]).map((action) => ({ action, text: ACTION_BUTTONS[action]! })),
    links: actions
      .filter((action) => ACTIONS_WITH_FORMS.includes(action))
      .map((action) => ({ action, text: action === 'refuse' && status === 'awaiting_la' ? 'Do not arrange' : LINK_TEXT[action]! })),
    canGiveFeedback: status === 'completed' && user.role === 'school',
    history: trail.map((entry) => ({
      at: formatDateTime(entry.at),
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

/**
 * What the request form shows: the listing, the areas it can address, for brokers the schools they may
 * choose, and either the plan priority the request is against or the priorities it could start from.
 */
export async function requestFormContext(user: SessionUser, listing: ListingForRequest, priority?: PriorityForRequest) {
  // A listing that records no expertise (older records may lack the field) can be asked about anything.
  const recorded = listing.expertise ?? [];
  const expertise = recorded.length ? await resolveTerms('category', recorded) : await activeTerms('category');
  const schools = user.role === 'school' ? [] : await schoolChoicesFor(user);
  const startingPoints = priority ? [] : await priorityStartingPoints(user);
  return {
    priority,
    startingPoints: startingPoints.map((plan) => ({
      schoolName: plan.schoolName,
      priorities: plan.priorities.map((candidate) => ({ title: candidate.title, href: paths.commissions.newForPriority(listing._id.toString(), plan.planId, candidate.id) })),
    })),
    listing: {
      id: listing._id.toString(),
      name: listing.name,
      providerType: PROVIDER_TYPE_LABELS[listing.providerType],
      rate: listing.fundedByLa ? 'Funded by the LA' : `${formatPounds(listing.dailyRatePence ?? 0)} a day`,
      fundedByLa: listing.fundedByLa,
      arrangedByLa: !!listing.arrangedByLa,
    },
    categoryChoices: expertise.map((term) => ({ value: term.slug, text: term.label })),
    schoolChoices: schools.map((school) => ({ value: school.id, text: `${school.name} (URN ${school.urn})` })),
  };
}

/** Answers the request form did not offer (an area the listing does not cover, a school outside the broker's reach), by field. */
export async function requestChoiceProblems(user: SessionUser, listing: ListingForRequest, form: CommissionRequestForm): Promise<Record<string, string>> {
  const priority = await priorityOfRequest(user, form);
  const { categoryChoices, schoolChoices } = await requestFormContext(user, listing, priority);
  const problems: Record<string, string> = {};
  if (!form.categories.every((category) => categoryChoices.some((choice) => choice.value === category))) problems.categories = 'Select areas from the list';
  if (user.role !== 'school' && !schoolChoices.some((choice) => choice.value === form.school)) problems.school = 'Select the school the support is for';
  const schoolId = user.role === 'school' ? user.actingSchoolId : form.school;
  if (priority && priority.schoolId !== schoolId) problems.school = 'That priority is in another school’s plan: select that school';
  return problems;
}

/** The schools a broker may arrange support for: any open school for Traded Services, the caseload for a SIP. */
async function schoolChoicesFor(user: SessionUser) {
  if (user.role === 'traded_services') return openSchoolChoices();
  return schoolChoicesAmong(await schoolsInSipCaseload(user.id));
}

/** The check-your-answers rows for a request that has not been sent yet. */
export async function checkAnswersRows(user: SessionUser, listing: ListingForRequest, form: CommissionRequestForm) {
  const categories = await resolveTerms('category', form.categories);
  const school = form.school && user.role !== 'school' ? await schoolIdAndName(form.school) : undefined;
  const priority = await priorityOfRequest(user, form);
  const funding = listing.fundedByLa ? 'la' : form.funding;
  return [
    { key: 'Provider', text: listing.name, field: '' },
    ...(school ? [{ key: 'School', text: school.name, field: priority ? '' : 'school' }] : []),
    ...(priority ? [{ key: 'Priority in the support plan', text: `${priority.title} (support plan ${priority.yearLabel})`, field: '' }] : []),
    { key: 'What the school needs to improve', text: form.need, field: 'need' },
    { key: 'Areas of support', text: categories.map((term) => term.label).join(', '), field: 'categories' },
    { key: 'Objectives', text: form.objectives, field: 'objectives' },
    { key: 'How you will know it has worked', text: form.successCriteria, field: 'successCriteria' },
    { key: 'Days', text: plural(form.days, 'day'), field: 'days' },
    { key: 'Preferred start', text: formatDate(form.startOn), field: 'startOn' },
    { key: 'Cost', text: listing.fundedByLa ? 'Funded by the LA' : `${formatPounds(costInPence(form.days, listing.dailyRatePence))} (${plural(form.days, 'day')} at ${formatPounds(listing.dailyRatePence ?? 0)} a day)`, field: 'days' },
    { key: 'Funding', text: FUNDING_LABELS[funding], field: listing.fundedByLa ? '' : 'funding' },
  ];
}

/** The "Waiting for you" block every role's home page shows. */
export async function waitingForYouBlock(user: SessionUser, commissions: CommissionsWaiting) {
  const updates = await recentNotificationsFor(user);
  return {
    waiting: commissions.oldest.map(commissionSummary),
    updates: updates.map((update) => ({ subject: update.subject, href: update.href, when: formatDateTime(update.createdAt) })),
  };
}
