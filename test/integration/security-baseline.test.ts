import type { Express } from 'express';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { signedInAgent, submitForm } from '../support/http';

useTestDatabase();

describe('security headers', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it('sends a strict Content-Security-Policy with a per-request nonce and no inline allowances', async () => {
    const first = await request(app).get(paths.signIn);
    const second = await request(app).get(paths.signIn);
    const csp = first.headers['content-security-policy'] as string;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(second.headers['content-security-policy']).not.toBe(csp);
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const inlineScripts = first.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [];
    expect(inlineScripts.length).toBeGreaterThan(0);
    for (const tag of inlineScripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(first.text).not.toMatch(/\sstyle="/);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['x-powered-by']).toBeUndefined();
  });
});

describe('errors and logging', () => {
  it('never shows a stack trace or database message to users', async () => {
    const app = buildTestApp();
    const user = await createUser('school', { school: '64b7f0000000000000000000' });
    const agent = await signedInAgent(app, user.email);
    const response = await agent.get(paths.dashboards.school);
    expect(response.status).toBe(404);
    expect(response.text).not.toMatch(/at .*\.ts:\d+|Error:|Mongo|Cast/);
  });

  it('logs requests as structured lines without passwords, cookies or session ids', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = buildTestApp({}, pino({ level: 'info' }, sink));
    const user = await createUser('sip');
    const agent = request.agent(app);
    await submitForm(agent, paths.signIn, { email: user.email, password: TEST_PASSWORD });
    await agent.get(`${paths.dashboards.sip}?token=secret-query`);
    const log = lines.join('\n');
    const entries = lines.map((line) => JSON.parse(line) as { req?: { method: string; path: string }; res?: { statusCode: number } });
    expect(entries.some((entry) => entry.req?.method === 'POST' && entry.req.path === paths.signIn && entry.res?.statusCode === 302)).toBe(true);
    expect(log).not.toContain(TEST_PASSWORD);
    expect(log).not.toContain('ssb.sid');
    expect(log).not.toContain('secret-query');
    expect(log).not.toMatch(/cookie/i);
  });
});

/**
 * A session is stored only when it holds something: a CSRF secret for a form, a signed-in user, a
 * message. Pages without a form, and redirects to sign in, store nothing (300 such requests once made
 * 300 sessions, and slowed everyone's pages).
 */
describe('sessions for signed-out visitors', () => {
  it('stores none for pages without a form or a redirect to sign in, and one for a page with a form', async () => {
    const app = buildTestApp();
    const sessions = () => mongoose.connection.db!.collection('sessions').countDocuments();
    const before = await sessions();
    for (const url of ['/no-such-page', paths.root, paths.directory.search, paths.dashboards.sip, paths.help, '/favicon.ico', paths.openData.directory, paths.health]) {
      const response = await request(app).get(url);
      expect([url, response.status < 500]).toEqual([url, true]);
      expect([url, String(response.headers['set-cookie'] ?? '')]).not.toEqual([url, expect.stringContaining('ssb.sid')]);
    }
    expect(await sessions()).toBe(before);
    const signIn = await request(app).get(paths.signIn);
    expect(String(signIn.headers['set-cookie'])).toContain('ssb.sid');
    expect(await sessions()).toBe(before + 1);
  });

  it('still brings a visitor back to the page they asked for after signing in', async () => {
    const app = buildTestApp();
    const user = await createUser('sip');
    const agent = request.agent(app);
    expect((await agent.get(`${paths.directory.search}?q=phonics`)).headers.location).toBe(paths.signIn);
    const signedIn = await submitForm(agent, paths.signIn, { email: user.email, password: TEST_PASSWORD });
    expect(signedIn.headers.location).toBe(`${paths.directory.search}?q=phonics`);
  });
});
