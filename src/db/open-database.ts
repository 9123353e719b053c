import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Config } from '../config';
import { DATABASE_NAME } from './database-name';
import { startEmbeddedFerretdb } from './embedded-ferretdb';
import { ensureFerretdbBinary } from './ferretdb-binary';

export type OpenDatabase = { uri: string; startedHere: boolean; close: () => Promise<void> };

const ANNOUNCEMENT = 'embedded-database.json';

/**
 * The connection string for the configured data: MONGODB_URI if set; otherwise the embedded database
 * for DATA_DIR (on SQLite files there, or on FERRETDB_POSTGRESQL_URL), reusing one another process (the
 * running app) has announced, or starting one. Only one embedded database may serve a data folder (or a
 * PostgreSQL database: FerretDB keeps what it knows of collections in memory), so a command run beside
 * the app shares its.
 */
export async function openDatabase(config: Config, say: (line: string) => void = console.log): Promise<OpenDatabase> {
  if (config.mongodbUri) return { uri: config.mongodbUri, startedHere: false, close: async () => undefined };

  const announced = await announcedEmbeddedUri(config.dataDir);
  if (announced) return { uri: announced, startedHere: false, close: async () => undefined };

  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary }, say);
  const shown = path.relative(process.cwd(), config.dataDir);
  say(
    config.ferretdb.postgresqlUrl
      ? `Starting the embedded database (FerretDB on PostgreSQL at ${describePostgresqlUrl(config.ferretdb.postgresqlUrl)}) ...`
      : `Starting the embedded database (FerretDB on SQLite) in ${shown.startsWith('..') ? config.dataDir : shown || '.'}/ ...`,
  );
  const embedded = await startEmbeddedFerretdb({
    binary,
    dataDir: config.dataDir,
    postgresqlUrl: config.ferretdb.postgresqlUrl,
    synchronous: config.ferretdb.synchronous,
    onRestart: (attempt, error) =>
      say(error ? `The embedded database could not be restarted (attempt ${attempt}): ${error.message}` : 'The embedded database stopped unexpectedly and was restarted.'),
  });
  const announcement = path.join(config.dataDir, ANNOUNCEMENT);
  writeFileSync(announcement, JSON.stringify({ uri: embedded.uri, pid: process.pid }));
  return {
    uri: `${embedded.uri}${DATABASE_NAME}`,
    startedHere: true,
    close: async () => {
      rmSync(announcement, { force: true });
      await embedded.stop();
    },
  };
}

async function announcedEmbeddedUri(dataDir: string): Promise<string | undefined> {
  const file = path.join(dataDir, ANNOUNCEMENT);
  if (!existsSync(file)) return undefined;
  const { uri } = JSON.parse(readFileSync(file, 'utf8')) as { uri: string };
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return `${uri}${DATABASE_NAME}`;
  } catch {
    rmSync(file, { force: true }); // left behind by a process that was killed
    return undefined;
  } finally {
    await client.close();
  }
}

/** host:port/database of a PostgreSQL URL, without the user or password, for messages. */
export function describePostgresqlUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}
