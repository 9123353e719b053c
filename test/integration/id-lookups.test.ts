import { Types } from 'mongoose';
import { findInOrder } from '../../src/db/id-lookups';
import { School } from '../../src/features/schools/school.model';
import { useTestDatabase } from '../support/database';
import { createSchool } from '../support/factories';

useTestDatabase();

describe('finding documents by a list of ids, in the order given', () => {
  it('keeps the order asked for and leaves out ids that match nothing', async () => {
    const [alpha, beta, gamma] = await Promise.all([createSchool({ name: 'Alpha' }), createSchool({ name: 'Beta' }), createSchool({ name: 'Gamma' })]);
    const found = await findInOrder(School, [gamma!.id as string, new Types.ObjectId().toString(), alpha!.id as string, beta!.id as string]);
    expect(found.map((school) => school.name)).toEqual(['Gamma', 'Alpha', 'Beta']);
    expect(await findInOrder(School, [])).toEqual([]);
  });

  it('asks in groups when there are more ids than one query takes', async () => {
    const [first, last] = await Promise.all([createSchool({ name: 'First' }), createSchool({ name: 'Last' })]);
    const missing = Array.from({ length: 1_100 }, () => new Types.ObjectId().toString());
    const found = await findInOrder(School, [last!.id as string, ...missing, first!.id as string]);
    expect(found.map((school) => school.name)).toEqual(['Last', 'First']);
  });
});
