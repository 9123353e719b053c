import { escapeXML } from 'ejs';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { paths } from '../../src/paths';
import { buildTestApp } from './app';
import { resetSignInLimits } from './database';
import { buildWorld, type Field, type FieldKind, type HostileForm, type Target, type Who, type World } from './hostile-forms';
import { csrfTokenFrom, signedInAgent, type Agent } from './http';

const WHO: Who[] = ['signedOut', 'sip', 'traded_services', 'provider', 'school'];

type Expectation = 'accepted' | 'refused' | 'any';
type Payload = { label: string; value: string };

/** Text any free-text field must keep (control characters aside) and show only as text. */
const TEXT_PAYLOADS: Payload[] = [
  // Breaks out of an attribute, then a tag and template tags (EJS, Mustache, template literals).
  { label: 'markup', value: '"><script>alert(1)</script><%= 7*7 %>{{7*7}}${7*7}' },
  { label: 'operators as text', value: '{"$ne": null} $where' },
  { label: 'right-to-left, accents and emoji', value: '\u202Eevil\u202C Zoë Ñúñez-O’Brien 👩‍🏫' },
  { label: 'control characters', value: 'a\u0000b\u0007c' },
  { label: 'a spreadsheet formula', value: '=HYPERLINK("http://evil.example","click")' },
];
const TOO_LONG: Payload = { label: '20,000 characters', value: 'x'.repeat(20_000) };
const NUMBER_PAYLOADS: Payload[] = ['-1', '0', '1.5', '99999', '1e308', 'NaN', '0x1F', '１２'].map((value) => ({ label: `the number ${value}`, value }));
/** By the box of a GOV.UK date they go in: impossible days and months, and years no plan is made for. */
const DATE_PAYLOADS: Record<string, Payload[]> = Object.fromEntries(
  Object.entries({ day: ['0', '32', '-1', '1e1'], month: ['0', '13', '-1'], year: ['1850', '9999', '-2026'] }).map(([part, values]) => [part, values.map((value) => ({ label: `the ${part} ${value}`, value }))]),
);

/**
 * Names a body parser might turn into an object or an array. A form body (read with `extended: false`)
 * keeps `field[$ne]` as a plain name, so the field is missing; multer builds an object from it. Prototype
 * names go beside valid values (DOLLAR_KEYS). Checkboxes are arrays anyway.
 */
const STRUCTURED = [
  { label: 'an operator object', key: (field: string) => `${field}[$ne]`, value: () => '1', repeated: false },
  { label: 'a repeated value (an array)', key: (field: string) => field, value: (valid: string) => valid, repeated: true },
];
const structuredFor = (field: Field) => (field.kind === 'file' ? [] : STRUCTURED.filter((variant) => !(variant.repeated && field.kind === 'choices')));
/** Sent beside valid values: must be ignored, and never stored. */
const DOLLAR_KEYS: [string, string][] = [
  ['$where', 'sleep(5000)'],
  ['$set[role]', 'traded_services'],
  ['__proto__[polluted]', 'yes'],
  ['constructor[prototype][polluted]', 'yes'],
];

const payload = (label: string) => TEXT_PAYLOADS.find((candidate) => candidate.label === label)!;
/** For fields with a format, text of every sort must be refused. */
const NOT_THE_FORMAT = ['markup', 'operators as text', 'right-to-left, accents and emoji'].map(payload);

/** What a field must do with hostile values, by how it is filled in. */
function payloadsFor(name: string, field: Field): (Payload & { expect: Expectation })[] {
  const all = (payloads: Payload[], expect: Expectation) => payloads.map((candidate) => ({ ...candidate, expect }));
  const refusedUnlessAccepted = (payloads: Payload[]) =>
    payloads.map((candidate) => ({ ...candidate, expect: field.accepts?.includes(candidate.value) ? ('accepted' as const) : ('refused' as const) }));
  const numbers = field.kind === 'number' || field.numeric ? refusedUnlessAccepted(NUMBER_PAYLOADS) : [];
  switch (field.kind) {
    case 'text':
      return [...all(TEXT_PAYLOADS, 'accepted'), ...all([TOO_LONG], 'refused')];
    case 'typed':
    case 'choice':
    case 'choices':
    case 'number':
      return [...all([...NOT_THE_FORMAT, TOO_LONG], 'refused'), ...numbers];
    case 'datePart':
      return [...all([TOO_LONG], 'refused'), ...refusedUnlessAccepted(DATE_PAYLOADS[name.split('-').pop()!]!)];
    case 'secret':
      return [...all(['markup', 'control characters', 'right-to-left, accents and emoji'].map(payload), 'any'), ...all([TOO_LONG], 'refused')];
    case 'hidden':
      return all([...['markup', 'operators as text'].map(payload), TOO_LONG], 'any');
    case 'file':
      // Only in the table so its form is complete: hostile file names are tested with the uploads.
      return [];
  }
}

const structuredExpectation = (field: Field): Expectation => (field.optional || field.kind === 'hidden' ? 'any' : 'refused');

/** Kinds a user types, which a page showing errors must show again as typed. */
const REDISPLAYED: FieldKind[] = ['text', 'typed', 'number', 'datePart'];


/** The <form> posting to `action`, as the page renders it. */
function formIn(html: string, action: string): string {
  const escaped = escapeXML(action).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<form[^>]*action="${escaped}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!match) throw new Error(`No form posting to ${action} on the page`);
  return match[0];
}

const fieldNamesIn = (formHtml: string) =>
  [...new Set([...formHtml.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g)].map((match) => match[1]!))].filter((name) => name !== '_csrf').sort();

const hiddenValuesIn = (formHtml: string) =>
  Object.fromEntries([...formHtml.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].filter((match) => match[1] !== '_csrf').map((match) => [match[1]!, unescapeXML(match[2]!)]));

const unescapeXML = (text: string) => text.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const errorLinked = (html: string, key: string) => new RegExp(`<a href="#${key}(-day|-month|-year)?">`).test(html);

function expectShownOnlyAsText(html: string): void {
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).not.toContain('<img src=x onerror');
  expect(html).not.toContain('<%= 7*7 %>');
  expect(html).not.toMatch(/at .+\.(ts|js):\d+|MongoServerError|CastError|ValidationError/);
}

/** Enough to reach every kind of page from a user's home page: a page is seen for two of its records at most. */
const PAGES_PER_USER = 50;
const VISITS_PER_TEMPLATE = 2;
/** Assets, downloads (checked in hostile-output.test.ts) and the search's endless filter combinations. */
const NOT_CRAWLED = /^\/public\/|\.csv|\/files\/|\/evidence$|^\/directory\?/;

/** The app, the records forms act on, and a signed-in agent (with its CSRF token) for each kind of user. */
export type HostileContext = { app: Express; world: World; agents: Map<Who, Agent>; tokens: Map<Who, string> };

/** Builds the context before the file's tests (sign-in limits are high: the sign-in form is attacked too). */
export function useHostileContext(): HostileContext {
  const context = { agents: new Map(), tokens: new Map() } as HostileContext;
  beforeAll(async () => {
    context.app = buildTestApp({ SIGN_IN_MAX_FAILURES_PER_IP: '1000', SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '1000', PASSWORD_RESET_REQUESTS_PER_IP: '1000', DIRECTORY_SYNC_SECONDS: '0' });
    context.world = await buildWorld();
    for (const who of WHO) context.agents.set(who, who === 'signedOut' ? request.agent(context.app) : await signedInAgent(context.app, context.world.users[who].email));
    for (const [who, agent] of context.agents) context.tokens.set(who, csrfTokenFrom((await agent.get(who === 'signedOut' ? paths.signIn : paths.changePassword)).text));
  });
  beforeEach(resetSignInLimits);
  return context;
}

/**
 * Sends hostile values to every field of these forms, one field at a time with valid values in the
 * others, and checks each answer (see payloadsFor); then looks through the whole database for
 * anything that should never have been stored.
 */
export function describeHostileInput(title: string, forms: HostileForm[], context: HostileContext): void {
  const fieldCases = forms.flatMap((form) => Object.entries(form.fields).map(([name, field]) => [form.name, name, form, field] as const));
  const { agents, tokens } = context;

  describe(title, () => {
    /** The record each form acts on now, and its page as last read (hidden values such as versions change when anything is saved). */
    const targets = new Map<string, Target>();
    const pages = new Map<string, { hidden: Record<string, string>; fields: string[]; multipart: boolean }>();
    let posts = 0;

    afterAll(() => {
      const pairs = fieldCases.reduce((sum, [, name, , field]) => sum + payloadsFor(name, field).length + structuredFor(field).length, 0);
      process.stdout.write(`${title}: ${pairs} payload × field pairs over ${fieldCases.length} fields of ${forms.length} forms (${posts} posts)\n`);
    });

    async function formState(form: HostileForm) {
      let target = targets.get(form.name);
      if (!target) targets.set(form.name, (target = await form.target(context.world)));
      let page = pages.get(form.name);
      if (!page) {
        const response = await agents.get(form.as)!.get(target.page);
        if (response.status !== 200) throw new Error(`${form.name}: ${target.page} answered ${response.status}`);
        const html = formIn(response.text, target.action);
        pages.set(form.name, (page = { hidden: hiddenValuesIn(html), fields: fieldNamesIn(html), multipart: html.includes('enctype="multipart/form-data"') }));
      }
      return { target, ...page };
    }

    /** After a save: a used-up record is replaced, and pages with hidden values are read again. */
    function saved(form: HostileForm) {
      if (form.oneShot) targets.delete(form.name);
      for (const other of forms) if (other === form || Object.values(other.fields).some((field) => field.kind === 'hidden')) pages.delete(other.name);
    }

    const validValue = (field: Field): string | string[] => (typeof field.value === 'function' ? field.value(context.world) : (field.value ?? ''));

    /** Posts the form with valid values except as `change` says, as a browser would (token first, files last). */
    async function post(form: HostileForm, change: (pairs: [string, string][]) => [string, string][]) {
      const state = await formState(form);
      const pairs: [string, string][] = [];
      for (const [name, field] of Object.entries(form.fields)) {
        if (field.kind === 'file') continue;
        const value = field.kind === 'hidden' && field.value === undefined ? (state.hidden[name] ?? '') : validValue(field);
        for (const item of Array.isArray(value) ? value : [value]) pairs.push([name, item]);
      }
      const body = change(pairs);
      const agent = agents.get(form.as)!;
      const token = tokens.get(form.as)!;
      posts++;
      let response;
      if (form.multipart) {
        let multipart = agent.post(state.target.action).field('_csrf', token);
        for (const [name, value] of body) multipart = multipart.field(name, value);
        if (form.fields.file?.kind === 'file') multipart = multipart.attach('file', Buffer.alloc(0), 'schools.csv');
        response = await multipart;
      } else {
        const encoded = [...body, ['_csrf', token]].map(([name, value]) => `${encodeURIComponent(name!)}=${encodeURIComponent(value!)}`).join('&');
        response = await agent.post(state.target.action).type('form').send(encoded);
      }
      if (response.status === 302) saved(form);
      return { response, body };
    }

    const errorKeyOf = (name: string, field: Field) => (typeof field.errorKey === 'function' ? field.errorKey(context.world) : (field.errorKey ?? name));

    /** The checks every answer gets, and what this field must have done with the value. */
    async function expectAnswer(form: HostileForm, name: string, field: Field, expectation: Expectation, response: request.Response, body: [string, string][]) {
      const context = `${form.name}: ${name}`;
      expect([200, 302, 400, 404, 409, 410, 413]).toContain(response.status);
      expectShownOnlyAsText(response.text);
      const key = errorKeyOf(name, field);
      const checkable = !form.baselineErrors?.includes(key);
      if (response.status === 302 && body.some(([, value]) => /[<>]/.test(value))) {
        const next = await agents.get(form.as)!.get(response.headers.location!);
        expect(next.status).toBe(200);
        expectShownOnlyAsText(next.text);
      }
      if (expectation === 'refused' && checkable && (response.status !== 400 || !errorLinked(response.text, key))) {
        throw new Error(`${context} was not refused with a message by the field (status ${response.status})`);
      }
      if (expectation === 'accepted' && checkable && errorLinked(response.text, key)) throw new Error(`${context} refused a value it should keep`);
      // What was typed survives a refusal; a page-set value that was tampered with may take the form back to its start.
      if (response.status === 400 && response.text.includes('govuk-error-summary') && field.kind !== 'hidden') {
        for (const [sentName, sentValue] of body) {
          const sentField = form.fields[sentName];
          if (!sentField || !REDISPLAYED.includes(sentField.kind) || body.filter(([other]) => other === sentName).length > 1) continue;
          if (!response.text.includes(escapeXML(sentValue.replace(/\p{Cc}/gu, '')))) throw new Error(`${context}: what was typed in ${sentName} was lost`);
        }
      }
    }

    it('lists exactly the fields each form shows', async () => {
      for (const form of forms) {
        const state = await formState(form);
        expect([form.name, state.fields]).toEqual([form.name, Object.keys(form.fields).sort()]);
        expect([form.name, state.multipart]).toEqual([form.name, Boolean(form.multipart)]);
      }
    });

    it.each(forms.map((form) => [form.name, form] as const))('%s: valid values get only the errors they must', async (_name, form) => {
      const { response } = await post(form, (pairs) => pairs);
      expect([200, 302, 400]).toContain(response.status);
      const errors = [...response.text.matchAll(/<a href="#([^"]+)">/g)].map((match) => match[1]!.replace(/-(day|month|year)$/, ''));
      expect([form.name, response.text.includes('govuk-error-summary') ? errors : []]).toEqual([form.name, form.baselineErrors ?? []]);
    });

    it.each(fieldCases)('%s: %s refuses or keeps hostile values, never crashes, never loses what was typed', async (_form, name, form, field) => {
      for (const payload of payloadsFor(name, field)) {
        const { response, body } = await post(form, (pairs) => [...pairs.filter(([other]) => other !== name), [name, payload.value]]);
        try {
          await expectAnswer(form, name, field, payload.expect, response, body);
        } catch (error) {
          throw new Error(`${payload.label}: ${(error as Error).message}`);
        }
      }
      for (const variant of structuredFor(field)) {
        const { response, body } = await post(form, (pairs) => {
          const valid = pairs.find(([other]) => other === name)?.[1] ?? 'x';
          const others = pairs.filter(([other]) => other !== name);
          const sent: [string, string][] = [[variant.key(name), variant.value(valid)]];
          return variant.repeated ? [...others, ...sent, ...sent] : [...others, ...sent];
        });
        try {
          await expectAnswer(form, name, field, structuredExpectation(field), response, body);
        } catch (error) {
          throw new Error(`${variant.label}: ${(error as Error).message}`);
        }
      }
    });

    it.each(forms.map((form) => [form.name, form] as const))('%s: ignores $-keys and prototype names beside valid values, and refuses a huge body clearly', async (_name, form) => {
      const { response } = await post(form, (pairs) => [...pairs, ...DOLLAR_KEYS]);
      expect([200, 302, 400]).toContain(response.status);
      expectShownOnlyAsText(response.text);
      const firstTyped = (Object.entries(form.fields).find(([, field]) => REDISPLAYED.includes(field.kind) || field.kind === 'secret') ?? Object.entries(form.fields)[0]!)[0];
      const huge = await post(form, (pairs) => [...pairs.filter(([other]) => other !== firstTyped), [firstTyped, 'x'.repeat(300_000)]]);
      expect([400, 413]).toContain(huge.response.status);
      expect(huge.response.text).toMatch(/govuk-error-summary|What you sent is too large/);
    });

    /**
     * Field names multer would turn into huge or deep structures: refused while the body is read, so
     * nothing afterwards walks a 100,000,000-long array (one such post used to hold the server for seconds).
     */
    const multipartForms = forms.filter((form) => form.multipart);
    if (multipartForms.length > 0) {
      it.each(multipartForms.map((form) => [form.name, form] as const))('%s: refuses oversized array indexes and deep field names while reading the body', async (_name, form) => {
        for (const name of ['z[100000000]', 'z[1000]', 'a[b][c]', 'a[0][0][0][0]']) {
          const { response } = await post(form, (pairs) => [...pairs, [name, 'x']]);
          if (response.status !== 400) throw new Error(`${form.name}: ${name} answered ${response.status}`);
          expectShownOnlyAsText(response.text);
        }
        // Checkboxes and repeated values still arrive as short arrays.
        const { response } = await post(form, (pairs) => [...pairs, ['z[3]', 'x']]);
        expect([200, 302, 400]).toContain(response.status);
      });

      it.each(multipartForms.map((form) => [form.name, form] as const))('%s: a body cut off inside a file answers 400 with a clear page, never 500', async (_name, form) => {
        const state = await formState(form);
        const fileField = Object.entries(form.fields).find(([, field]) => field.kind === 'file')![0];
        const boundary = 'cut-off-boundary';
        const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
        const typed = Object.entries(form.fields)
          .filter(([, field]) => field.kind !== 'file')
          .flatMap(([name, field]) => {
            const value = field.kind === 'hidden' && field.value === undefined ? (state.hidden[name] ?? '') : validValue(field);
            return (Array.isArray(value) ? value : [value]).map((item) => part(name, item));
          });
        const body =
          part('_csrf', tokens.get(form.as)!) +
          typed.join('') +
          `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n${'x'.repeat(5000)}`;
        const response = await agents.get(form.as)!.post(state.target.action).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
        expect([form.name, response.status]).toEqual([form.name, 400]);
        expect(response.text).toMatch(/govuk-error-summary|there is a problem with what was sent/);
        expectShownOnlyAsText(response.text);
      });
    }

    it('shows what was stored only as text on every page each user can reach', async () => {
      let pages = 0;
      for (const who of WHO.filter((candidate) => candidate !== 'signedOut')) {
        const agent = agents.get(who)!;
        const seen = new Set<string>();
        const perTemplate = new Map<string, number>();
        const queue: string[] = [paths.root];
        while (queue.length > 0 && seen.size < PAGES_PER_USER) {
          const url = queue.shift()!;
          const template = url.replace(/\?.*$/, '').replace(/[0-9a-f]{24}/g, ':id').replace(/\d{6}/g, ':urn');
          if (seen.has(url) || (perTemplate.get(template) ?? 0) >= VISITS_PER_TEMPLATE) continue;
          seen.add(url);
          perTemplate.set(template, (perTemplate.get(template) ?? 0) + 1);
          const response = await agent.get(url).redirects(1);
          if (response.status >= 500) throw new Error(`${url} answered ${response.status} to ${who}`);
          if (!response.headers['content-type']?.startsWith('text/html')) continue;
          expectShownOnlyAsText(response.text);
          for (const [, link] of response.text.matchAll(/href="(\/[^"#]*)"/g)) {
            const target = unescapeXML(link!);
            if (!target.startsWith('//') && !NOT_CRAWLED.test(target) && !seen.has(target)) queue.push(target);
          }
        }
        pages += seen.size;
      }
      expect(pages).toBeGreaterThan(60);
      process.stdout.write(`${title}: ${pages} pages read back as text\n`);
    });

    it('stored no operator objects, prototype keys, NUL bytes, mangled text, impossible numbers or absurd dates anywhere', async () => {
      const problems: string[] = [];
      const walk = (value: unknown, where: string): void => {
        if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`${where} is ${value}`);
        if (typeof value === 'string' && value.includes('\u0000')) problems.push(`${where} holds a NUL byte`);
        // UTF-8 read as Latin-1 (Zoë → ZoÃ«), or bytes that were not text at all.
        if (typeof value === 'string' && /Ã[\u0080-\u00bf]|\ufffd/.test(value)) problems.push(`${where} holds mangled text: ${value.slice(0, 40)}`);
        if (value instanceof Date && (value.getUTCFullYear() < 1990 || value.getUTCFullYear() > 2110)) problems.push(`${where} is ${value.toISOString()}`);
        if (!value || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value) || value instanceof mongoose.Types.ObjectId) return;
        for (const [key, inner] of Object.entries(value)) {
          if (key.startsWith('$') || key === '__proto__' || key === 'constructor' || key === 'polluted') problems.push(`${where}.${key}`);
          walk(inner, `${where}.${key}`);
        }
      };
      for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
        for (const document of await mongoose.connection.db!.collection(name).find({}).toArray()) walk(document, `${name}:${String(document._id)}`);
      }
      expect(problems).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
}
