import { Types } from 'mongoose';
import { ensureOwnershipRecorded } from '../../src/features/listings/listing-ownership';
import { Listing, listingsOwnedBy } from '../../src/features/listings/listing.model';
import mongoose from 'mongoose';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe("finding a provider's listings through listing_owners", () => {
  it('finds listings created one by one or in bulk, by name, and only the owner’s', async () => {
    const [ann, ben] = [new Types.ObjectId(), new Types.ObjectId()];
    await Listing.create({ name: 'Zebra maths', providerType: 'sle', owners: [ann] });
    await Listing.insertMany([
      { name: 'Apple reading', providerType: 'lle', owners: [ann, ben] },
      { name: 'Other', providerType: 'nle', owners: [ben] },
    ]);
    expect((await listingsOwnedBy(ann)).map((listing) => listing.name)).toEqual(['Apple reading', 'Zebra maths']);
    expect((await listingsOwnedBy(ben.toString())).map((listing) => listing.name)).toEqual(['Apple reading', 'Other']);
    expect(await listingsOwnedBy(new Types.ObjectId())).toEqual([]);
  });

  it('is filled from the listings for a database that lacks it', async () => {
    const owner = new Types.ObjectId();
    await Listing.collection.insertOne({ name: 'Written without hooks', providerType: 'sle', owners: [owner] });
    expect(await listingsOwnedBy(owner)).toEqual([]);
    await mongoose.connection.collection('listing_owners').deleteMany({});
    await ensureOwnershipRecorded(() => Listing.find({}, { owners: 1 }).lean());
    expect((await listingsOwnedBy(owner)).map((listing) => listing.name)).toEqual(['Written without hooks']);
  });
});
