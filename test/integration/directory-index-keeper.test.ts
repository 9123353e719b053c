import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { DirectoryIndexKeeper } from '../../src/features/directory/directory-index-keeper';
import { directorySnapshotSeq } from '../../src/features/directory/directory-snapshot';
import { lastListingChange, pruneListingChanges } from '../../src/features/listings/listing-changes';
import { Listing } from '../../src/features/listings/listing.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createSchool } from '../support/factories';
import { School } from '../../src/features/schools/school.model';
import { importGias } from '../../src/features/schools/gias/gias-import';

useTestDatabase();

const keeper = () => new DirectoryIndexKeeper({ graceDays: 30, syncMs: 0 });
const listedNames = async (instance: DirectoryIndexKeeper) => [...(await instance.current()).documents()].map((d) => d.name).sort();

describe('starting and keeping the directory index', () => {
  beforeEach(async () => {
    await ensureDefaultTaxonomy();
    await Listing.deleteMany({});
    await mongoose.connection.db!.collection('directory_snapshots').deleteMany({});
  });

  it('builds from the listings once, then starts other instances from the snapshot it left, with the same documents', async () => {
    await createListedListing({ name: 'Alpha', expertise: ['governance'], reviewDueOn: new Date('2030-01-01') });
    await createListedListing({ name: 'Beta', designation: { awardedOn: new Date('2024-09-01'), expiresOn: new Date('2028-08-31') } });
    await createListedListing({ name: 'Draft', status: 'draft' });

    const first = keeper();
    expect(await first.build()).toMatchObject({ from: 'listings', documents: 2 });
    const second = keeper();
    expect(await second.build()).toMatchObject({ from: 'snapshot', documents: 2 });
    const documents = async (instance: DirectoryIndexKeeper) => [...(await instance.current()).documents()].sort((a, b) => a.name.localeCompare(b.name));
    expect(await documents(second)).toEqual(await documents(first));
    expect((await documents(second))[1]!.designation.expiresOn).toEqual(new Date('2028-08-31'));
  });

  it('replays changes made after the snapshot when starting from it', async () => {
    await createListedListing({ name: 'Kept' });
    const suspended = await createListedListing({ name: 'Suspended later' });
    await keeper().build();
    await createListedListing({ name: 'Approved later' });
    await Listing.updateOne({ _id: suspended._id }, { $set: { status: 'suspended' } });

    const late = keeper();
    expect(await late.build()).toMatchObject({ from: 'snapshot' });
    expect(await listedNames(late)).toEqual(['Approved later', 'Kept']);
  });

  it('follows a bulk write that does not name its listings', async () => {
    await createListedListing({ name: 'Primary one', phases: [] });
    const instance = keeper();
    await instance.build();
    await Listing.updateMany({}, { $set: { phases: ['primary'] }, $inc: { revision: 1 } });
    expect([...(await instance.current()).documents()].map((d) => d.phases)).toEqual([['primary']]);
  });

  it('knows each provider’s base, from the listings or a snapshot, learns new schools and follows a GIAS import on every instance', async () => {
    const hillcrest = await createSchool({ urn: '710001', name: 'Hillcrest School', grid: { easting: 427500, northing: 276800 } });
    await createListedListing({ name: 'Based at Hillcrest', employingSchool: hillcrest._id });
    await createListedListing({ name: 'LA team', providerType: 'traded_service' });
    const first = keeper();
    await first.build();
    const second = keeper();
    expect(await second.build()).toMatchObject({ from: 'snapshot' });
    const baseOf = async (instance: DirectoryIndexKeeper, name: string) => {
      const index = await instance.current();
      return index.baseGridOf([...index.documents()].find((document) => document.name === name)!);
    };
    for (const instance of [first, second]) {
      expect(await baseOf(instance, 'Based at Hillcrest')).toEqual({ easting: 427500, northing: 276800 });
      expect(await baseOf(instance, 'LA team')).toBeUndefined();
    }

    // A third instance starts from the grid references the first saved, reading no school: a change made
    // outside a GIAS import (which leaves no mark) is not seen.
    await School.updateOne({ _id: hillcrest._id }, { $set: { grid: { easting: 1, northing: 1 } } });
    const third = keeper();
    await third.build();
    expect(await baseOf(third, 'Based at Hillcrest')).toEqual({ easting: 427500, northing: 276800 });

    const riverside = await createSchool({ urn: '710002', name: 'Riverside Academy', grid: { easting: 433600, northing: 282300 } });
    await createListedListing({ name: 'Based at Riverside', employingSchool: riverside._id });
    expect(await baseOf(first, 'Based at Riverside')).toEqual({ easting: 433600, northing: 282300 });

    const csv = ['URN,EstablishmentName,LA (code),LA (name),EstablishmentStatus (code),Easting,Northing', '710001,Hillcrest School,803,Anyshire,1,430000,280000'].join('\r\n');
    await importGias(() => Readable.from([Buffer.from(csv)]));
    for (const instance of [first, second, third, keeper()]) expect(await baseOf(instance, 'Based at Hillcrest')).toEqual({ easting: 430000, northing: 280000 });
  });

  it('rebuilds from the listings when the log it needed was pruned', async () => {
    await createListedListing({ name: 'Before' });
    const behind = keeper();
    await behind.build();
    await createListedListing({ name: 'While away' });
    await pruneListingChanges((await lastListingChange()) + 1);
    expect(await listedNames(behind)).toEqual(['Before', 'While away']);
  });

  it('knows which published listings are due for review, listed or already hidden, from a snapshot start and after changes', async () => {
    const day = 86_400_000;
    const hidden = await createListedListing({ name: 'Long overdue', reviewDueOn: new Date(Date.now() - 90 * day) });
    const inGrace = await createListedListing({ name: 'Just overdue', reviewDueOn: new Date(Date.now() - 2 * day) });
    await createListedListing({ name: 'Not due', reviewDueOn: new Date(Date.now() + 30 * day) });
    await createListedListing({ name: 'Suspended', status: 'suspended', reviewDueOn: new Date(Date.now() - 5 * day) });
    await keeper().build();

    const started = keeper();
    expect(await started.build()).toMatchObject({ from: 'snapshot' });
    expect(await started.listingsDueForReview()).toEqual([hidden._id.toString(), inGrace._id.toString()]);

    await Listing.updateOne({ _id: hidden._id }, { $set: { reviewDueOn: new Date(Date.now() + 365 * day) } });
    const lapsed = await createListedListing({ name: 'Lapsed since', reviewDueOn: new Date(Date.now() - 10 * day) });
    await Listing.updateOne({ _id: inGrace._id }, { $set: { status: 'suspended' } });
    expect(await started.listingsDueForReview()).toEqual([lapsed._id.toString()]);
  });

  it('counts the published listings, listed or hidden, from a snapshot start and after changes', async () => {
    await createListedListing({ name: 'Listed' });
    const overdue = await createListedListing({ name: 'Hidden: long overdue for review', reviewDueOn: new Date(Date.now() - 90 * 86_400_000) });
    await createListedListing({ name: 'Draft', status: 'draft' });
    await keeper().build();

    const started = keeper();
    expect(await started.build()).toMatchObject({ from: 'snapshot' });
    expect(await started.approvedListingCount()).toBe(2);
    await createListedListing({ name: 'Approved later' });
    await Listing.updateOne({ _id: overdue._id }, { $set: { status: 'suspended' } });
    expect(await started.approvedListingCount()).toBe(2);
    await Listing.updateMany({ status: 'approved' }, { $set: { status: 'suspended' } });
    expect(await started.approvedListingCount()).toBe(0);
  });

  it('leaves a fresh snapshot after many changes, so a starting instance replays few', async () => {
    const instance = keeper();
    await instance.build();
    const before = (await directorySnapshotSeq())!;
    const listing = await createListedListing({ name: 'Busy' });
    for (let i = 0; i < 1_000; i++) await mongoose.connection.db!.collection('listing_changes').insertOne({ _id: String(before + 2 + i) as never, seq: before + 2 + i, ids: [listing._id.toString()], at: new Date() });
    await instance.current();
    expect(await directorySnapshotSeq()).toBeGreaterThanOrEqual(before + 1_000);
    expect(await listedNames(instance)).toEqual(['Busy']);
  });
});
