// `npm run backup [-- DIR]`: writes a dated backup of every collection (uploads included; not the report
// figures, which are rebuilt from the rest) to DIR (default
// ./backups), as of one moment even while the app is writing (src/db/snapshot-backup.ts): from MONGODB_URI,
// or else from the embedded database's files in DATA_DIR, whether the app is running or not.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config';
import { DATABASE_NAME } from '../src/db/database-name';
import { ensureFerretdbBinary } from '../src/db/ferretdb-binary';
import { FIGURE_COLLECTIONS } from '../src/features/commissions/figures/figure-store';
import { backupEmbeddedDatabase, backupMongoDatabase, type SnapshotBackupSummary } from '../src/db/snapshot-backup';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const directory = path.resolve(process.argv[2] ?? 'backups');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `school-support-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);
  let summary: SnapshotBackupSummary;
  if (config.mongodbUri) {
    const client = await MongoClient.connect(config.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
    try {
      summary = await backupMongoDatabase(client, client.db().databaseName, file, FIGURE_COLLECTIONS);
    } finally {
      await client.close();
    }
  } else {
    const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
    summary = await backupEmbeddedDatabase({ binary, dataDir: config.dataDir, databaseName: DATABASE_NAME, file, derived: FIGURE_COLLECTIONS });
  }
  const total = Object.values(summary.collections).reduce((sum, count) => sum + count, 0);
  console.log(`Backed up ${total} documents in ${Object.keys(summary.collections).length} collections to ${file}`);
  if (!summary.pointInTime) {
    console.log('This server cannot read a snapshot (it is not a replica set or sharded cluster of MongoDB 5.0 or later), so the');
    console.log('collections were read one after another: the backup is consistent only if nothing wrote to the database meanwhile.');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
