import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../../src/db/embedded-ferretdb';
import { ensureFerretdbBinary } from '../../src/db/ferretdb-binary';
import { describePostgresqlUrl } from '../../src/db/open-database';

declare global {
  var __FERRETDB__: EmbeddedDatabase | undefined;
}

/**
 * One database server for the whole run; each test file creates (and drops) databases of its own on it. It is
 * the global setup of the integration and e2e projects only (jest runs a project's setup only when one of its
 * tests runs), so `npm run test:unit` needs neither Go nor a database; when both projects run, the second finds
 * it started.
 * Which server, by the environment:
 * - TEST_MONGODB_URI: an external MongoDB-compatible server (MongoDB, Atlas, a FerretDB you run), used as is;
 * - TEST_FERRETDB_POSTGRESQL_URL: our FerretDB on that PostgreSQL database (created if missing);
 * - neither: our FerretDB on SQLite files in a temporary folder (the default).
 * TEST_BACKEND tells the tests which (sqlite, postgresql or external); FERRETDB_BIN_RESOLVED is our
 * FerretDB binary, for the tests of the embedded database itself.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__FERRETDB__ || process.env.TEST_BACKEND) return;
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), MONGODB_URI: '', FERRETDB_POSTGRESQL_URL: '' });
  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
  process.env.FERRETDB_BIN_RESOLVED = binary;
  const external = process.env.TEST_MONGODB_URI;
  const postgresqlUrl = process.env.TEST_FERRETDB_POSTGRESQL_URL;
  if (external && postgresqlUrl) throw new Error('Set TEST_MONGODB_URI or TEST_FERRETDB_POSTGRESQL_URL, not both');
  let described: string;
  if (external) {
    process.env.TEST_BACKEND = 'external';
    described = `the MongoDB-compatible server at ${new URL(external).host} (TEST_MONGODB_URI)`;
  } else if (postgresqlUrl) {
    globalThis.__FERRETDB__ = await startEmbeddedFerretdb({ binary, dataDir: tmpdir(), postgresqlUrl });
    process.env.TEST_MONGODB_URI = globalThis.__FERRETDB__.uri;
    process.env.TEST_BACKEND = 'postgresql';
    described = `FerretDB on PostgreSQL at ${describePostgresqlUrl(postgresqlUrl)} (TEST_FERRETDB_POSTGRESQL_URL)`;
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-test-db-'));
    globalThis.__FERRETDB__ = await startEmbeddedFerretdb({ binary, dataDir });
    process.env.TEST_MONGODB_URI = globalThis.__FERRETDB__.uri;
    process.env.TEST_FERRETDB_DATA_DIR = dataDir;
    process.env.TEST_BACKEND = 'sqlite';
    described = 'FerretDB on SQLite (embedded, in a temporary folder)';
  }
  process.stdout.write(`\nDatabase for this run: ${described}\n`);
}
