import mongoose from 'mongoose';
import './mongoose-setup';

export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  return mongoose.connect(uri, {
    ...(dbName ? { dbName } : {}),
    serverSelectionTimeoutMS: 3_000,
    // Once connected, fail fast while the database is unreachable (the error page answers 503)
    // instead of queueing requests.
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
