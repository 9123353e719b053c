import type { Db } from 'mongodb';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../config';
import './all-models';
import { connectDatabase } from './connect';
import { ensureIndexes } from './indexes';
import { openDatabase } from './open-database';

/**
 * Runs a command-line task against the configured database (the running app's embedded one if it
 * is up), then disconnects; prints a one-line error and exits 1 on failure. The app's indexes are
 * built first (if missing) unless `indexes: false` (restore builds them after loading).
 */
export function runCommand(task: (db: Db, config: Config) => Promise<void>, options: { quiet?: boolean; indexes?: boolean } = {}): void {
  const main = async () => {
    const config = loadConfig(process.env);
    const database = await openDatabase(config, options.quiet ? () => undefined : console.log);
    try {
      await connectDatabase(database.uri);
      if (options.indexes !== false) await ensureIndexes(mongoose.connection.db!);
      await task(mongoose.connection.db!, config);
    } finally {
      await mongoose.disconnect();
      await database.close();
    }
  };
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
