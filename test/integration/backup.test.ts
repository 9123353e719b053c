import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary, MongoClient, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { restoreBackup, RestoreError, writeBackup } from '../../src/db/backup';
import { backupEmbeddedDatabase } from '../../src/db/snapshot-backup';
import { seedDemoData } from '../../seed/demo-data';
import { useTestDatabase } from '../support/database';

useTestDatabase();

async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
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
    expect(userIndexes).toContain('email_1');
    await expect(target.collection('users').insertOne({ email: 'sip@demo.example' })).rejects.toThrow(/duplicate/i);
    await target.dropDatabase();
  });

  it('backs up the embedded database as it was at one moment while writes go on, and restores exactly that', async () => {
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
    const summary = await backupEmbeddedDatabase({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir: process.env.TEST_FERRETDB_DATA_DIR!, databaseName: source.databaseName, file });
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
});
