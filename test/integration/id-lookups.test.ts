import mongoose, { Types } from 'mongoose';
import { School } from '../../src/features/schools/school.model';
import { User } from '../../src/features/accounts/user.model';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';

useTestDatabase();

describe('finding by a list of ids (answered one id at a time)', () => {
  it('gives what a find by $in gives: the matching documents, projection, lean or hydrated, strings or ObjectIds', async () => {
    const schools = await Promise.all([createSchool({ name: 'Alpha' }), createSchool({ name: 'Beta' }), createSchool({ name: 'Gamma' })]);
    const ids = [schools[2]!._id, schools[0]!._id, new Types.ObjectId()];
    const lean = await School.find({ _id: { $in: ids } }, { name: 1 }).lean();
    expect(lean.map((school) => school.name).sort()).toEqual(['Alpha', 'Gamma']);
    expect(lean[0]).not.toHaveProperty('urn');
    const hydrated = await School.find({ _id: { $in: ids.map(String) } });
    expect(hydrated.map((school) => school.name).sort()).toEqual(['Alpha', 'Gamma']);
    expect(hydrated[0]!.isNew).toBe(false);
    expect(await School.find({ _id: { $in: [] } })).toEqual([]);
  });

  it('is active for every model, however early it was compiled: asks by single _id, never by $in', async () => {
    const school = await createSchool({ name: 'Looked Up' });
    const calls: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => calls.push(`${collection}.${method}`));
    try {
      await School.find({ _id: { $in: [school._id] } }).lean();
    } finally {
      mongoose.set('debug', false);
    }
    expect(calls).toEqual(['schools.findOne']);
  });

  it('serves populate()', async () => {
    const school = await createSchool({ name: 'Populated Primary' });
    const user = await createUser('school', { school: school._id });
    const found = await User.findById(user._id).populate<{ school: { name: string } }>('school', 'name').lean();
    expect(found!.school.name).toBe('Populated Primary');
  });
});
