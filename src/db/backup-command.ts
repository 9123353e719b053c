import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Config } from '../config';
import { DATABASE_NAME } from './database-name';
import { ensureFerretdbBinary } from './ferretdb-binary';
import { backupEmbeddedDatabase, backupEmbeddedPostgres, backupMongoDatabase, type SnapshotBackupSummary } from './snapshot-backup';

/** Where `npm run backup` writes when not told. */
export const DEFAULT_BACKUP_DIR = 'backups';

/**
 * Backs up the configured database as of one moment (snapshot-backup.ts) to a new dated file in
 * directory: MONGODB_URI if set, else the embedded database's data (SQLite files in DATA_DIR, or its
 * PostgreSQL database), whether the app is running or not.
 */
export async function backupConfiguredDatabase(
  config: Config,
  directory: string,
  options: { derived?: readonly string[]; prefix?: string } = {},
): Promise<SnapshotBackupSummary> {
  mkdirSync(directory, { recursive: true });
  const file = path.join(path.resolve(directory), `${options.prefix ?? 'school-support'}-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);
  if (config.mongodbUri) {
    const client = await MongoClient.connect(config.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
    try {
      return await backupMongoDatabase(client, client.db().databaseName, file, options.derived);
    } finally {
      await client.close();
    }
  }
  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
  if (config.ferretdb.postgresqlUrl) {
    return backupEmbeddedPostgres({ binary, postgresqlUrl: config.ferretdb.postgresqlUrl, databaseName: DATABASE_NAME, file, derived: options.derived });
  }
  return backupEmbeddedDatabase({ binary, dataDir: config.dataDir, databaseName: DATABASE_NAME, file, derived: options.derived });
}

/** What a backup's summary means for the person who ran it, as lines to print. */
export function describeBackup(summary: SnapshotBackupSummary): string[] {
  const total = Object.values(summary.collections).reduce((sum, count) => sum + count, 0);
  const lines = [`Backed up ${total} documents in ${Object.keys(summary.collections).length} collections to ${summary.file}`];
  if (!summary.pointInTime) {
    lines.push('This server cannot read a snapshot (it is not a replica set or sharded cluster of MongoDB 5.0 or later), so the');
    lines.push('collections were read one after another: the backup is consistent only if nothing wrote to the database meanwhile.');
  }
  if (summary.uniqueKeyProblems.length) {
    lines.push(`Warning: ${summary.uniqueKeyProblems.length} documents break a unique index as MongoDB reads it, so this data would not build its indexes on MongoDB`);
    lines.push('and `npm run restore` will refuse the file until they are fixed:');
    for (const problem of summary.uniqueKeyProblems.slice(0, 10)) lines.push(`  ${problem}`);
  }
  return lines;
}
