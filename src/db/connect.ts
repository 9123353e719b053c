import mongoose from 'mongoose';
import './mongoose-setup';

/**
 * How quickly the app notices a database that has stopped answering (measured by `npm run bench:faults`).
 * The driver checks the server every heartbeat; a check without an answer within the connect timeout
 * marks the server unknown, which interrupts the operations waiting on it and, through mongoose's
 * readyState, refuses new requests at once (failFastWhileDatabaseDown) until a check succeeds again.
 * A read the driver retries waits at most the server selection timeout for the server to come back
 * (the embedded database restarts within a second if it dies). With the defaults (checks every 10 s,
 * 30 s timeouts) requests hung for as long as the database was frozen or unreachable.
 */
export const DATABASE_TIMEOUTS = { heartbeatFrequencyMS: 1_000, connectTimeoutMS: 3_000, serverSelectionTimeoutMS: 2_000 } as const;

/** extra: driver options beside ours (the tests watch the commands sent with monitorCommands). */
export async function connectDatabase(uri: string, dbName?: string, extra: mongoose.ConnectOptions = {}): Promise<typeof mongoose> {
  return mongoose.connect(uri, {
    ...extra,
    ...(dbName ? { dbName } : {}),
    ...DATABASE_TIMEOUTS,
    // Once connected, fail fast while the database is unreachable instead of queueing requests.
    bufferCommands: false,
  });
}

/** True when the database answers a ping within the timeout. */
export async function databaseAnswers(timeoutMs = 2_000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  const ping = db
    .admin()
    .command({ ping: 1 })
    .then(() => true)
    .catch(() => false);
  return Promise.race([ping, timeout]);
}
