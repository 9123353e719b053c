import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The back end this run's databases are on (test/support/global-setup.ts). */
export type Backend = 'sqlite' | 'postgresql' | 'external';

export function testBackend(): Backend {
  return (process.env.TEST_BACKEND as Backend | undefined) ?? 'sqlite';
}

/**
 * Settings for an app or command run as a child process on a database of its own, on the run's back end:
 * the embedded FerretDB on SQLite in a new DATA_DIR, the embedded FerretDB on a new PostgreSQL database
 * (FerretDB creates it), or a new database on the external server. FERRETDB_BIN avoids a build.
 */
export function freshDatabaseEnvironment(label: string): Record<string, string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ssb-${label}-`));
  const name = `ssb_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const environment: Record<string, string> = { DATA_DIR: dataDir, FERRETDB_BIN: process.env.FERRETDB_BIN_RESOLVED!, MONGODB_URI: '', FERRETDB_POSTGRESQL_URL: '' };
  switch (testBackend()) {
    case 'postgresql': {
      const url = new URL(process.env.TEST_FERRETDB_POSTGRESQL_URL!);
      url.pathname = `/${name}`;
      return { ...environment, FERRETDB_POSTGRESQL_URL: url.toString() };
    }
    case 'external': {
      const url = new URL(process.env.TEST_MONGODB_URI!);
      url.pathname = `/${name}`;
      return { ...environment, MONGODB_URI: url.toString() };
    }
    default:
      return environment;
  }
}
