import { Listing } from '../../src/features/listings/listing.model';
import {
  lastListingChange,
  listingChangesAfter,
  pruneListingChanges,
  recordListingChange,
} from '../../src/features/listings/listing-changes';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('the listing-change log the directory follows', () => {
  it('logs every way a listing is written, naming the listing when the write does, and nothing else', async () => {
    const start = await lastListingChange();
    const listing = await Listing.create({ name: 'Logged', providerType: 'sle' });
    const id = listing._id.toString();
    await Listing.updateOne({ _id: listing._id }, { $set: { status: 'approved' } });
    await Listing.findOneAndUpdate({ _id: id }, { $inc: { revision: 1 } });
    await Listing.updateMany({}, { $addToSet: { phases: 'primary' } });
    const [bulk] = await Listing.insertMany([{ name: 'Bulk', providerType: 'lle' }]);
    await Listing.findOne({ _id: listing._id });

    const { changes, gap } = await listingChangesAfter(start);
    expect(gap).toBe(false);
    expect(changes.map((change) => change.seq)).toEqual([1, 2, 3, 4, 5].map((n) => start + n));
    expect(changes.map((change) => change.ids)).toEqual([[id], [id], [id], null, [bulk!._id.toString()]]);
    expect(await lastListingChange()).toBe(start + 5);
  });

  it('numbers entries written at the same moment without sharing or skipping a number', async () => {
    const start = await lastListingChange();
    const seqs = await Promise.all(Array.from({ length: 25 }, (_, i) => recordListingChange([`listing-${i}`])));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => start + i + 1));
    const { changes } = await listingChangesAfter(start);
    expect(changes.flatMap((change) => change.ids).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `listing-${i}`).sort());
  });

  it('tells a reader that fell behind a pruned part of the log to rebuild', async () => {
    const start = await lastListingChange();
    for (let i = 0; i < 4; i++) await recordListingChange(['x']);
    expect((await listingChangesAfter(start + 2)).changes).toHaveLength(2);
    await pruneListingChanges(start + 3);
    expect(await listingChangesAfter(start)).toEqual({ changes: [], gap: true });
    expect((await listingChangesAfter(start + 2)).changes.map((change) => change.seq)).toEqual([start + 3, start + 4]);
    expect(await listingChangesAfter(start + 4)).toEqual({ changes: [], gap: false });
  });
});
