import { Types } from 'mongoose';
import { School } from '../../src/features/schools/school.model';
import { Listing } from '../../src/features/listings/listing.model';
import { matchesNothing } from '../../src/db/mongoose-setup';
import { commandsSentDuring, useTestDatabase } from '../support/database';

// A read whose filter asks a field to be in an empty list cannot match anything: it is answered without
// a round trip (on FerretDB each was a full table scan), and every other read still goes to the database.
useTestDatabase({ monitorCommands: true });

describe('reads that can match nothing', () => {
  it('knows an empty $in at the top level, and only there', () => {
    expect(matchesNothing({ _id: { $in: [] } })).toBe(true);
    expect(matchesNothing({ status: 'approved', listing: { $in: [] } })).toBe(true);
    expect(matchesNothing({ _id: { $in: [new Types.ObjectId()] } })).toBe(false);
    expect(matchesNothing({ $or: [{ _id: { $in: [] } }, { status: 'approved' }] })).toBe(false);
    expect(matchesNothing({ status: null, name: 'x' })).toBe(false);
  });

  it('answers find, findOne and countDocuments with nothing, without asking the database', async () => {
    let answers: unknown[] = [];
    const sent = await commandsSentDuring(async () => {
      answers = await Promise.all([
        Listing.find({ _id: { $in: [] } }).lean(),
        School.findOne({ urn: '100000', _id: { $in: [] } }).lean(),
        Listing.countDocuments({ status: 'approved', owners: { $in: [] } }),
      ]);
    });
    expect(answers).toEqual([[], null, 0]);
    expect(sent).toEqual([]);
  });

  it('still asks the database when the list has ids', async () => {
    const school = await School.create({ urn: '123456', name: 'Test School', localAuthority: 'Test', phase: 'primary' });
    const sent = await commandsSentDuring(async () => {
      expect(await School.find({ _id: { $in: [school._id] } }, { urn: 1 }).lean()).toEqual([{ _id: school._id, urn: '123456' }]);
    });
    expect(sent.length).toBe(1);
  });
});
