import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary, MongoClient, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { restoreBackup, RestoreError, writeBackup } from '../../src/db/backup';
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

  it('refuses to restore into a database that already has data', async () => {
    const source = mongoose.connection.db!;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-backup-')), 'backup.ndjson.gz');
    await writeBackup(source, file);
    await expect(restoreBackup(source, file)).rejects.toThrow(RestoreError);
  });
});
