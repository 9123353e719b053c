import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { openDatabase } from '../src/db/open-database';
import { seedDemoData } from './demo-data';

/** `npm run seed`: loads the demo data into the configured database (the running app's, if embedded). */
async function main(): Promise<void> {
  const database = await openDatabase(loadConfig(process.env));
  try {
    await connectDatabase(database.uri);
    await seedDemoData();
    console.log('Demo data loaded (anything already there was left alone).');
  } finally {
    await mongoose.disconnect();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
