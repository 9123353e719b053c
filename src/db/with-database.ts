import mongoose from 'mongoose';
import type { Config } from '../config';
import { connectDatabase } from './connect';
import { DATABASE_NAME } from './database-name';
import { startEmbeddedFerretdb } from './embedded-ferretdb';
import { ensureFerretdbBinary } from './ferretdb-binary';

/** For command-line tools: connects to MONGODB_URI or the embedded database, runs `work`, then closes both. */
export async function withDatabase<T>(config: Config, work: () => Promise<T>): Promise<T> {
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
    return await work();
  } finally {
    await mongoose.disconnect();
    await stop();
  }
}
