import { randomInt } from 'node:crypto';
import { Types, type FilterQuery } from 'mongoose';
import { academicYearFor, termFor } from '../../lib/academic-calendar';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import { activeUserIds } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { Feedback } from './feedback/feedback.model';
import { mostRecentCommissions } from './recent-commissions';
import { currentListingIdsOf, findApprovedListing, findListingById } from '../listings/listing-reads';
import { contributionOf, figuresChange, type ContributingFeedback } from './figures/contribution';
import { notify, planNotice, type PlannedNotice } from '../notifications/notifications.service';
import { schoolIdAndName } from '../schools/schools.service';
import { Commission, SUMMARY_FIELDS, type CommissionFields, type CommissionRecord, type CommissionSummaryFields } from './commission.model';
import { canBrokerForSchool, canRequestSupportDirectly, canViewCommission, partiesOf } from './commission-access';
import { ACTION_LABELS, ACTIONS, canTakeAction, WAITING_FOR, type CommissionAction, type CommissionStatus, type Party } from './commission-status';
import type { CommissionRequestForm, ProposalForm } from './commissions.schemas';
import { CapacityLedger, capacityKey, committedDays, entitlementKey, giveBackHold, LEDGERS, takeHold, type LedgerName } from './day-ledgers';
import { finishOpenSteps, takeStep, type HoldRef, type StepPlan } from './commission-steps';
import { entitlementForSchool } from '../schools/school-entitlement';
import { schoolsInSipCaseload } from '../schools/sip-caseload';
import { priorityForRequest, type PriorityForRequest } from '../plans/plan-reads';

type NewCommission = Omit<CommissionFields, 'reference' | 'status' | 'createdAt' | 'updatedAt'>;

export type ActionResult = { ok: true } | { ok: false; message: string };

/** An approved listing, or NotFound: only approved listings can be commissioned. */
export async function commissionableListing(listingId: string) {
  if (!Types.ObjectId.isValid(listingId)) throw new NotFoundError();
  const listing = await findApprovedListing(listingId);
  if (!listing) throw new NotFoundError();
  return listing;
}

export function costInPence(days: number, dailyRatePence: number | null | undefined): number {
  return days * (dailyRatePence ?? 0);
}

/** The school a request is for: the signed-in school's own, or the one a broker chose (if they may). */
async function schoolForRequest(actor: SessionUser, chosenSchoolId: string | undefined): Promise<{ id: string; name: string } | null> {
  const schoolId = actor.role === 'school' ? actor.actingSchoolId : chosenSchoolId;
  if (!schoolId) return null;
  return schoolIdAndName(schoolId);
}

export type RequestResult = { ok: true; id: string; reference: string } | { ok: false; field: 'school'; message: string };

/** A school asks for support (direct), or a SIP or Traded Services arranges it for a school (brokered). */
export async function requestCommission(actor: SessionUser, form: CommissionRequestForm): Promise<RequestResult> {
  const direct = canRequestSupportDirectly(actor);
  // Reads that do not depend on each other go side by side: the request waits for the slowest, not their sum.
  const [listing, school] = await Promise.all([commissionableListing(form.listing), schoolForRequest(actor, form.school)]);
  // A school asking for support the LA deploys asks the LA: Traded Services arrange it, then it goes on as brokered.
  const askingTheLa = direct && !!listing.arrangedByLa;
  if (!school) {
    if (direct) throw new NotFoundError('This account is not linked to a school');
    return { ok: false, field: 'school', message: 'Select the school the support is for' };
  }
  if (!direct && !(await canBrokerForSchool(actor, school.id))) throw new NotAllowedError();
  const [priority, entitlement] = await Promise.all([priorityOfRequest(actor, form), entitlementForSchool(school.id)]);
  if (priority && priority.schoolId !== school.id) return { ok: false, field: 'school', message: 'That priority is in another school’s plan: select that school' };

  const funding = listing.fundedByLa ? 'la' : form.funding;
  const id = new Types.ObjectId();
  const fields: NewCommission & { _id: Types.ObjectId } = {
    _id: id,
    school: new Types.ObjectId(school.id),
    schoolName: school.name,
    supportLevel: entitlement?.levelLabel,
    listing: listing._id,
    listingName: listing.name,
    providerType: listing.providerType,
    owners: listing.owners,
    route: direct && !askingTheLa ? 'direct' : 'brokered',
    requestedBy: new Types.ObjectId(actor.id),
    brokeredBy: direct ? undefined : new Types.ObjectId(actor.id),
    need: form.need,
    plan: priority ? new Types.ObjectId(priority.planId) : undefined,
    planPriority: priority ? new Types.ObjectId(priority.priorityId) : undefined,
    planPriorityTitle: priority?.title,
    categories: form.categories,
    objectives: form.objectives,
    successCriteria: form.successCriteria,
    days: form.days,
    startOn: form.startOn,
    termKey: termFor(form.startOn).key,
    academicYear: academicYearFor(form.startOn),
    dailyRatePence: listing.dailyRatePence ?? 0,
    costPence: costInPence(form.days, listing.dailyRatePence),
    funding,
    capacityDays: 0,
    entitlementDays: 0,
    entitlementApproved: false,
    version: 0,
  };
  // A brokered commission waits for the school, one asked of the LA for Traded Services; a direct one goes to
  // the provider unless LA-funded days beyond the school's entitlement need Traded Services' approval first.
  let status: CommissionStatus = askingTheLa ? 'awaiting_la' : 'awaiting_school';
  if (direct && !askingTheLa) {
    const held = await holdEntitlement(fields, fields.days, new StepHolds(id, `${id.toString()}:new`));
    Object.assign(fields, held);
    status = held.entitlementDays > 0 || funding === 'school' ? 'requested' : 'awaiting_approval';
  }
  // The history entry goes first: a commission never exists without it, even if the process stops here.
  // (Days held for a commission that was never created are given back by releaseAbandonedHolds.)
  await recordAudit({
    actor: new Types.ObjectId(actor.id),
    action: direct ? 'commission_requested' : 'commission_brokered',
    subjectType: 'Commission',
    subjectId: id,
    changes: { status },
  });
  const commission = await createWithReference({ ...fields, status });
  await notify(await recipientsOfTurn(commission, actor), whoseTurnMessage(commission, askingTheLa ? 'The school asks the LA to arrange support' : direct ? 'Support requested' : 'Support arranged for your school'));
  return { ok: true, id: commission._id.toString(), reference: commission.reference };
}

/** The plan priority a request is made against, if it names one (and the requester may arrange support for its school). */
export function priorityOfRequest(actor: SessionUser, form: Pick<CommissionRequestForm, 'plan' | 'priority'>): Promise<PriorityForRequest | undefined> {
  return form.plan && form.priority ? priorityForRequest(actor, form.plan, form.priority) : Promise.resolve(undefined);
}

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A short reference people can read out on the phone, like SUP-7K3M-Q9TD. */
export function newReference(): string {
  const chars = Array.from({ length: 8 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]);
  return `SUP-${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

async function createWithReference(fields: NewCommission & { _id: Types.ObjectId; status: CommissionStatus }): Promise<CommissionRecord> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await Commission.create({ ...fields, reference: newReference() })).toObject() as CommissionRecord;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt >= 4) throw error;
    }
  }
}

const sameHold = (a: HoldRef, b: HoldRef) => a.ledger === b.ledger && a.key === b.key && a.id === b.id;

/**
 * The ledger holds one step takes before it is claimed, all under one id naming the commission and the
 * version the step starts from (so an identical request racing this one, or a retry after a crash, finds
 * its hold already there instead of taking the days twice). Given back if the step does not happen.
 */
class StepHolds {
  readonly taken: HoldRef[] = [];
  private readonly added: HoldRef[] = [];

  constructor(
    private readonly commissionId: Types.ObjectId,
    private readonly id: string,
  ) {}

  async take(ledger: LedgerName, key: string, days: number, limit: number | null): Promise<string | null> {
    const outcome = await takeHold(LEDGERS[ledger], key, { id: this.id, commission: this.commissionId, days }, limit);
    if (outcome === 'refused') return null;
    const hold = { ledger, key, id: this.id };
    this.taken.push(hold);
    if (outcome === 'added') this.added.push(hold);
    return this.id;
  }

  /** Gives back the holds this request added, except those the step that did happen took too. */
  async giveBack(keep: readonly HoldRef[] = []): Promise<void> {
    for (const hold of this.added.splice(0)) {
      if (!keep.some((kept) => sameHold(kept, hold))) await giveBackHold(LEDGERS[hold.ledger], hold.key, hold.id);
    }
  }
}

/** The LA-funded days a school may commission this academic year without Traded Services' approval. */
async function entitlementLimit(schoolId: string): Promise<number> {
  return (await entitlementForSchool(schoolId))?.daysPerYear ?? 0;
}

/**
 * Holds LA-funded days against the school's entitlement; nothing for school-funded support. Returns what
 * is held (0 days when the entitlement is too small, in which case approval is needed).
 */
async function holdEntitlement(
  commission: Pick<CommissionFields, 'funding' | 'school' | 'academicYear' | 'entitlementApproved'>,
  days: number,
  holds: StepHolds,
  alreadyHeld: { key?: string | null; days: number } = { days: 0 },
): Promise<{ entitlementKey?: string; entitlementDays: number; entitlementHold?: string }> {
  if (commission.funding !== 'la') return { entitlementDays: 0 };
  const key = entitlementKey(commission.school.toString(), commission.academicYear);
  const limit = commission.entitlementApproved ? null : await entitlementLimit(commission.school.toString());
  // Days this commission already holds under the same key will be given back once the new hold is in place.
  const headroom = limit === null ? null : limit + (alreadyHeld.key === key ? alreadyHeld.days : 0);
  const hold = await holds.take('entitlement', key, days, headroom);
  return hold ? { entitlementKey: key, entitlementDays: days, entitlementHold: hold } : { entitlementDays: 0 };
}

/** The listing's capacity for the period the start date falls in; null when the listing sets none. */
async function capacityFor(listingId: Types.ObjectId, startOn: Date) {
  const listing = await findListingById(listingId, { capacity: 1, name: 1 });
  const capacity = listing?.capacity;
  if (!capacity || capacity.days === undefined || capacity.days === null) return null;
  const term = termFor(startOn);
  const period = capacity.period === 'year' ? term.academicYear : term.key;
  const periodLabel = capacity.period === 'year' ? `the ${term.academicYear.replace('-', '/')} academic year` : `the ${term.label} term`;
  return { key: capacityKey(listingId.toString(), period), days: capacity.days, periodLabel };
}

async function holdCapacity(commission: CommissionRecord, days: number, startOn: Date, holds: StepHolds): Promise<ActionResult & { key?: string; hold?: string }> {
  const capacity = await capacityFor(commission.listing, startOn);
  if (!capacity) return { ok: true };
  const hold = await holds.take('capacity', capacity.key, days, capacity.days);
  if (hold) return { ok: true, key: capacity.key, hold };
  const agreed = await committedDays(CapacityLedger, capacity.key);
  return {
    ok: false,
    message: `Accepting would go beyond this listing’s capacity of ${capacity.days} days for ${capacity.periodLabel}: ${agreed} days are already agreed. Propose fewer days or another start date, or decline.`,
  };
}

const MOVED_ON = 'Someone else has already acted on this commission. Here is where it stands now.';

/** Loads a commission the user may see, or throws: NotFound when there is none, NotAllowed when it is another party's. */
export async function commissionVisibleTo(user: SessionUser, commissionId: string): Promise<CommissionRecord> {
  if (!Types.ObjectId.isValid(commissionId)) throw new NotFoundError();
  let commission = (await Commission.findById(commissionId).lean()) as CommissionRecord | null;
  if (!commission) throw new NotFoundError();
  if ((await finishOpenSteps(commission)) || (await finishEvaluation(commission))) commission = (await Commission.findById(commissionId).lean()) as CommissionRecord;
  if (!(await canViewCommission(user, commission))) throw new NotAllowedError();
  return commission;
}

export type ActionInput = { reason?: string; proposal?: ProposalForm };

/** Loads a commission for a step this user's side may take (whatever its state now), or throws NotAllowed. */
export async function commissionForAction(actor: SessionUser, commissionId: string, action: CommissionAction): Promise<CommissionRecord> {
  const commission = await commissionVisibleTo(actor, commissionId);
  const parties = await partiesOf(actor, commission);
  if (!ACTIONS[action].by.some((party: Party) => parties.includes(party))) throw new NotAllowedError();
  return commission;
}

const releaseOf = (ledger: LedgerName, key: string | null | undefined, id: string | null | undefined): HoldRef[] => (key && id ? [{ ledger, key, id }] : []);

/**
 * Applies one step of the state machine for this user. Ledger holds are taken first, then the step is
 * claimed on the commission's version and carried out (commission-steps.ts); if another step claimed it
 * first, the holds are given back and the user is told it has moved on.
 */
export async function actOnCommission(actor: SessionUser, commissionId: string, action: CommissionAction, input: ActionInput = {}): Promise<ActionResult> {
  return actOnLoadedCommission(actor, await commissionForAction(actor, commissionId, action), action, input);
}

/** actOnCommission for a commission commissionForAction has just loaded for this actor and action. */
export async function actOnLoadedCommission(actor: SessionUser, commission: CommissionRecord, action: CommissionAction, input: ActionInput = {}): Promise<ActionResult> {
  const parties = await partiesOf(actor, commission);
  if (!canTakeAction(action, commission.status as CommissionStatus, parties)) return { ok: false, message: MOVED_ON };

  const holds = new StepHolds(commission._id, `${commission._id.toString()}:${commission.version}`);
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const releases: HoldRef[] = [];
  let to: CommissionStatus = ACTIONS[action].to[0];

  switch (action) {
    case 'arrange':
    case 'confirm': {
      if (action === 'arrange') set.brokeredBy = new Types.ObjectId(actor.id);
      const held = await holdEntitlement(commission, commission.days, holds);
      Object.assign(set, held);
      if (commission.funding === 'la' && held.entitlementDays === 0) to = 'awaiting_approval';
      break;
    }
    case 'approve':
      Object.assign(set, await holdEntitlement({ ...commission, entitlementApproved: true }, commission.days, holds), { entitlementApproved: true });
      break;
    case 'accept': {
      const capacity = await holdCapacity(commission, commission.days, commission.startOn, holds);
      if (!capacity.ok) return capacity;
      Object.assign(set, { capacityKey: capacity.key, capacityDays: capacity.key ? commission.days : 0, capacityHold: capacity.hold });
      break;
    }
    case 'propose_change':
      set.proposal = input.proposal;
      break;
    case 'accept_change': {
      const proposal = commission.proposal;
      if (!proposal?.days || !proposal.startOn) return { ok: false, message: MOVED_ON };
      const moved = { ...commission, academicYear: academicYearFor(proposal.startOn) };
      const held = await holdEntitlement(moved, proposal.days, holds, { key: commission.entitlementKey, days: commission.entitlementDays ?? 0 });
      if (commission.funding === 'la' && held.entitlementDays === 0) {
        await holds.giveBack();
        return { ok: false, message: 'These days would take your LA-funded support beyond your entitlement. Ask Traded Services, or turn the change down.' };
      }
      const capacity = await holdCapacity(commission, proposal.days, proposal.startOn, holds);
      if (!capacity.ok) {
        await holds.giveBack();
        return { ok: false, message: 'The provider no longer has capacity for the days they proposed. Turn the change down so they can respond again.' };
      }
      releases.push(...releaseOf('entitlement', commission.entitlementKey, commission.entitlementHold));
      Object.assign(set, held, {
        days: proposal.days,
        startOn: proposal.startOn,
        termKey: termFor(proposal.startOn).key,
        academicYear: moved.academicYear,
        costPence: costInPence(proposal.days, commission.dailyRatePence),
        capacityKey: capacity.key,
        capacityDays: capacity.key ? proposal.days : 0,
        capacityHold: capacity.hold,
      });
      unset.push('proposal');
      break;
    }
    case 'reject_change':
      unset.push('proposal');
      break;
    case 'confirm_completion':
      set.completedAt = new Date();
      break;
    case 'decline':
    case 'refuse':
    case 'cancel':
      set.statusReason = input.reason;
      releases.push(...releaseOf('capacity', commission.capacityKey, commission.capacityHold), ...releaseOf('entitlement', commission.entitlementKey, commission.entitlementHold));
      Object.assign(set, { capacityDays: 0, entitlementDays: 0 });
      unset.push('capacityHold', 'entitlementHold');
      break;
  }

  const figures = figuresChange(contributionOf(commission), contributionOf({ ...commission, ...set, status: to }));
  const plan = await planStep(actor.id, commission, action, to, input, { set: { ...set, status: to }, unset: unset.filter((field) => !(field in set)) });
  const result = await takeStep(commission._id, commission.version, { ...plan, holds: holds.taken, releases, figures });
  if (!result.taken) {
    await holds.giveBack(result.winner?.holds);
    return { ok: false, message: MOVED_ON };
  }
  return { ok: true };
}

/** Moves a completed commission to evaluated once its feedback is stored (called by the feedback service). */
export async function markEvaluated(actorId: string, commission: CommissionRecord, feedback: ContributingFeedback): Promise<boolean> {
  if (commission.status !== 'completed') return false;
  const figures = figuresChange(contributionOf(commission), contributionOf({ ...commission, status: 'evaluated' }, feedback));
  const plan = await planStep(actorId, commission, 'record_feedback', 'evaluated', {}, { set: { status: 'evaluated' }, unset: [] });
  return (await takeStep(commission._id, commission.version, { ...plan, holds: [], releases: [], figures })).taken;
}

/** A completed commission whose feedback is stored but which the process stopped before marking evaluated. */
async function finishEvaluation(commission: CommissionRecord): Promise<boolean> {
  if (commission.status !== 'completed') return false;
  const feedback = await Feedback.findOne({ commission: commission._id }).lean();
  return feedback ? markEvaluated(feedback.givenBy.toString(), commission, feedback) : false;
}

/** The parts of a step's plan that say what happened: the change, its history entry and who to tell. */
async function planStep(
  actorId: string,
  commission: CommissionRecord,
  action: CommissionAction,
  to: CommissionStatus,
  input: ActionInput,
  change: StepPlan['change'],
): Promise<Omit<StepPlan, 'holds' | 'releases'>> {
  const proposal = input.proposal ? { days: input.proposal.days, startOn: input.proposal.startOn.toISOString().slice(0, 10) } : undefined;
  const moved = { ...commission, status: to };
  return {
    change,
    history: {
      id: new Types.ObjectId(),
      actor: new Types.ObjectId(actorId),
      action: `commission_${action}`,
      subjectType: 'Commission',
      subjectId: commission._id,
      reason: input.reason ?? input.proposal?.note,
      changes: { from: commission.status, to, ...(proposal ? { proposal } : {}) },
    },
    notice: planNotice(await recipientsOfTurn(moved, { id: actorId }), whoseTurnMessage(moved, ACTION_LABELS[action])),
  };
}

/** The users standing on one side of a commission. */
async function usersOnSide(commission: Pick<CommissionRecord, 'school' | 'owners' | 'brokeredBy'>, party: Party): Promise<Types.ObjectId[]> {
  switch (party) {
    case 'school':
      return activeUserIds({ role: 'school', school: commission.school });
    case 'provider':
      return commission.owners;
    case 'broker':
      return commission.brokeredBy ? [commission.brokeredBy] : [];
    case 'traded_services':
      return activeUserIds({ role: 'traded_services' });
  }
}

/** Whoever must act next; when a commission ends, every side. Never the person who acted. */
async function recipientsOfTurn(commission: CommissionRecord, actor: { id: string }): Promise<Types.ObjectId[]> {
  const waitingFor = WAITING_FOR[commission.status as CommissionStatus];
  const sides: Party[] = waitingFor ? [waitingFor] : ['school', 'provider', 'broker'];
  return (await Promise.all(sides.map((side) => usersOnSide(commission, side)))).flat().filter((id) => id.toString() !== actor.id);
}

function whoseTurnMessage(commission: CommissionRecord, what: string): PlannedNotice['message'] {
  const next = WAITING_FOR[commission.status as CommissionStatus] ? ' It is waiting for you.' : '';
  return {
    subject: `${commission.reference}: ${what}`,
    text: `${what}: ${commission.listingName} for ${commission.schoolName}.${next}`,
    href: paths.commissions.commission(commission._id.toString()),
    school: commission.school,
  };
}

/** The query for the commissions a user may see. ownListingIds: a provider's listings, when the page has read them already. */
export async function visibleCommissionsFilter(user: SessionUser, ownListingIds?: readonly Types.ObjectId[]): Promise<FilterQuery<CommissionRecord>> {
  switch (user.role) {
    case 'school':
      return { school: new Types.ObjectId(user.actingSchoolId) };
    case 'provider':
      // Through the listings they own now, found by index: FerretDB reads every commission to match inside
      // `owners`. A commission's owners are its listing's, copied when it was made (canViewCommission).
      return { listing: { $in: ownListingIds ?? (await currentListingIdsOf(user.id)) }, owners: new Types.ObjectId(user.id) };
    case 'sip':
      return { school: { $in: await schoolsInSipCaseload(user.id) } };
    case 'traded_services':
      return {};
  }
}

const SIDE_FOR_ROLE: Record<SessionUser['role'], Party> = { school: 'school', provider: 'provider', traded_services: 'traded_services', sip: 'broker' };

/** The statuses in which a commission waits for this user's role. */
function statusesWaitingFor(user: SessionUser): CommissionStatus[] {
  const side = SIDE_FOR_ROLE[user.role];
  return (Object.keys(WAITING_FOR) as CommissionStatus[]).filter((status) => WAITING_FOR[status] === side);
}

/** The query for the commissions whose next step is this user's; null when their role never has one. */
async function waitingFilter(user: SessionUser, statuses: CommissionStatus[], ownListingIds?: readonly Types.ObjectId[]): Promise<FilterQuery<CommissionRecord> | null> {
  return statuses.length === 0 ? null : { ...(await visibleCommissionsFilter(user, ownListingIds)), status: { $in: statuses } };
}

/** Commissions whose next step is this user's, as a list row shows them. */
export async function commissionsWaitingFor(user: SessionUser, limit = 20): Promise<CommissionSummaryFields[]> {
  const filter = await waitingFilter(user, statusesWaitingFor(user));
  return filter ? await Commission.find(filter, SUMMARY_FIELDS).sort({ updatedAt: 1 }).limit(limit).lean<CommissionSummaryFields[]>() : [];
}

/** What a home page shows of the commissions waiting for its user (commissionsWaitingOverview). */
export type CommissionsWaiting = { oldest: CommissionSummaryFields[]; counts: { status: CommissionStatus; count: number }[] };

/**
 * The commissions whose next step is this user's: the oldest `limit` to list, and how many wait in each
 * status, from one read (a commission waits on someone for days, so the waiting are few).
 */
export async function commissionsWaitingOverview(user: SessionUser, limit: number, ownListingIds?: readonly Types.ObjectId[]): Promise<CommissionsWaiting> {
  const statuses = statusesWaitingFor(user);
  const filter = await waitingFilter(user, statuses, ownListingIds);
  if (!filter) return { oldest: [], counts: [] };
  const waiting = await Commission.find(filter, SUMMARY_FIELDS).sort({ updatedAt: 1 }).lean<CommissionSummaryFields[]>();
  return {
    oldest: waiting.slice(0, limit),
    counts: statuses.map((status) => ({ status, count: waiting.filter((commission) => commission.status === status).length })),
  };
}

/** The commissions the user may see, most recent first: Traded Services see every school's. */
export async function listCommissions(user: SessionUser, limit = 200): Promise<CommissionSummaryFields[]> {
  if (user.role === 'traded_services') return mostRecentCommissions(limit);
  return Commission.find(await visibleCommissionsFilter(user), SUMMARY_FIELDS).sort({ createdAt: -1 }).limit(limit).lean<CommissionSummaryFields[]>();
}
