import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary, MongoClient, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { restoreBackup, RestoreError, writeBackup } from '../../src/db/backup';
import { ensureIndexes } from '../../src/db/indexes';
import { appIndexSpecs } from '../../src/housekeeping';
import { RESTORE_STATE_COLLECTION } from '../../src/db/restore-state';
import { backupEmbeddedDatabase, backupEmbeddedPostgres, backupMongoDatabase, type SnapshotBackupSummary } from '../../src/db/snapshot-backup';
import { testBackend } from '../support/backend';
import { seedDemoData } from '../../seed/demo-data';
import { useTestDatabase } from '../support/database';

useTestDatabase();

/** Every collection's documents; the restore's own record of itself (not data a backup holds) is checked on its own. */
async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name === RESTORE_STATE_COLLECTION) {
      expect(await db.collection(name).find({}, { projection: { _id: 1, state: 1 } }).toArray()).toEqual([{ _id: 'state', state: 'restored' }]);
      continue;
    }
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    result[name] = documents.map((document) => mongoose.mongo.BSON.EJSON.stringify(document, { relaxed: false }));
  }
  return result;
}

describe('backup and restore', () => {
  let other: MongoClient;
  beforeAll(async () => {
    other = await MongoClient.connect(process.env.TEST_MONGODB_URI!);
  });
  afterAll(async () => {
    await other.close();
  });

  it('round-trips every collection, document and type, and recreates indexes', async () => {
    const source = mongoose.connection.db!;
    await seedDemoData();
    await source.collection('stored_files').insertOne({ name: 'photo.png', data: new Binary(Buffer.from([0, 1, 2, 255])), at: new Date('2026-01-02T03:04:05Z') });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    const summary = await writeBackup(source, file);
    expect(summary.collections.users).toBeGreaterThan(0);

    const target = other.db(`restore_${Date.now()}`);
    await restoreBackup(target, file);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    const userIndexes = (await target.collection('users').indexes()).map((index) => index.name);
    expect(userIndexes).toContain('email_1_scalar');
    await expect(target.collection('users').insertOne({ email: 'sip@demo.example' })).rejects.toThrow(/duplicate/i);
    await target.dropDatabase();
  });

  /** The consistent backup of this run's back end: a copy of the SQLite file, of the PostgreSQL schema, or a MongoDB snapshot read. */
  const backupAsOfOneMoment = (databaseName: string, file: string): Promise<SnapshotBackupSummary> => {
    const binary = process.env.FERRETDB_BIN_RESOLVED!;
    switch (testBackend()) {
      case 'sqlite':
        return backupEmbeddedDatabase({ binary, dataDir: process.env.TEST_FERRETDB_DATA_DIR!, databaseName, file });
      case 'postgresql':
        return backupEmbeddedPostgres({ binary, postgresqlUrl: process.env.TEST_FERRETDB_POSTGRESQL_URL!, databaseName, file });
      default:
        return backupMongoDatabase(other, databaseName, file);
    }
  };

  it(`backs up the database as it was at one moment while writes go on, and restores exactly that (${testBackend()})`, async () => {
    const source = mongoose.connection.db!;
    await seedDemoData();
    // A writer that keeps changing three collections and a counter in a fixed order: at any moment the
    // database holds documents 1..m (document n in collection n % 3) and a counter saying m or m - 1.
    // The names put the app's collections between them, as a backup reads collections in name order.
    const writtenTo = ['aa_writes', 'mm_writes', 'zz_writes'];
    let written = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        const n = written + 1;
        await source.collection(writtenTo[n % 3]!).insertOne({ _id: n as never, payload: `document ${n}`, at: new Date() });
        await source.collection('zz_writes_counter').updateOne({ _id: 'counter' as never }, { $set: { n } }, { upsert: true });
        written = n;
      }
    })();
    const wait = (until: () => boolean) => new Promise<void>((resolve) => {
      const check = () => (until() ? resolve() : setTimeout(check, 5));
      check();
    });
    await wait(() => written >= 20);
    const before = written;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    const summary = await backupAsOfOneMoment(source.databaseName, file);
    const after = written;
    await wait(() => written >= after + 5);
    stop = true;
    await writer;
    expect(summary.pointInTime).toBe(true);
    expect(after).toBeGreaterThan(before);

    const target = other.db(`restore_${Date.now()}`);
    await restoreBackup(target, file);
    const restored = await snapshot(target);
    const ids = writtenTo.flatMap((name) => (restored[name] ?? []).map((document) => (mongoose.mongo.BSON.EJSON.parse(document) as { _id: number })._id));
    const m = Math.max(...ids);
    const counter = (await target.collection('zz_writes_counter').findOne({}))!.n as number;
    expect(m).toBeGreaterThanOrEqual(before);
    expect(m).toBeLessThanOrEqual(after + 1);
    expect([m, m - 1]).toContain(counter);

    // Every collection exactly as the source was at that moment: the documents written by then, and nothing later.
    const expected = await snapshot(source);
    for (const name of writtenTo) expected[name] = expected[name]!.filter((document) => (mongoose.mongo.BSON.EJSON.parse(document) as { _id: number })._id <= m);
    expected.zz_writes_counter = restored.zz_writes_counter!;
    expect(restored).toEqual(expected);
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: m }, (_, i) => i + 1));
    await target.dropDatabase();
  }, 30_000);

  it('refuses to restore into a database that already has data', async () => {
    const source = mongoose.connection.db!;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    await writeBackup(source, file);
    await expect(restoreBackup(source, file)).rejects.toThrow(RestoreError);
  });

  it('restores into a database where the app has already built its indexes, building each index once', async () => {
    // What `npm run restore` met every time: the app (or mongoose) had made the indexes, and the restore asked
    // FerretDB for all of them again in one command, which panicked FerretDB v1.24.2 ("slice bounds out of range").
    const source = mongoose.connection.db!;
    await seedDemoData();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    await writeBackup(source, file);
    const target = other.db(`restore_${Date.now()}`);
    await ensureIndexes(target, appIndexSpecs());
    const summary = await restoreBackup(target, file, { appIndexes: appIndexSpecs() });
    expect(summary.indexesCreated).toEqual([]);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    await target.dropDatabase();
  });

  it('replaces a database’s data when told to, keeping its indexes, and leaves nothing of what was there', async () => {
    const source = mongoose.connection.db!;
    await seedDemoData();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    await writeBackup(source, file);
    const target = other.db(`restore_${Date.now()}`);
    await ensureIndexes(target, appIndexSpecs());
    await target.collection('users').insertOne({ email: 'only.in.target@test.example', name: 'Gone after the restore' });
    await target.collection('only_in_target').insertOne({ note: 'gone too' });
    let toldBefore = false;
    const summary = await restoreBackup(target, file, { replace: true, pauseMs: 0, appIndexes: appIndexSpecs(), beforeReplacing: async () => void (toldBefore = true) });
    expect(toldBefore).toBe(true);
    expect(summary.replaced).toEqual({ users: 1, only_in_target: 1 });
    const restored = await snapshot(target);
    expect(restored.only_in_target).toEqual([]);
    delete restored.only_in_target;
    expect(restored).toEqual(await snapshot(source));
    await target.dropDatabase();
  });

  it('refuses a damaged or cut-short backup, and changes nothing', async () => {
    const source = mongoose.connection.db!;
    await seedDemoData();
    const dir = mkdtempSync(path.join(tmpdir(), 'ssb-backup-'));
    const file = path.join(dir, 'backup.ndjson.gz');
    await writeBackup(source, file);
    const lines = gunzipSync(readFileSync(file)).toString().split('\n');
    const cutAtLine = path.join(dir, 'cut-at-a-line.ndjson.gz');
    writeFileSync(cutAtLine, gzipSync([...lines.slice(0, 40), ...lines.slice(-2)].join('\n'))); // documents gone, last line kept
    const cutMidway = path.join(dir, 'cut-midway.ndjson.gz');
    const bytes = readFileSync(file);
    writeFileSync(cutMidway, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const target = other.db(`restore_${Date.now()}`);
    await expect(restoreBackup(target, cutAtLine)).rejects.toThrow(/is incomplete: \w+ has \d+ of its \d+ documents/);
    await expect(restoreBackup(target, cutMidway)).rejects.toThrow(/damaged or cut short/);
    expect(await target.listCollections().toArray()).toEqual([]);
  });

  it('refuses a backup whose unique keys would not build on MongoDB (FerretDB accepted them), and the backup says so', async () => {
    const source = mongoose.connection.db!;
    await seedDemoData();
    // FerretDB v1 lets both in despite the unique index on email: MongoDB counts two missing emails as duplicates.
    await source.collection('users').insertMany([{ name: 'No email 1' }, { name: 'No email 2' }]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    const summary = await writeBackup(source, file);
    expect(summary.uniqueKeyProblems).toEqual([expect.stringMatching(/^users .* has no email$/), expect.stringMatching(/^users .* has no email$/)]);
    const target = other.db(`restore_${Date.now()}`);
    await expect(restoreBackup(target, file)).rejects.toThrow(/unique indexes would not build on MongoDB/);
    expect(await target.listCollections().toArray()).toEqual([]);
    await source.collection('users').deleteMany({ email: { $exists: false } });
  });
});
