import type { Db } from 'mongodb';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../config';
import { connectDatabase } from './connect';
import { ensureIndexes, modelIndexSpecs, type IndexSpec } from './indexes';
import { openDatabase } from './open-database';

/**
 * Runs a command-line task against the configured database (the running app's embedded one if it
 * is up), then disconnects; prints a one-line error and exits 1 on failure. Indexes are built first (if
 * missing): `indexes` (the seed and scripts pass src/housekeeping.ts's appIndexSpecs(), every index the app
 * needs), by default those of the models the command has registered, or none if `false` (restore builds
 * them after loading).
 */
export function runCommand(
  task: (db: Db, config: Config) => Promise<void>,
  options: { quiet?: boolean; indexes?: readonly IndexSpec[] | false } = {},
): void {
  const main = async () => {
    const config = loadConfig(process.env);
    const database = await openDatabase(config, options.quiet ? () => undefined : console.log);
    try {
      await connectDatabase(database.uri);
      if (options.indexes !== false) await ensureIndexes(mongoose.connection.db!, options.indexes ?? modelIndexSpecs());
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
