import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { freshDatabaseEnvironment, testBackend } from '../support/backend';
import { startApp, type RunningApp } from '../support/app-process';
import { csrfTokenFrom } from '../support/http';

// WEB_CONCURRENCY=2: the app as an operator starts it, its first process opening the database and two
// workers (node:cluster) serving the requests on one port.
jest.setTimeout(180_000);

/** The app's worker processes: this program's children that run it again (the database is a child too). */
function workerPids(primary: number): number[] {
  const children = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server.ts');
    } catch {
      return false; // gone meanwhile
    }
  });
}

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe(`the app with two workers (${testBackend()})`, () => {
  const environment: Record<string, string> = { ...freshDatabaseEnvironment('workers'), WEB_CONCURRENCY: '2' };
  let app: RunningApp;
  afterAll(async () => {
    await app?.stop();
  });

  it('starts the database once and two workers, which share sign-ins and forms', async () => {
    app = await startApp(environment, 120_000);
    // The first worker to listen answers before the second listens; the first process says so once both do.
    await waitFor('both workers listening', () => /is running at http:\/\/localhost:\d+ \(2 workers\)/.test(app.output()));
    expect(app.output().match(/Starting the embedded database/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(workerPids(app.pid)).toHaveLength(2);

    // Requests go to either worker; the session and its form token hold in both.
    const agent = request.agent(app.baseUrl);
    const signIn = await agent.get(paths.signIn).expect(200);
    await agent.post(paths.signIn).type('form').send({ email: 'head.oakfield@demo.example', password: DEMO_PASSWORD, _csrf: csrfTokenFrom(signIn.text) }).expect(302);
    for (let i = 0; i < 6; i++) await agent.get(paths.shortlists.index).expect(200);
    const form = await agent.get(paths.shortlists.new).expect(200);
    const made = await agent.post(paths.shortlists.new).type('form').send({ title: 'Made through either worker', _csrf: csrfTokenFrom(form.text) });
    expect(made.status).toBe(302);
    for (let i = 0; i < 4; i++) expect((await agent.get(paths.shortlists.index).expect(200)).text).toContain('Made through either worker');
  });

  it('replaces a worker that stops unexpectedly, and keeps answering', async () => {
    const [lost, kept] = workerPids(app.pid);
    process.kill(lost!, 'SIGKILL');
    const replaced = await waitFor('a new worker', () => {
      const now = workerPids(app.pid);
      return now.length === 2 && !now.includes(lost!) && now.includes(kept!) && now;
    });
    expect(replaced).toHaveLength(2);
    for (let i = 0; i < 6; i++) await request(app.baseUrl).get(paths.health).expect(200);
  });

  it('stops its workers and the database when asked to stop', async () => {
    const workers = workerPids(app.pid);
    expect(await app.stop()).toBe(0);
    for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
    if (testBackend() === 'sqlite') expect(existsSync(path.join(environment.DATA_DIR!, 'embedded-database.json'))).toBe(false);
  });
});
