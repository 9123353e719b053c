import { Types } from 'mongoose';
import { Commission, monthOf } from '../../src/features/commissions/commission.model';
import { listCommissions } from '../../src/features/commissions/commissions.service';
import { markCommissionMonthsOnce, monthsBack, mostRecentCommissions } from '../../src/features/commissions/recent-commissions';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { commandsSentDuring, useTestDatabase } from '../support/database';

// Traded Services' commissions list shows the most recent ones of every school. FerretDB cannot sort or
// limit in SQLite, so sorting by createdAt read every commission ever made; each commission now carries the
// month it was made, and the list reads whole months, newest first, through that field's index.
jest.setTimeout(60_000);
useTestDatabase({ monitorCommands: true });

const NOW = new Date('2026-12-03T12:00:00Z');
const monthsAgo = (months: number, day = 10) => new Date(Date.UTC(2026, 11 - months, day, 9));

describe('the most recent commissions, month by month', () => {
  const made: { id: string; at: Date }[] = [];
  let school: Awaited<ReturnType<typeof sessionUserFor>>;
  let listingId: string;
  beforeAll(async () => {
    const provider = await sessionUserFor('provider');
    listingId = (await createListing([new Types.ObjectId(provider.id)])).id as string;
    school = await sessionUserFor('school');
    // Three this month, two four months ago, one two years ago, one nine years ago.
    for (const [months, day] of [[0, 1], [0, 2], [0, 3], [4, 5], [4, 6], [24, 7], [108, 8]] as const) {
      const { id } = await requestAs(school, listingId, { days: 1 });
      const at = monthsAgo(months, day);
      await Commission.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { createdAt: at, createdMonth: monthOf(at) } });
      made.push({ id, at });
    }
  });
  const newestFirst = () => [...made].sort((a, b) => b.at.getTime() - a.at.getTime()).map((commission) => commission.id);

  it('counts months back from now', () => {
    expect(monthsBack(NOW, 0, 3)).toEqual(['2026-12', '2026-11', '2026-10']);
    expect(monthsBack(NOW, 12, 2)).toEqual(['2025-12', '2025-11']);
  });

  it('marks each commission with the month it is made in', async () => {
    const { id } = await requestAs(school, listingId, { days: 1 });
    const commission = (await Commission.findById(id).lean())!;
    expect(commission.createdMonth).toBe(monthOf(commission.createdAt));
    await Commission.deleteOne({ _id: id });
  });

  it('gives the newest first, reading only the months it needs, by the index', async () => {
    const filters = await commandsSentDuring(
      async () => expect((await mostRecentCommissions(4, NOW)).map((commission) => commission._id.toString())).toEqual(newestFirst().slice(0, 4)),
      ({ commandName, command }) => (commandName === 'find' && command.find === 'commissions' ? JSON.stringify(command.filter) : null),
    );
    // The last 3 months hold three; the next 6 hold the fourth: two reads, each of whole months.
    expect(filters.filter(Boolean)).toEqual([
      JSON.stringify({ createdMonth: { $in: monthsBack(NOW, 0, 3) } }),
      JSON.stringify({ createdMonth: { $in: monthsBack(NOW, 3, 6) } }),
    ]);
  });

  it('looks back as far as a closed commission may be kept, and gives Traded Services all of them when there are few', async () => {
    expect((await mostRecentCommissions(200, NOW)).map((commission) => commission._id.toString())).toEqual(newestFirst());
    const tradedServices = await sessionUserFor('traded_services');
    expect((await listCommissions(tradedServices)).map((commission) => commission._id.toString()).slice(-1)).toEqual([newestFirst().at(-1)]);
  });

  it('marks commissions made before the field existed, once', async () => {
    await Commission.collection.updateMany({}, { $unset: { createdMonth: '' } });
    expect(await mostRecentCommissions(200, NOW)).toEqual([]);
    await markCommissionMonthsOnce();
    expect((await mostRecentCommissions(200, NOW)).map((commission) => commission._id.toString())).toEqual(newestFirst());

    await Commission.collection.updateMany({}, { $unset: { createdMonth: '' } });
    const sent = await commandsSentDuring(() => markCommissionMonthsOnce());
    expect(sent).not.toContain('find commissions');
  });
});
