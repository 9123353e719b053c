import mongoose from 'mongoose';
import { ensureIndexes, IndexError, type IndexSpec } from '../../src/db/indexes';
import { appIndexSpecs } from '../../src/housekeeping';
import { useTestDatabase } from '../support/database';

useTestDatabase();

/** ensureIndexes is the one owner of every index: it builds what is missing, once, and says why it cannot. */
describe('indexes', () => {
  const db = () => mongoose.connection.db!;

  it('has built every index the app defines, and a second pass builds nothing', async () => {
    for (const spec of appIndexSpecs()) {
      const names = (await db().collection(spec.collection).indexes()).map((index) => index.name);
      expect(names).toContain(spec.name);
    }
    expect(await ensureIndexes(db(), appIndexSpecs())).toEqual({ created: [], present: appIndexSpecs().length });
  });

  it('builds one that went missing, and only that one', async () => {
    await db().collection('schools').dropIndex('urn_1_scalar');
    expect((await ensureIndexes(db(), appIndexSpecs())).created).toEqual(['schools.urn_1_scalar']);
  });

  it('takes the same index under another name as present, but builds a *_scalar one again under its name (FerretDB answers by the name)', async () => {
    const collection = db().collection('renamed_indexes');
    await collection.createIndex({ a: 1 }, { name: 'by_hand' });
    await collection.createIndex({ b: 1 }, { name: 'b_1' });
    const wanted: IndexSpec[] = [
      { collection: 'renamed_indexes', key: { a: 1 }, name: 'a_1' },
      { collection: 'renamed_indexes', key: { b: 1 }, name: 'b_1_scalar' },
    ];
    expect(await ensureIndexes(db(), wanted)).toEqual({ created: ['renamed_indexes.b_1_scalar'], present: 1 });
    expect((await collection.indexes()).map((index) => index.name).sort()).toEqual(['_id_', 'b_1_scalar', 'by_hand']);
  });

  it('refuses to start on an index that exists with another definition, saying what to do', async () => {
    await db().collection('odd_indexes').createIndex({ a: 1 }, { name: 'shared_name' });
    await expect(ensureIndexes(db(), [{ collection: 'odd_indexes', key: { b: 1 }, name: 'shared_name' }])).rejects.toThrow(
      /The index shared_name on odd_indexes exists with another definition .*dropIndex\("shared_name"\)/,
    );
  });

  it('refuses a unique index over data MongoDB would refuse, though FerretDB would build it', async () => {
    await db().collection('unique_trouble').insertMany([{ name: 'a' }, { name: 'b' }, { code: ['x', 'y'] }, { code: 'z' }, { code: 'z' }]);
    const error = await ensureIndexes(db(), [{ collection: 'unique_trouble', key: { code: 1 }, name: 'code_1', unique: true }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as Error).message).toMatch(/Cannot build the unique index code_1 on unique_trouble: .* has no code; .* has no code; .* holds a list in code; .* share code \["z"\]/);
    expect((await db().collection('unique_trouble').indexes()).map((index) => index.name)).toEqual(['_id_']);
  });
});
