import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/features/accounts/user.model';
import { paths } from '../../src/paths';
import { backgroundSettled } from '../support/app';
import { commandsSentDuring, useTestDatabase } from '../support/database';
import { BUTTONS, FORMS, LISTING_FORMS, QUERIES, type Who } from '../support/hostile-forms';
import { describeHostileInput, useHostileContext } from '../support/hostile-input';
import { listRoutes } from '../support/routes';

/** Every form but the pen portrait's (hostile-listing-input.test.ts), and CSRF on every POST route. */
useTestDatabase({ monitorCommands: true });
const context = useHostileContext();

/** Every command the app sends to the database while `during` runs, as Extended JSON. */
const commandsSentAsJson = (during: () => Promise<void>) => commandsSentDuring(during, (event) => mongoose.mongo.BSON.EJSON.stringify(event.command as never, { relaxed: false }));
const postRoutes = (routes: string[]) => routes.filter((route) => route.startsWith('POST '));

describeHostileInput('hostile input', FORMS.filter((form) => !LISTING_FORMS.includes(form)), context);

/** Values for query parameters: each page must still answer (never 500) and show them only as text. */
const QUERY_VALUES: Record<string, (parameter: string) => string> = {
  markup: (parameter) => `${parameter}=${encodeURIComponent('<script>alert(1)</script>"><img src=x onerror=alert(1)>')}`,
  'operators as text': (parameter) => `${parameter}=${encodeURIComponent('{"$gt": ""}')}`,
  'an operator object': (parameter) => `${encodeURIComponent(`${parameter}[$ne]`)}=1`,
  'a repeated value': (parameter) => `${parameter}=a&${parameter}=b`,
  'right-to-left, accents and emoji': (parameter) => `${parameter}=${encodeURIComponent('\u202Eevil Zoë 👩‍🏫')}`,
  'control characters': (parameter) => `${parameter}=a%00b%07`,
  // Long, but every parameter of a page at once must still fit Node's 16 KB limit on request headers.
  '1,200 characters': (parameter) => `${parameter}=${'x'.repeat(1200)}`,
  'a negative number': (parameter) => `${parameter}=-1`,
  'an absurd number': (parameter) => `${parameter}=1e308`,
  'a huge whole number': (parameter) => `${parameter}=99999999999999999999`,
};

describe('query parameters', () => {
  afterAll(() => {
    const pairs = QUERIES.reduce((sum, query) => sum + query.parameters.length, 0) * Object.keys(QUERY_VALUES).length;
    process.stdout.write(`query parameters: ${pairs} value × parameter pairs over ${QUERIES.length} pages\n`);
  });

  // Every parameter of a page gets the value at once: each is read on its own, and a crash in any shows.
  // And no control character reaches the database: PostgreSQL cannot store a NUL, so FerretDB on it
  // answered a NUL in the Security events page's email filter with an error (a 500), while SQLite did not
  // mind. So this is checked on the commands sent, whatever the back end.
  it.each(QUERIES.map((query) => [query.route, query] as const))('%s answers hostile values in every parameter without crashing', async (_route, query) => {
    const sent = await commandsSentAsJson(async () => {
      for (const [label, value] of Object.entries(QUERY_VALUES)) {
        const response = await context.agents.get(query.as)!.get(`${query.url(context.world)}?${query.parameters.map(value).join('&')}`);
        if (![200, 302, 400, 404, 410].includes(response.status)) throw new Error(`${label}: answered ${response.status}`);
        expect(response.text).not.toContain('<script>alert(1)</script>');
        expect(response.text).not.toContain('<img src=x onerror');
      }
    });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((command) => /\\u000[07]/.test(command))).toEqual([]);
  });

  it('keeps NUL out of every string the app stores or looks for, however it got there', async () => {
    const sent = await commandsSentAsJson(async () => {
      await User.find({ email: 'a\u0000b@test.example', role: { $in: ['sip\u0000'] }, name: { $regex: 'x\u0000' } }).lean();
      await User.create({ email: 'nul\u0000@test.example', name: 'Nul\u0000 Person', role: 'sip', passwordHash: 'x' });
    });
    expect(sent.filter((command) => command.includes('\\u0000'))).toEqual([]);
    expect(await User.countDocuments({ email: 'nul@test.example', name: 'Nul Person' })).toBe(1);
  });
});

describe('every POST route', () => {
  it('has a row: a form whose fields are attacked, or a button', () => {
    const covered = new Set([...FORMS.map((form) => form.route), ...BUTTONS.map((button) => button.route)]);
    expect(postRoutes(listRoutes(context.app)).filter((route) => !covered.has(route))).toEqual([]);
  });

  it('refuses every POST route without a token or with a wrong one, and changes nothing', async () => {
    const snapshot = async () => {
      const collections = (await mongoose.connection.db!.listCollections().toArray()).map((collection) => collection.name).filter((name) => name !== 'sessions').sort();
      return Promise.all(collections.map(async (name) => [name, await mongoose.connection.db!.collection(name).find({}).toArray()]));
    };
    const attempts = [];
    for (const form of FORMS) attempts.push({ route: form.route, as: form.as, multipart: Boolean(form.multipart), url: (await form.target(context.world)).action });
    for (const button of BUTTONS) attempts.push({ route: button.route, as: button.as, multipart: false, url: button.action(context.world) });
    await backgroundSettled(context.app); // notification emails of the forms' earlier posts
    const before = await snapshot();
    for (const attempt of attempts) {
      for (const token of [undefined, 'forged-token']) {
        const agent = context.agents.get(attempt.as)!;
        let response;
        if (attempt.multipart) {
          const multipart = agent.post(attempt.url).field('name', 'Forged');
          response = await (token ? multipart.field('_csrf', token) : multipart);
        } else {
          response = await agent.post(attempt.url).type('form').send({ name: 'Forged', ...(token ? { _csrf: token } : {}) });
        }
        if (response.status !== 403 || !response.text.includes('This page has expired')) throw new Error(`${attempt.route} (${attempt.url}) answered ${response.status} to a forged post`);
      }
    }
    expect(await snapshot()).toEqual(before);
    const checked = new Set(attempts.map((attempt) => attempt.route));
    expect([...checked].sort()).toEqual(postRoutes(listRoutes(context.app)));
    process.stdout.write(`CSRF: ${checked.size} POST routes refused a missing and a wrong token (${attempts.length} forms and buttons, ${attempts.length * 2} forged posts)\n`);
  });

  it('refuses a JSON body, which no form sends, before reading it', async () => {
    const response = await request(context.app).post(paths.signIn).set('Content-Type', 'application/json').send('{"email":{"$ne":null},"password":{"$ne":null}}');
    expect(response.status).toBe(403);
  });
});

/** The session cookie a signed-in test agent holds, to send with a request made by hand. */
function cookieOf(agent: ReturnType<typeof request.agent>): string {
  const jar = (agent as unknown as { jar: { getCookies(access: object): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
}

/**
 * Sends the headers of a 10 MB multipart upload and its first 64 KB, then waits: the answer must come
 * before the rest of the body, so the app decided without reading (or buffering) it.
 */
function answerBeforeBody(port: number, path: string, cookie: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upload = http.request({
      port,
      path,
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'Content-Length': String(10 * 1024 * 1024), ...(cookie ? { Cookie: cookie } : {}) },
    });
    // Generous: a refusal takes milliseconds; an app reading the body would wait for the rest forever.
    const waiting = setTimeout(() => {
      upload.destroy();
      reject(new Error(`${path}: no answer while the body was still coming`));
    }, 5_000);
    upload.on('response', (response) => {
      clearTimeout(waiting);
      upload.destroy();
      resolve(response);
    });
    upload.on('error', (error) => (upload.destroyed ? undefined : reject(error)));
    upload.write(`--b\r\nContent-Disposition: form-data; name="evidence"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n${'x'.repeat(64 * 1024)}`);
  });
}

describe('every multipart route', () => {
  const strangers: Who[] = ['signedOut', 'sip', 'traded_services', 'provider', 'school'];
  let server: http.Server;
  beforeAll(() => new Promise<void>((resolve) => (server = context.app.listen(0, () => resolve()))));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers anyone who may not use it before reading the body', async () => {
    const multipartForms = FORMS.filter((form) => form.multipart);
    expect(multipartForms.map((form) => form.route).sort()).toEqual(['POST /commissions/:id/feedback', 'POST /listings/:id/checks/:kind', 'POST /listings/:id/edit', 'POST /schools/import', 'POST /your-listings/new']);
    const port = (server.address() as AddressInfo).port;
    let refused = 0;
    for (const form of multipartForms) {
      const { action } = await form.target(context.world);
      for (const who of strangers.filter((candidate) => candidate !== form.as)) {
        const response = await answerBeforeBody(port, action, who === 'signedOut' ? '' : cookieOf(context.agents.get(who)!));
        const expected = who === 'signedOut' ? 302 : 403;
        if (response.statusCode !== expected) throw new Error(`${form.route} as ${who} answered ${response.statusCode}, not ${expected}`);
        refused++;
      }
    }
    process.stdout.write(`multipart: ${refused} strangers answered before their upload was read\n`);
  });
});
