// What happens to a commission when the process stops part-way through changing it (simulated by making
// one database write fail): nothing is left half-changed once anyone next opens it.
import { Types } from 'mongoose';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { releaseAbandonedHolds } from '../../src/features/commissions/abandoned-holds';
import { Commission } from '../../src/features/commissions/commission.model';
import { actOnCommission, commissionVisibleTo } from '../../src/features/commissions/commissions.service';
import { CapacityLedger, committedDays, takeHold } from '../../src/features/commissions/day-ledgers';
import { Feedback } from '../../src/features/commissions/feedback/feedback.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const historyOf = async (id: string) => (await AuditEntry.find({ subjectId: new Types.ObjectId(id) }).sort({ at: 1 }).lean()).map((entry) => entry.action);
const stopped = () => new Error('the process stopped here');

describe('a commission step interrupted part-way', () => {
  let school: Awaited<ReturnType<typeof sessionUserFor>>;
  let provider: Awaited<ReturnType<typeof sessionUserFor>>;
  let listingId: string;
  const capacityKey = () => `${listingId}:2026-27-1`;

  beforeEach(async () => {
    school = await sessionUserFor('school');
    provider = await sessionUserFor('provider');
    listingId = (await createListing([new Types.ObjectId(provider.id)], { capacity: { days: 10, period: 'term' } })).id as string;
  });
  afterEach(() => jest.restoreAllMocks());

  it('is finished by the next person to open the commission when it stopped after being claimed', async () => {
    const { id } = await requestAs(school, listingId, { days: 3 });
    jest.spyOn(Commission, 'updateOne').mockRejectedValueOnce(stopped());
    await expect(actOnCommission(provider, id, 'accept')).rejects.toThrow('the process stopped here');
    expect((await Commission.findById(id).lean())!.status).toBe('requested');

    expect((await commissionVisibleTo(school, id)).status).toBe('accepted');
    await commissionVisibleTo(school, id);
    expect(await historyOf(id)).toEqual(['commission_requested', 'commission_accept']);
    expect(await committedDays(CapacityLedger, capacityKey())).toBe(3);
    expect(await actOnCommission(provider, id, 'start')).toEqual({ ok: true });
  });

  it('gives the days back later when a cancellation stopped after changing the commission', async () => {
    const { id } = await requestAs(school, listingId, { days: 3 });
    await actOnCommission(provider, id, 'accept');
    jest.spyOn(CapacityLedger, 'create').mockRejectedValueOnce(stopped());
    await expect(actOnCommission(school, id, 'cancel', { reason: 'Plans changed' })).rejects.toThrow('the process stopped here');
    expect(await committedDays(CapacityLedger, capacityKey())).toBe(3);

    expect((await commissionVisibleTo(provider, id)).status).toBe('cancelled');
    expect(await committedDays(CapacityLedger, capacityKey())).toBe(0);
    expect(await historyOf(id)).toEqual(['commission_requested', 'commission_accept', 'commission_cancel']);
    expect(await Notification.countDocuments({ recipient: new Types.ObjectId(provider.id), subject: /Cancelled/ })).toBe(1);
  });

  it('is marked evaluated when the school’s feedback was stored but the process stopped before the step', async () => {
    const { id } = await requestAs(school, listingId, { days: 1 });
    for (const [actor, action] of [[provider, 'accept'], [provider, 'mark_delivered'], [school, 'confirm_completion']] as const) await actOnCommission(actor, id, action);
    const commission = (await Commission.findById(id).lean())!;
    await Feedback.create({
      commission: commission._id,
      listing: commission.listing,
      school: commission.school,
      givenBy: new Types.ObjectId(school.id),
      listingName: commission.listingName,
      termKey: commission.termKey,
      ratings: { quality: 4, impact: 4, value: 4, recommend: 4 },
      whatChanged: 'More confident teaching',
    });

    expect((await commissionVisibleTo(provider, id)).status).toBe('evaluated');
    expect((await historyOf(id)).at(-1)).toBe('commission_record_feedback');
  });
});

describe('days held by a request that never finished', () => {
  it('are given back once they are older than any request, while days a commission holds are kept', async () => {
    const provider = await sessionUserFor('provider');
    const listingId = (await createListing([new Types.ObjectId(provider.id)], { capacity: { days: 10, period: 'term' } })).id as string;
    const key = `${listingId}:2026-27-1`;
    const { id } = await requestAs(await sessionUserFor('school'), listingId, { days: 3 });
    await actOnCommission(provider, id, 'accept');
    // A step that stopped after taking its hold, and a request for support that stopped before its commission existed.
    await takeHold(CapacityLedger, key, { id: `${id}:7`, commission: new Types.ObjectId(id), days: 2 }, null);
    await takeHold(CapacityLedger, key, { id: 'never-created:new', commission: new Types.ObjectId(), days: 4 }, null);
    expect(await committedDays(CapacityLedger, key)).toBe(9);

    expect(await releaseAbandonedHolds()).toBe(0);
    expect(await releaseAbandonedHolds(0)).toBe(2);
    expect(await committedDays(CapacityLedger, key)).toBe(3);
  });
});
