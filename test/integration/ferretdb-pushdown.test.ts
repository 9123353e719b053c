import mongoose, { Types } from 'mongoose';
import { useTestDatabase } from '../support/database';

useTestDatabase();

/**
 * Our FerretDB build narrows what SQLite reads for equality and $in on _id and on fields with a
 * "_scalar" index (tools/ferretdb/patches/02-*). These ask through such an index and check the answers
 * are exactly what the whole filter selects, so a narrowing that dropped or kept the wrong rows fails.
 */
describe('filters our FerretDB build answers through an index', () => {
  const schools = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
  const collection = () => mongoose.connection.db!.collection<{ _id: Types.ObjectId | string; school: Types.ObjectId; code: string; n: number }>('pushdown_checks');

  beforeAll(async () => {
    await collection().createIndex({ school: 1, n: 1 }, { name: 'school_1_n_1_scalar' });
    await collection().createIndex({ code: 1 }, { name: 'code_1_scalar' });
    await collection().insertMany(
      Array.from({ length: 30 }, (_, n) => ({ _id: n % 2 ? new Types.ObjectId() : `doc-${n}`, school: schools[n % 3]!, code: `c${n % 5}`, n })),
    );
  });

  const ns = async (filter: Record<string, unknown>) => (await collection().find(filter as never).sort({ n: 1 }).toArray()).map((document) => document.n);
  const every = (test: (n: number) => boolean) => Array.from({ length: 30 }, (_, n) => n).filter(test);

  it('answers equality and $in on a scalar-indexed ObjectId field, alone and with other conditions', async () => {
    expect(await ns({ school: schools[1] })).toEqual(every((n) => n % 3 === 1));
    expect(await ns({ school: { $in: [schools[0], schools[2]] } })).toEqual(every((n) => n % 3 !== 1));
    expect(await ns({ school: { $in: [schools[0], schools[2]] }, n: { $gte: 10 } })).toEqual(every((n) => n % 3 !== 1 && n >= 10));
    expect(await ns({ school: { $in: [schools[0]] }, code: { $in: ['c1', 'c2'] } })).toEqual(every((n) => n % 3 === 0 && [1, 2].includes(n % 5)));
    expect(await ns({ school: { $in: [new Types.ObjectId()] } })).toEqual([]);
  });

  it('answers $in on _id mixing strings and ObjectIds, with a sort, and leaves other operators to the handler', async () => {
    const all = await collection().find({}).sort({ n: 1 }).toArray();
    const chosen = [all[3]!._id, all[4]!._id, all[17]!._id, 'missing'];
    expect(await ns({ _id: { $in: chosen } })).toEqual([3, 4, 17]);
    expect(await ns({ _id: { $in: chosen }, code: 'c4' })).toEqual([4]);
    expect(await ns({ _id: { $in: [] } })).toEqual([]);
    expect(await ns({ school: { $in: [] }, code: 'c1' })).toEqual([]);
    expect(await ns({ code: { $in: ['c0'], $nin: ['c1'] } })).toEqual(every((n) => n % 5 === 0));
    expect(await ns({ code: { $in: [/c[01]/] } })).toEqual(every((n) => n % 5 < 2));
  });
});
