import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase } from '../../src/db/connect';
import { ensureIndexes } from '../../src/db/indexes';
import { ATTEMPT_SLOTS_COLLECTION } from '../../src/features/accounts/attempt-slots';
import { RATE_LIMIT_COLLECTION } from '../../src/features/accounts/rate-limits';
import { appIndexSpecs } from '../../src/housekeeping';

/**
 * Connects this test file to a fresh database of its own on the run's database server, and drops it
 * afterwards. monitorCommands: the driver reports every command it sends (commandStarted events on
 * mongoose.connection.getClient()), for tests of what reaches the database.
 */
export function useTestDatabase(options: { monitorCommands?: boolean } = {}): void {
  beforeAll(async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (test/support/global-setup.ts)');
    await connectDatabase(uri, `test_${randomBytes(6).toString('hex')}`, { monitorCommands: options.monitorCommands ?? false });
    await ensureIndexes(mongoose.connection.db!, appIndexSpecs());
  });
  afterAll(async () => {
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });
}

/** Supertest requests all come from one address, so tests that fail sign-ins start from a clean count. */
export async function resetSignInLimits(): Promise<void> {
  await mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION).deleteMany({});
  await mongoose.connection.db!.collection(ATTEMPT_SLOTS_COLLECTION).deleteMany({});
}

type SentCommand = { commandName: string; command: Record<string, unknown> };

/**
 * What the app sends to the database while `during` runs (in a file with useTestDatabase({ monitorCommands:
 * true })): each command as `describe` gives it, by default "command collection" ("find sessions").
 */
export async function commandsSentDuring<T = string>(during: () => Promise<unknown>, describe: (sent: SentCommand) => T = describeCommand as (sent: SentCommand) => T): Promise<T[]> {
  const sent: T[] = [];
  const watch = (event: SentCommand) => void sent.push(describe(event));
  mongoose.connection.getClient().on('commandStarted', watch);
  try {
    await during();
  } finally {
    mongoose.connection.getClient().off('commandStarted', watch);
  }
  return sent;
}

const describeCommand = ({ commandName, command }: SentCommand) => `${commandName} ${String(command[commandName])}`;
