import mongoose from 'mongoose';
import { seedDemoData } from '../seed/demo-data';
import type { Config } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { DATABASE_NAME } from '../src/db/database-name';
import { startEmbeddedFerretdb } from '../src/db/embedded-ferretdb';
import { ensureFerretdbBinary } from '../src/db/ferretdb-binary';
import { ensureIndexes } from '../src/db/indexes';
import { appIndexSpecs } from '../src/housekeeping';

/**
 * A fresh embedded database in config.dataDir, with indexes and the demo data, for one benchmark run;
 * under the app's own database name, so an app started later on the same folder finds it.
 */
export async function startDemoDatabase(config: Config): Promise<{ uri: string; pid: () => number | undefined; stop: () => Promise<void> }> {
  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
  const database = await startEmbeddedFerretdb({ binary, dataDir: config.dataDir, postgresqlUrl: config.ferretdb.postgresqlUrl, synchronous: config.ferretdb.synchronous });
  const uri = `${database.uri}${DATABASE_NAME}`;
  await connectDatabase(uri);
  await ensureIndexes(mongoose.connection.db!, appIndexSpecs());
  await seedDemoData();
  return {
    uri,
    pid: database.pid,
    stop: async () => {
      await mongoose.disconnect();
      await database.stop();
    },
  };
}
