import { Types } from 'mongoose';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { actOnCommission, commissionsWaitingFor, requestCommission } from '../../src/features/commissions/commissions.service';
import { CapacityLedger, committedDays, EntitlementLedger, giveBackHold, takeHold } from '../../src/features/commissions/day-ledgers';
import { Notification } from '../../src/features/notifications/notification.model';
import { NotAllowedError } from '../../src/lib/errors';
import { createListing, requestAs, requestForm, sessionUserFor, START_IN_AUTUMN_2026 } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const statusOf = async (id: string) => (await Commission.findById(id).lean())!.status;

describe('holding days in a ledger', () => {
  const hold = (id: string, days: number) => ({ id, commission: new Types.ObjectId(), days });

  it('never commits more than the limit, however many holds race for a new key', async () => {
    const key = `race:${new Types.ObjectId().toString()}`;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => takeHold(CapacityLedger, key, hold(`h${i}`, 2), 9)));
    expect(results.filter((result) => result === 'added')).toHaveLength(4);
    expect(await committedDays(CapacityLedger, key)).toBe(8);
    expect(await takeHold(CapacityLedger, key, hold('one more', 1), 9)).toBe('added');
    expect(await takeHold(CapacityLedger, key, hold('too many', 1), 9)).toBe('refused');
  });

  it('refuses more days than the limit at all, and takes any number without a limit', async () => {
    expect(await takeHold(CapacityLedger, 'limitless', hold('a', 11), 10)).toBe('refused');
    expect(await takeHold(CapacityLedger, 'limitless', hold('b', 500), null)).toBe('added');
  });

  it('counts a hold once however often it is taken, and gives it back once however often it is given back', async () => {
    const key = `once:${new Types.ObjectId().toString()}`;
    const same = hold('step', 3);
    expect(await Promise.all([takeHold(CapacityLedger, key, same, 10), takeHold(CapacityLedger, key, same, 10)])).toEqual(expect.arrayContaining(['added', 'already']));
    expect(await committedDays(CapacityLedger, key)).toBe(3);
    await Promise.all([giveBackHold(CapacityLedger, key, 'step'), giveBackHold(CapacityLedger, key, 'step')]);
    expect(await committedDays(CapacityLedger, key)).toBe(0);
  });
});

describe('a direct commission', () => {
  let school: Awaited<ReturnType<typeof sessionUserFor>>;
  let provider: Awaited<ReturnType<typeof sessionUserFor>>;
  let listingId: string;

  beforeAll(async () => {
    school = await sessionUserFor('school');
    provider = await sessionUserFor('provider');
    listingId = (await createListing([new Types.ObjectId(provider.id)], { dailyRatePence: 50000 })).id as string;
  });

  it('runs from request to completion, costed from the listing, with every step in the history', async () => {
    const { id, reference } = await requestAs(school, listingId, { days: 4 });
    expect(reference).toMatch(/^SUP-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const created = (await Commission.findById(id).lean())!;
    expect(created).toMatchObject({ status: 'requested', route: 'direct', costPence: 200000, termKey: '2026-27-1', academicYear: '2026-27' });
    expect((await commissionsWaitingFor(provider)).map((c) => c._id.toString())).toContain(id);
    expect(await Notification.exists({ recipient: provider.id })).toBeTruthy();

    for (const [actor, action] of [
      [provider, 'accept'],
      [provider, 'start'],
      [provider, 'mark_delivered'],
      [school, 'confirm_completion'],
    ] as const) {
      expect(await actOnCommission(actor, id, action)).toEqual({ ok: true });
    }
    expect(await statusOf(id)).toBe('completed');
    expect((await Commission.findById(id).lean())!.completedAt).toBeInstanceOf(Date);
    const actions = (await AuditEntry.find({ subjectId: new Types.ObjectId(id) }).sort({ at: 1 }).lean()).map((entry) => entry.action);
    expect(actions).toEqual(['commission_requested', 'commission_accept', 'commission_start', 'commission_mark_delivered', 'commission_confirm_completion']);
  });

  it('takes a proposed change of days and dates only once the school accepts it', async () => {
    const { id } = await requestAs(school, listingId, { days: 2 });
    const proposal = { days: 5, startOn: new Date('2027-01-11T00:00:00Z'), note: 'Two more days in spring suit us better' };
    expect(await actOnCommission(provider, id, 'propose_change', { proposal })).toEqual({ ok: true });
    await expect(actOnCommission(provider, id, 'accept_change')).rejects.toBeInstanceOf(NotAllowedError);
    expect(await statusOf(id)).toBe('change_proposed');
    expect(await actOnCommission(school, id, 'accept_change')).toEqual({ ok: true });
    const agreed = (await Commission.findById(id).lean())!;
    expect(agreed).toMatchObject({ status: 'accepted', days: 5, termKey: '2026-27-2', costPence: 250000, capacityDays: 5 });
    expect(agreed.proposal?.days).toBeUndefined();
  });

  it('lets the school turn a proposed change down, back to the provider', async () => {
    const { id } = await requestAs(school, listingId);
    await actOnCommission(provider, id, 'propose_change', { proposal: { days: 1, startOn: START_IN_AUTUMN_2026, note: 'One day only' } });
    expect(await actOnCommission(school, id, 'reject_change')).toEqual({ ok: true });
    expect(await statusOf(id)).toBe('requested');
  });

  it('refuses a step to the wrong side, and tells a late second click that it has moved on', async () => {
    const { id } = await requestAs(school, listingId);
    await expect(actOnCommission(school, id, 'accept')).rejects.toBeInstanceOf(NotAllowedError);
    const stranger = await sessionUserFor('provider');
    await expect(actOnCommission(stranger, id, 'accept')).rejects.toBeInstanceOf(NotAllowedError);
    expect(await actOnCommission(provider, id, 'decline', { reason: 'No capacity this term' })).toEqual({ ok: true });
    expect(await actOnCommission(provider, id, 'accept')).toEqual({ ok: false, message: expect.stringMatching(/already acted/) });
    expect((await Commission.findById(id).lean())!.statusReason).toBe('No capacity this term');
  });
});

describe('capacity', () => {
  it('lets only one of two acceptances that would overbook the listing succeed, and says why to the other', async () => {
    const provider = await sessionUserFor('provider');
    const listing = await createListing([new Types.ObjectId(provider.id)], { capacity: { days: 5, period: 'term' } });
    const [a, b] = await Promise.all([
      requestAs(await sessionUserFor('school'), listing.id as string, { days: 3 }),
      requestAs(await sessionUserFor('school'), listing.id as string, { days: 3 }),
    ]);
    const results = await Promise.all([actOnCommission(provider, a.id, 'accept'), actOnCommission(provider, b.id, 'accept')]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, message: expect.stringContaining('capacity of 5 days for the Autumn 2026 term: 3 days are already agreed') });
    expect(await committedDays(CapacityLedger, `${listing.id as string}:2026-27-1`)).toBe(3);
    expect([await statusOf(a.id), await statusOf(b.id)].sort()).toEqual(['accepted', 'requested']);
  });

  it('holds the days once when the same commission is accepted twice at once', async () => {
    const provider = await sessionUserFor('provider');
    const listing = await createListing([new Types.ObjectId(provider.id)], { capacity: { days: 20, period: 'year' } });
    const { id } = await requestAs(await sessionUserFor('school'), listing.id as string, { days: 4 });
    const results = await Promise.all([actOnCommission(provider, id, 'accept'), actOnCommission(provider, id, 'accept')]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await committedDays(CapacityLedger, `${listing.id as string}:2026-27`)).toBe(4);
  });

  it('gives the days back when an accepted commission is cancelled', async () => {
    const provider = await sessionUserFor('provider');
    const school = await sessionUserFor('school');
    const listing = await createListing([new Types.ObjectId(provider.id)], { capacity: { days: 3, period: 'term' } });
    const { id } = await requestAs(school, listing.id as string, { days: 3 });
    await actOnCommission(provider, id, 'accept');
    expect(await actOnCommission(school, id, 'cancel', { reason: 'Our new head starts later' })).toEqual({ ok: true });
    expect(await committedDays(CapacityLedger, `${listing.id as string}:2026-27-1`)).toBe(0);
    const next = await requestAs(school, listing.id as string, { days: 3 });
    expect(await actOnCommission(provider, next.id, 'accept')).toEqual({ ok: true });
  });
});

describe('LA-funded support and brokerage', () => {
  it('sends an LA-funded request beyond the school’s entitlement to Traded Services, who approve it with a reason', async () => {
    const school = await sessionUserFor('school');
    const provider = await sessionUserFor('provider');
    const tradedServices = await sessionUserFor('traded_services');
    const listing = await createListing([new Types.ObjectId(provider.id)]);
    const { id } = await requestAs(school, listing.id as string, { funding: 'la', days: 2 });
    expect(await statusOf(id)).toBe('awaiting_approval');
    expect((await commissionsWaitingFor(tradedServices)).map((c) => c._id.toString())).toContain(id);
    expect(await commissionsWaitingFor(provider)).toHaveLength(0);
    expect(await actOnCommission(tradedServices, id, 'approve', { reason: 'Causing concern: agreed at the LA panel' })).toEqual({ ok: true });
    expect(await statusOf(id)).toBe('requested');
    expect(await committedDays(EntitlementLedger, `${school.actingSchoolId!}:2026-27`)).toBe(2);
    await actOnCommission(school, id, 'cancel', { reason: 'No longer needed' });
    expect(await committedDays(EntitlementLedger, `${school.actingSchoolId!}:2026-27`)).toBe(0);
  });

  it('lets Traded Services broker support for any school, which the school then confirms', async () => {
    const school = await sessionUserFor('school');
    const tradedServices = await sessionUserFor('traded_services');
    const provider = await sessionUserFor('provider');
    const listing = await createListing([new Types.ObjectId(provider.id)]);
    const result = await requestCommission(tradedServices, requestForm(listing.id as string, { school: school.actingSchoolId }));
    if (!result.ok) throw new Error(result.message);
    expect(await Commission.findById(result.id).lean()).toMatchObject({ route: 'brokered', status: 'awaiting_school', brokeredBy: new Types.ObjectId(tradedServices.id) });
    expect((await commissionsWaitingFor(school)).map((c) => c._id.toString())).toEqual([result.id]);
    await expect(actOnCommission(provider, result.id, 'accept')).resolves.toEqual({ ok: false, message: expect.any(String) });
    expect(await actOnCommission(school, result.id, 'confirm')).toEqual({ ok: true });
    expect(await statusOf(result.id)).toBe('requested');
  });

  it('does not let a SIP broker for a school outside their caseload, nor a provider at all', async () => {
    const school = await sessionUserFor('school');
    const listing = await createListing([new Types.ObjectId()]);
    const form = requestForm(listing.id as string, { school: school.actingSchoolId });
    await expect(requestCommission(await sessionUserFor('sip'), form)).rejects.toBeInstanceOf(NotAllowedError);
    await expect(requestCommission(await sessionUserFor('provider'), form)).rejects.toBeInstanceOf(NotAllowedError);
  });
});
