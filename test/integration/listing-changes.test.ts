import { Listing } from '../../src/features/listings/listing.model';
import { listingsChangeMark } from '../../src/features/listings/listing-changes';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('the listings change mark the directory looks for', () => {
  it('changes with every way a listing is written, and only then', async () => {
    const seen = [await listingsChangeMark()];
    const expectNewMark = async () => {
      const mark = await listingsChangeMark();
      expect(seen).not.toContain(mark);
      seen.push(mark);
    };
    const listing = await Listing.create({ name: 'Marked', providerType: 'sle' });
    await expectNewMark();
    await Listing.updateOne({ _id: listing._id }, { $set: { status: 'approved' } });
    await expectNewMark();
    await Listing.findOneAndUpdate({ _id: listing._id }, { $inc: { revision: 1 } });
    await expectNewMark();
    await Listing.updateMany({}, { $addToSet: { phases: 'primary' } });
    await expectNewMark();
    await Listing.insertMany([{ name: 'Bulk', providerType: 'lle' }]);
    await expectNewMark();
    await Listing.findOne({ _id: listing._id });
    expect(await listingsChangeMark()).toBe(seen[seen.length - 1]);
  });
});
