import { loadConfig } from '../src/config';
import { withDatabase } from '../src/db/with-database';
import { seedDemoData } from './demo-data';

/** `npm run seed`: loads the demo data into the configured database (embedded by default). */
async function main(): Promise<void> {
  await withDatabase(loadConfig(process.env), async () => {
    await seedDemoData();
    console.log('Demo data loaded (anything already there was left alone).');
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
