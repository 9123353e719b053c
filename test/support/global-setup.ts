import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../../src/db/embedded-ferretdb';
import { ensureFerretdbBinary } from '../../src/db/ferretdb-binary';

declare global {
  var __FERRETDB__: EmbeddedDatabase | undefined;
}

/**
 * One real FerretDB for the whole run, in a temporary folder; each test file uses its own database. It is the
 * global setup of the integration and e2e projects only (jest runs a project's setup only when one of its tests
 * runs), so `npm run test:unit` needs neither Go nor a database; when both projects run, the second finds it started.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__FERRETDB__) return;
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) });
  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-test-db-'));
  globalThis.__FERRETDB__ = await startEmbeddedFerretdb({ binary, dataDir });
  process.env.TEST_MONGODB_URI = globalThis.__FERRETDB__.uri;
  process.env.TEST_FERRETDB_DATA_DIR = dataDir;
  process.env.FERRETDB_BIN_RESOLVED = binary;
}
