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

/**
 * On a MongoDB replica set (Atlas), a read or write interrupted by an election or a failover is retried
 * once by the driver, on the new primary (retryReads, retryWrites: the driver's defaults, stated so that
 * a connection string cannot quietly turn them off for the app). The retry waits at most the server
 * selection timeout above for a primary; an election that takes longer (Atlas: typically under 12 s)
 * shows the "service unavailable" page for its duration rather than hanging requests. On FerretDB,
 * which is not a replica set, the driver does not retry writes. docs/database.md.
 */
export const DATABASE_RETRIES = { retryReads: true, retryWrites: true } as const;

/** How long start-up keeps trying to reach the database (a server starting beside the app, an election in progress). */
export const START_RETRY_MS = 60_000;

/** extra: driver options beside ours (the tests watch the commands sent with monitorCommands). */
export async function connectDatabase(uri: string, dbName?: string, extra: mongoose.ConnectOptions = {}): Promise<typeof mongoose> {
  return mongoose.connect(uri, {
    ...extra,
    ...(dbName ? { dbName } : {}),
    ...DATABASE_TIMEOUTS,
    ...DATABASE_RETRIES,
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

/**
 * Connects at start-up, trying again (after 1, 2, 4, then 5 s) until forMs has passed: a database that is
 * still starting, or a replica set electing a primary, delays the start instead of failing it.
 */
export async function connectAtStart(uri: string, say: (line: string) => void, forMs = START_RETRY_MS): Promise<void> {
  const deadline = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await connectDatabase(uri);
      return;
    } catch (error) {
      await mongoose.disconnect().catch(() => undefined);
      const waitMs = Math.min(5_000, 1_000 * 2 ** (attempt - 1));
      if (Date.now() + waitMs > deadline) throw new Error(`The database did not answer for ${Math.round(forMs / 1000)} s: ${(error as Error).message}`);
      say(`The database is not answering yet (${(error as Error).message}); trying again in ${waitMs / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
