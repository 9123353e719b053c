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

/**
 * Our FerretDB build sorts and limits in SQLite a read with no filter, sorted on one field whose index is
 * named "..._sortable_scalar" (tools/ferretdb/patches/04-*). The answers must be MongoDB's whatever the
 * back end; on SQLite, explain must also show that the sort and limit reached the database.
 */
describe('sorted, limited reads our FerretDB build answers through an index', () => {
  const collection = () => mongoose.connection.db!.collection<{ _id: Types.ObjectId; key?: string; other: string; n: number }>('sort_checks');
  const onSqlite = !process.env.TEST_FERRETDB_POSTGRESQL_URL;

  beforeAll(async () => {
    await collection().createIndex({ key: -1 }, { name: 'key_-1_sortable_scalar' });
    await collection().createIndex({ other: 1 }, { name: 'other_1_scalar' });
    // n 0–19 in a shuffled order of insertion; keys are ISO dates in n's order; every fifth has no key.
    const order = [7, 3, 15, 0, 19, 11, 4, 8, 12, 1, 16, 9, 5, 18, 2, 13, 6, 10, 14, 17];
    await collection().insertMany(
      order.map((n) => ({ _id: new Types.ObjectId(), other: `o${n}`, n, ...(n % 5 === 4 ? {} : { key: new Date(Date.UTC(2026, 0, 1 + n)).toISOString() }) })),
    );
  });

  const ns = async (sort: Record<string, 1 | -1>, limit: number, filter: Record<string, unknown> = {}, skip = 0) =>
    (await collection().find(filter as never).sort(sort).skip(skip).limit(limit).toArray()).map((document) => document.n);
  const keyed = Array.from({ length: 20 }, (_, n) => n).filter((n) => n % 5 !== 4);

  it('gives MongoDB’s order: newest first, and documents without the field first when ascending', async () => {
    const unkeyed = new Set([4, 9, 14, 19]);
    const newestFirst = keyed.slice().reverse();
    expect(await ns({ key: -1 }, 5)).toEqual(newestFirst.slice(0, 5));
    const all = await ns({ key: -1 }, 100);
    expect(all.slice(0, 16)).toEqual(newestFirst);
    expect(new Set(all.slice(16))).toEqual(unkeyed);
    const ascending = await ns({ key: 1 }, 6);
    expect(new Set(ascending.slice(0, 4))).toEqual(unkeyed);
    expect(ascending.slice(4)).toEqual([0, 1]);
  });

  it('leaves reads with a filter, a skip or another field to the handler, with the same answers', async () => {
    expect(await ns({ key: -1 }, 3, { n: { $lt: 10 } })).toEqual([8, 7, 6]);
    expect(await ns({ key: -1 }, 3, {}, 2)).toEqual(keyed.slice().reverse().slice(2, 5));
    expect(await ns({ other: -1 }, 3)).toEqual([9, 8, 7]);
  });

  (onSqlite ? it : it.skip)('sends the sort and limit to SQLite only for a field with such an index', async () => {
    const explain = (sort: Record<string, 1 | -1>, filter: Record<string, unknown> = {}) =>
      mongoose.connection.db!.command({ explain: { find: 'sort_checks', filter, sort, limit: 5 }, verbosity: 'queryPlanner' });
    expect(await explain({ key: -1 })).toMatchObject({ sortPushdown: true, limitPushdown: true });
    expect(await explain({ other: -1 })).toMatchObject({ sortPushdown: false, limitPushdown: false });
    expect(await explain({ key: -1 }, { n: 1 })).toMatchObject({ sortPushdown: false, limitPushdown: false });
  });
});
