import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';

/** The real app on the test file's database, with settings overridable the way the environment sets them. */
export function testConfig(environment: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'test-secret-that-is-long-enough-1234567890',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ssb-test-data-')),
    LOG_LEVEL: 'silent',
    ...environment,
  });
}

export function buildTestApp(environment: Record<string, string> = {}, logger = pino({ level: 'silent' }), clock?: () => Date) {
  return createApp({ config: testConfig(environment), logger, connection: mongoose.connection, clock });
}

/** A clock a test moves on by hand, so a 15-minute lockout needs no waiting. */
export function testClock(start = new Date()): { now: () => Date; advanceMinutes: (minutes: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advanceMinutes: (minutes) => void (current += minutes * 60_000) };
}
