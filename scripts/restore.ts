// `npm run restore -- FILE`: loads a backup into the configured database, which must be empty.
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { restoreBackup } from '../src/db/backup';
import { connectDatabase } from '../src/db/connect';
import { openDatabase } from '../src/db/open-database';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: npm run restore -- FILE');
  const database = await openDatabase(loadConfig(process.env), () => undefined);
  try {
    await connectDatabase(database.uri);
    const counts = await restoreBackup(mongoose.connection.db!, file);
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    console.log(`Restored ${total} documents in ${Object.keys(counts).length} collections from ${file}`);
  } finally {
    await mongoose.disconnect();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
