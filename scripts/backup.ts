// `npm run backup [-- DIR]`: writes a dated backup of every collection (uploads included) to DIR
// (default ./backups), from MONGODB_URI or the embedded database (the running app's, if it is running).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { writeBackup } from '../src/db/backup';
import { connectDatabase } from '../src/db/connect';
import { openDatabase } from '../src/db/open-database';

async function main(): Promise<void> {
  const directory = path.resolve(process.argv[2] ?? 'backups');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `school-support-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);
  const database = await openDatabase(loadConfig(process.env), () => undefined);
  try {
    await connectDatabase(database.uri);
    const summary = await writeBackup(mongoose.connection.db!, file);
    const total = Object.values(summary.collections).reduce((sum, count) => sum + count, 0);
    console.log(`Backed up ${total} documents in ${Object.keys(summary.collections).length} collections to ${file}`);
  } finally {
    await mongoose.disconnect();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
