import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { writeBackup, type BackupSummary } from './backup';
import { startEmbeddedFerretdb } from './embedded-ferretdb';

/**
 * Backups as of one moment, taken while the app keeps writing, so a restore reproduces every collection
 * exactly as it was then (a commission and its history, ledgers and notifications agree).
 *
 * Embedded database (FerretDB on SQLite): each database is one SQLite file in WAL mode. Our FerretDB
 * binary copies it with SQLite's VACUUM INTO, which reads the whole file in one read transaction: a
 * consistent copy, made without pausing or blocking the app's writes. A second FerretDB then serves the
 * copy, and the backup is written from it.
 *
 * Embedded database on PostgreSQL: a FerretDB database is a PostgreSQL schema (one table per collection
 * and one of metadata). Our binary copies every table of it into a new schema in one REPEATABLE READ
 * transaction (one snapshot for all reads; writers are not blocked), a second FerretDB started after
 * that serves the copy, the backup is written from it, and the copy is dropped.
 *
 * MongoDB (replica set or sharded cluster, 5.0 or later): every read is made in one snapshot session,
 * so all collections are read as of the same cluster time. The server keeps that history for
 * minSnapshotHistoryWindowInSeconds (5 minutes by default): a backup that takes longer fails and says so.
 * A server that cannot read a snapshot (a standalone mongod, FerretDB run separately) is read collection
 * by collection, and the summary says the backup is consistent only if nothing wrote during it.
 */
export type SnapshotBackupSummary = BackupSummary & { pointInTime: boolean };

function run(binary: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim() || `${binary} exited with ${code}`))));
  });
}

export async function backupEmbeddedDatabase(options: {
  binary: string;
  dataDir: string;
  databaseName: string;
  file: string;
  derived?: readonly string[];
}): Promise<SnapshotBackupSummary> {
  const source = path.resolve(options.dataDir, `${options.databaseName}.sqlite`);
  if (!existsSync(source)) throw new Error(`There is no database to back up: ${source} does not exist`);
  const copyDir = mkdtempSync(path.join(tmpdir(), 'ssb-snapshot-'));
  try {
    await run(options.binary, [`--snapshot-from=${source}`, `--snapshot-to=${path.join(copyDir, `${options.databaseName}.sqlite`)}`]);
    const copy = await startEmbeddedFerretdb({ binary: options.binary, dataDir: copyDir });
    const client = new MongoClient(copy.uri);
    try {
      return { ...(await writeBackup(client.db(options.databaseName), options.file, { derived: options.derived })), pointInTime: true };
    } finally {
      await client.close();
      await copy.stop();
    }
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
}

export async function backupEmbeddedPostgres(options: {
  binary: string;
  postgresqlUrl: string;
  databaseName: string;
  file: string;
  derived?: readonly string[];
}): Promise<SnapshotBackupSummary> {
  const copyName = `${options.databaseName}_backup_${Date.now().toString(36)}`;
  const pg = ['--handler=postgresql'];
  // The URL may hold a password: in the environment, not the arguments (which `ps` shows).
  const env = { ...process.env, FERRETDB_POSTGRESQL_URL: options.postgresqlUrl };
  await run(options.binary, [...pg, `--pg-snapshot-from=${options.databaseName}`, `--pg-snapshot-to=${copyName}`], env);
  try {
    const copy = await startEmbeddedFerretdb({ binary: options.binary, dataDir: tmpdir(), postgresqlUrl: options.postgresqlUrl });
    const client = new MongoClient(copy.uri);
    try {
      return { ...(await writeBackup(client.db(copyName), options.file, { derived: options.derived })), pointInTime: true };
    } finally {
      await client.close();
      await copy.stop();
    }
  } finally {
    await run(options.binary, [...pg, `--pg-drop=${copyName}`], env);
  }
}

export async function backupMongoDatabase(client: MongoClient, databaseName: string, file: string, derived?: readonly string[]): Promise<SnapshotBackupSummary> {
  const db = client.db(databaseName);
  const hello = await db.admin().command({ hello: 1 });
  const snapshots = (Boolean(hello.setName) || hello.msg === 'isdbgrid') && Number(hello.maxWireVersion) >= 13;
  if (!snapshots) return { ...(await writeBackup(db, file, { derived })), pointInTime: false };
  const session = client.startSession({ snapshot: true });
  try {
    return { ...(await writeBackup(db, file, { derived, session })), pointInTime: true };
  } finally {
    await session.endSession();
  }
}
