import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import mongoose from 'mongoose';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { DEFAULT_BACKUP_DIR } from '../../src/db/backup-command';
import { openDatabase } from '../../src/db/open-database';
import { RESTORE_STATE_COLLECTION } from '../../src/db/restore-state';
import { FIGURE_COLLECTIONS } from '../../src/features/commissions/figures/figure-store';
import { projectRoot } from '../../src/lib/project-root';
import { paths } from '../../src/paths';
import { DEMO_PASSWORD } from '../../seed/demo-data';
import { npmRun, startApp, type CommandResult, type RunningApp } from '../support/app-process';
import { freshDatabaseEnvironment, testBackend } from '../support/backend';
import { csrfTokenFrom, hiddenFieldsFrom } from '../support/http';

/**
 * The README's backup and restore, as a person runs them: the app and the commands are child processes
 * (`npm run backup`, `npm run restore`), on this run's back end (SQLite, or PostgreSQL in CI's second
 * run). Every collection is compared document for document with the data as it was backed up, the app
 * is started on the restored data and people sign in and work.
 */

const { EJSON } = mongoose.mongo.BSON;
/** Rebuilt from the rest after a restore, and the restore's own bookkeeping: not data a backup holds. */
const NOT_COMPARED = new Set<string>([...FIGURE_COLLECTIONS, RESTORE_STATE_COLLECTION]);

type Contents = Record<string, string[]>;

async function contentsOf(db: Db): Promise<Contents> {
  const contents: Contents = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (NOT_COMPARED.has(name) || name.startsWith('system.')) continue;
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    // An empty collection and a missing one hold the same data (the app creates its collections at start).
    if (documents.length) contents[name] = documents.map((document) => EJSON.stringify(document, { relaxed: false }));
  }
  return contents;
}

/** What the database configured by these settings holds: the running app's, or started here for the look. */
async function contentsFor(environment: Record<string, string>): Promise<Contents> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), ...environment });
  const database = await openDatabase(config, () => undefined);
  const client = await mongoose.mongo.MongoClient.connect(database.uri);
  try {
    return await contentsOf(client.db());
  } finally {
    await client.close();
    await database.close();
  }
}

async function signIn(app: RunningApp, email: string) {
  const agent = request.agent(app.baseUrl);
  const page = await agent.get(paths.signIn);
  const response = await agent.post(paths.signIn).type('form').send({ email, password: DEMO_PASSWORD, _csrf: csrfTokenFrom(page.text) });
  if (response.status !== 302) throw new Error(`Sign-in as ${email} answered ${response.status}`);
  return agent;
}

/** A change a person makes: Traded Services invite someone. */
async function invite(agent: request.Agent, email: string): Promise<void> {
  const form = await agent.get(paths.admin.newUser);
  const response = await agent
    .post(paths.admin.newUser)
    .type('form')
    .send({ ...hiddenFieldsFrom(form.text), name: `Person ${email}`, email, role: 'sip', _csrf: csrfTokenFrom(form.text) });
  expect(response.status).toBe(302);
}

const usersPage = async (agent: request.Agent) => (await agent.get(paths.admin.users).expect(200)).text;

function expectSucceeded(result: CommandResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
}

describe(`npm run backup and npm run restore, as a person runs them (${testBackend()})`, () => {
  const environment = freshDatabaseEnvironment('backup-source');
  const backupDir = mkdtempSync(path.join(tmpdir(), 'ssb-backups-'));
  const safetyBackupsBefore = new Set(existsSync(path.join(projectRoot, DEFAULT_BACKUP_DIR)) ? readdirSync(path.join(projectRoot, DEFAULT_BACKUP_DIR)) : []);
  let app: RunningApp;
  let file: string;
  let backedUp: Contents;

  afterAll(async () => {
    await app?.stop();
    // The safety copy the replacing restore wrote into ./backups during this test.
    const dir = path.join(projectRoot, DEFAULT_BACKUP_DIR);
    if (existsSync(dir)) for (const name of readdirSync(dir)) if (!safetyBackupsBefore.has(name)) rmSync(path.join(dir, name));
  });

  it('backs up a running app while it works', async () => {
    app = await startApp(environment);
    const tradedServices = await signIn(app, 'tradedservices@demo.example');
    await invite(tradedServices, 'before.backup@test.example');

    const result = await npmRun('backup', [backupDir], environment);
    expectSucceeded(result, 'npm run backup');
    expect(result.stdout).toMatch(/^Backed up \d+ documents in \d+ collections to /m);
    expect(result.stdout).not.toMatch(/consistent only if nothing wrote/);
    const files = readdirSync(backupDir);
    expect(files).toHaveLength(1);
    file = path.join(backupDir, files[0]!);
    // Nothing has asked the app anything since: its data is what the backup was taken from.
    backedUp = await contentsFor(environment);
    expect(backedUp.users!.some((user) => user.includes('before.backup@test.example'))).toBe(true);
    expect(Object.keys(backedUp).length).toBeGreaterThan(10);

    await invite(tradedServices, 'after.backup@test.example');
    expect(await usersPage(tradedServices)).toContain('after.backup@test.example');
  }, 180_000);

  it('restores into an empty database exactly what was backed up, and the app starts on it and people sign in', async () => {
    const target = freshDatabaseEnvironment('restore-empty');
    const result = await npmRun('restore', [file], target);
    expectSucceeded(result, 'npm run restore');
    expect(result.stdout).toMatch(/^Restored \d+ documents in \d+ collections from /m);
    expect(await contentsFor(target)).toEqual(backedUp);

    const restoredApp = await startApp({ ...target, SEED_DEMO_DATA: 'false' });
    try {
      const tradedServices = await signIn(restoredApp, 'tradedservices@demo.example');
      const users = await usersPage(tradedServices);
      expect(users).toContain('before.backup@test.example');
      expect(users).not.toContain('after.backup@test.example');
      await invite(tradedServices, 'after.restore@test.example');
      expect(await usersPage(tradedServices)).toContain('after.restore@test.example');
      const school = await signIn(restoredApp, 'head.oakfield@demo.example');
      await school.get(`${paths.directory.search}?q=literacy`).expect(200);
    } finally {
      await restoredApp.stop();
    }
  }, 180_000);

  it('refuses a database with data when told to fill only an empty one (--if-empty), and changes nothing', async () => {
    const before = await contentsFor(environment);
    const result = await npmRun('restore', [file, '--if-empty'], environment);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not empty .* --if-empty/);
    expect(await contentsFor(environment)).toEqual(before);
  }, 120_000);

  it('replaces the running app’s data (saving what was there first); the app says so meanwhile and then carries on with it', async () => {
    const answers: number[] = [];
    let restoring = true;
    const watcher = (async () => {
      while (restoring) {
        // A page without a form: the sign-in page would start a session (its CSRF token) the moment the restore
        // ends, and that session would then be in the data compared with the backup below.
        const response = await fetch(`${app.baseUrl}${paths.accessibility}`).catch(() => undefined);
        if (response) {
          answers.push(response.status);
          if (response.status === 503) expect(await response.text()).toContain('being restored from a backup');
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const result = await npmRun('restore', [file], environment);
    restoring = false;
    await watcher;
    expectSucceeded(result, 'npm run restore (replacing)');
    expect(result.stdout).toMatch(/Backed up \d+ documents .* to .*before-restore-/);
    expect(result.stdout).toMatch(/replacing \d+ documents/);
    // The app kept running (its requests in between were answered "being restored", not failed or hung).
    expect(answers).toContain(503);
    expect(answers.every((status) => status === 200 || status === 503)).toBe(true);
    expect(await contentsFor(environment)).toEqual(backedUp);

    // It carries on with the restored data: sign in again, the change after the backup is gone, and work.
    let status = 503;
    for (let tries = 0; status !== 200 && tries < 50; tries++) {
      status = (await fetch(`${app.baseUrl}${paths.signIn}`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    const tradedServices = await signIn(app, 'tradedservices@demo.example');
    const users = await usersPage(tradedServices);
    expect(users).toContain('before.backup@test.example');
    expect(users).not.toContain('after.backup@test.example');
    await invite(tradedServices, 'after.replace@test.example');
    expect(await usersPage(tradedServices)).toContain('after.replace@test.example');
  }, 180_000);

  it('starts again on the restored data after a stop, and people sign in', async () => {
    await app.stop();
    app = await startApp(environment);
    const tradedServices = await signIn(app, 'tradedservices@demo.example');
    const users = await usersPage(tradedServices);
    expect(users).toContain('before.backup@test.example');
    expect(users).toContain('after.replace@test.example');
    expect(users).not.toContain('after.backup@test.example');
    const provider = await signIn(app, 'provider@demo.example');
    await provider.get(paths.listings.own).expect(200);
  }, 180_000);

  it('restores a stopped app’s database, and the app starts on exactly the backed-up data', async () => {
    // The README's sequence: make changes, stop, restore, start again.
    await invite(await signIn(app, 'tradedservices@demo.example'), 'before.stop@test.example');
    await app.stop();
    const result = await npmRun('restore', [file], environment);
    expectSucceeded(result, 'npm run restore (app stopped)');
    expect(result.stdout).toMatch(/replacing \d+ documents/);
    expect(await contentsFor(environment)).toEqual(backedUp);
    app = await startApp(environment);
    const users = await usersPage(await signIn(app, 'tradedservices@demo.example'));
    expect(users).toContain('before.backup@test.example');
    expect(users).not.toContain('before.stop@test.example');
    expect(users).not.toContain('after.replace@test.example');
  }, 180_000);
});
