import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { BackgroundWork } from '../../src/web/background-work';
import { loadConfig, type Config } from '../../src/config';
import { paths } from '../../src/paths';
import { submitForm } from './http';

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

const backgroundWork = new WeakMap<Express, BackgroundWork>();

export function buildTestApp(environment: Record<string, string> = {}, logger = pino({ level: 'silent' }), clock?: () => Date, background = new BackgroundWork(logger)) {
  const app = createApp({ config: testConfig(environment), logger, connection: mongoose.connection, clock, background });
  backgroundWork.set(app, background);
  return app;
}

/** Background work that starts only when released, to see what a request did before it answered. */
export class HeldBackgroundWork extends BackgroundWork {
  private readonly held: { what: string; start: () => void }[] = [];

  override run(what: string, task: () => Promise<unknown>): void {
    this.held.push({ what, start: () => super.run(what, task) });
  }

  /** How many pieces of work of this kind wait to be released. */
  waiting(what: string): number {
    return this.held.filter((work) => work.what === what).length;
  }

  async release(): Promise<void> {
    for (const { start } of this.held.splice(0)) start();
    await this.settled();
  }
}

/** Waits for the work the app's requests started without waiting (a password reset's email, say). */
export async function backgroundSettled(app: Express): Promise<void> {
  await backgroundWork.get(app)?.settled();
}

/** A clock a test moves on by hand, so a 15-minute lockout needs no waiting. */
export function testClock(start = new Date()): { now: () => Date; advanceMinutes: (minutes: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advanceMinutes: (minutes) => void (current += minutes * 60_000) };
}

/** Asks for a password reset through the form, as a browser would, and waits until the app has acted on it. */
export async function askForPasswordReset(app: Express, email: string): Promise<request.Response> {
  const response = await submitForm(request.agent(app), paths.forgottenPassword, { email });
  await backgroundSettled(app);
  return response;
}
