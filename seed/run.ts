import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedFerretdb } from '../src/db/embedded-ferretdb';
import { ensureFerretdbBinary } from '../src/db/ferretdb-binary';
import { DATABASE_NAME } from '../src/db/database-name';
import { seedDemoData } from './demo-data';

/** `npm run seed`: loads the demo data into the configured database (embedded by default). */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let stop = async () => undefined as void;
  let uri = config.mongodbUri;
  if (!uri) {
    const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
    const embedded = await startEmbeddedFerretdb({ binary, dataDir: config.dataDir });
    stop = embedded.stop;
    uri = `${embedded.uri}${DATABASE_NAME}`;
  }
  try {
    await connectDatabase(uri);
    await seedDemoData();
    console.log('Demo data loaded (anything already there was left alone).');
  } finally {
    await mongoose.disconnect();
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
