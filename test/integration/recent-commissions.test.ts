import { Types } from 'mongoose';
import { Commission, createdAtKeyOf, SUMMARY_FIELDS } from '../../src/features/commissions/commission.model';
import { listCommissions } from '../../src/features/commissions/commissions.service';
import { markCommissionCreatedKeysOnce, mostRecentCommissions } from '../../src/features/commissions/recent-commissions';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { commandsSentDuring, useTestDatabase } from '../support/database';

// Traded Services' commissions list shows the most recent ones of every school. FerretDB sorts in Go after
// reading every document, so sorting by createdAt read every commission ever made; each commission now
// carries when it was made as a string whose index our FerretDB build sorts and limits by in SQLite.
jest.setTimeout(60_000);
useTestDatabase({ monitorCommands: true });

const monthsAgo = (months: number, day = 10) => new Date(Date.UTC(2026, 11 - months, day, 9));

describe('the most recent commissions', () => {
  const made: { id: string; at: Date }[] = [];
  let school: Awaited<ReturnType<typeof sessionUserFor>>;
  let listingId: string;
  beforeAll(async () => {
    const provider = await sessionUserFor('provider');
    listingId = (await createListing([new Types.ObjectId(provider.id)])).id as string;
    school = await sessionUserFor('school');
    // Made out of order: three this month, two four months ago, one two years ago, one nine years ago.
    for (const [months, day] of [[4, 5], [0, 2], [108, 8], [0, 1], [24, 7], [0, 3], [4, 6]] as const) {
      const { id } = await requestAs(school, listingId, { days: 1 });
      const at = monthsAgo(months, day);
      await Commission.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { createdAt: at, createdAtKey: createdAtKeyOf(at) } });
      made.push({ id, at });
    }
  });
  const newestFirst = () => [...made].sort((a, b) => b.at.getTime() - a.at.getTime()).map((commission) => commission.id);
  const ids = (commissions: { _id: Types.ObjectId }[]) => commissions.map((commission) => commission._id.toString());

  it('marks each commission with when it is made', async () => {
    const { id } = await requestAs(school, listingId, { days: 1 });
    const commission = (await Commission.findById(id).lean())!;
    expect(commission.createdAtKey).toBe(commission.createdAt.toISOString());
    await Commission.deleteOne({ _id: id });
  });

  it('gives the newest first in one read, sorted and limited by the key', async () => {
    const sent = await commandsSentDuring(
      async () => expect(ids(await mostRecentCommissions(4))).toEqual(newestFirst().slice(0, 4)),
      ({ commandName, command }) => (commandName === 'find' ? JSON.stringify({ find: command.find, filter: command.filter, sort: command.sort instanceof Map ? Object.fromEntries(command.sort) : command.sort, limit: command.limit }) : null),
    );
    expect(sent.filter(Boolean)).toEqual([JSON.stringify({ find: 'commissions', filter: {}, sort: { createdAtKey: -1 }, limit: 4 })]);
  });

  it('gives Traded Services all of them when there are few, with what a list row shows', async () => {
    const tradedServices = await sessionUserFor('traded_services');
    const rows = await listCommissions(tradedServices);
    expect(ids(rows)).toEqual(newestFirst());
    expect(Object.keys(rows[0]!).sort()).toEqual(['_id', ...Object.keys(SUMMARY_FIELDS)].sort());
  });

  it('marks commissions made before the key existed, once', async () => {
    await Commission.collection.updateMany({}, { $unset: { createdAtKey: '' } });
    await markCommissionCreatedKeysOnce();
    expect(ids(await mostRecentCommissions(200))).toEqual(newestFirst());
    const marked = await Commission.find({}, { createdAt: 1, createdAtKey: 1 }).lean();
    for (const commission of marked) expect(commission.createdAtKey).toBe(commission.createdAt.toISOString());

    await Commission.collection.updateMany({}, { $unset: { createdAtKey: '' } });
    const sent = await commandsSentDuring(() => markCommissionCreatedKeysOnce());
    expect(sent).not.toContain('find commissions');
  });
});
