import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../src/features/accounts/roles';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { School } from '../../src/features/schools/school.model';
import { Types } from 'mongoose';
import { User } from '../../src/features/accounts/user.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';

useTestDatabase();

/** Values no field may choke on: each must come back as a clear answer (never 500), shown only as text. */
const PAYLOADS: Record<string, string> = {
  xss: '<script>alert(1)</script>',
  attributeBreak: '"><img src=x onerror=alert(1)>',
  mongoOperator: '{"$ne": null}',
  dollarKey: '$where',
  longString: 'x'.repeat(20_000),
  rightToLeft: '\u202Eevil\u202C name',
  accentsAndEmoji: 'Zoë Ñúñez-O’Brien 👩‍🏫',
  nullByte: 'a\u0000b',
  csvFormula: '=HYPERLINK("http://evil.example","click")',
  pathTraversal: '../../../etc/passwd',
  negativeNumber: '-1',
  absurdNumber: '1e308',
  invalidDate: '31-02-2026',
};

/** Fields sent as nested objects or arrays where text is expected: the body parser must never build objects. */
const STRUCTURED = ['[$ne]=x', '[]=a&FIELD[]=b', '[__proto__][admin]=1'];

/** optional: fields the form accepts empty, so a mangled name just leaves them empty (never an operator). */
type Form = { name: string; role: Role | 'signedOut'; page: string; action: string; fields: Record<string, string>; optional?: string[] };

const FORMS: Form[] = [
  { name: 'sign-in', role: 'signedOut', page: paths.signIn, action: paths.signIn, fields: { email: 'someone@test.example', password: 'a password' } },
  {
    name: 'change password',
    role: 'sip',
    page: paths.changePassword,
    action: paths.changePassword,
    fields: { currentPassword: 'wrong password', newPassword: 'a long new passphrase', confirmPassword: 'a long new passphrase' },
  },
  {
    name: 'add user',
    role: 'traded_services',
    page: paths.admin.newUser,
    action: paths.admin.newUser,
    fields: { name: 'Hostile Test', email: 'hostile@test.example', role: 'sip', password: 'a temporary passphrase' },
  },
];

/** Forms whose values are stored and shown to others (a fixture school with URN 654321 exists). */
const HOSTILE_URN = '654321';
/** The user the erasure form is tried on (created in beforeAll): erased by the first valid reason, after which the form says so. */
const HOSTILE_ERASED_ID = new Types.ObjectId().toHexString();
FORMS.push(
  { name: 'add a taxonomy term', role: 'traded_services', page: paths.taxonomyAdmin.list('context'), action: paths.taxonomyAdmin.list('context'), fields: { label: 'Seaside towns', synonyms: 'coast, seaside' } },
  { name: 'new shortlist', role: 'traded_services', page: paths.shortlists.new, action: paths.shortlists.new, fields: { title: 'Autumn visit', schoolUrn: HOSTILE_URN } },
  { name: 'erase a user', role: 'traded_services', page: paths.admin.eraseUser(HOSTILE_ERASED_ID), action: paths.admin.eraseUser(HOSTILE_ERASED_ID), fields: { reason: 'Left the authority in March' } },
  { name: 'school priorities', role: 'traded_services', page: paths.schools.priorities(HOSTILE_URN), action: paths.schools.priorities(HOSTILE_URN), fields: { needs: 'phonics-outcomes-falling', notes: 'Phonics results fell' }, optional: ['needs', 'notes'] },
);

const cases = FORMS.flatMap((form) =>
  Object.keys(form.fields).flatMap((field) => Object.entries(PAYLOADS).map(([kind, payload]) => [form.name, field, kind, form, payload] as const)),
);
const structuredCases = FORMS.flatMap((form) => Object.keys(form.fields).flatMap((field) => STRUCTURED.map((suffix) => [form.name, field, suffix, form] as const)));

describe('hostile input', () => {
  let app: Express;
  const agents = new Map<string, Agent>();

  beforeAll(async () => {
    app = buildTestApp({ SIGN_IN_MAX_FAILURES_PER_IP: '10000', SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '1000' });
    agents.set('signedOut', request.agent(app));
    for (const role of ['sip', 'traded_services'] as const) agents.set(role, await signedInAgent(app, (await createUser(role)).email));
    await ensureDefaultTaxonomy();
    await createSchool({ urn: HOSTILE_URN, name: 'Hostile Input Primary' });
    await User.create({ _id: HOSTILE_ERASED_ID, email: 'departing@test.example', name: 'Departing Person', role: 'sip' });
  });
  beforeEach(resetSignInLimits);

  it.each(cases)('%s: %s with %s gets a clear answer and is shown only as text', async (_form, field, _kind, form, payload) => {
    const agent = agents.get(form.role)!;
    const page = await agent.get(form.page);
    const response = await agent
      .post(form.action)
      .type('form')
      .send({ ...form.fields, [field]: payload, _csrf: csrfTokenFrom(page.text) });
    expect([200, 302, 400, 413, 429]).toContain(response.status);
    expect(response.text).not.toContain('<script>alert(1)</script>');
    expect(response.text).not.toContain('<img src=x onerror');
    expect(response.text).not.toMatch(/at .+\.(ts|js):\d+|MongoServerError|CastError/);
  });

  it.each(structuredCases)('%s: %s sent as %s is refused as a field error (or, if optional, left empty)', async (_form, field, suffix, form) => {
    const agent = agents.get(form.role)!;
    const page = await agent.get(form.page);
    const others = Object.entries(form.fields)
      .filter(([name]) => name !== field)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
    const body = [...others, `${field}${suffix.replace('FIELD', field)}`, `_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`].join('&');
    const response = await agent.post(form.action).type('form').send(body);
    if (form.optional?.includes(field)) {
      expect([302, 400]).toContain(response.status);
      return;
    }
    expect(response.status).toBe(400);
    expect(response.text).toContain('govuk-error-summary');
  });

  it('shows everything stored from hostile input only as text, wherever it appears', async () => {
    const admin = agents.get('traded_services')!;
    const school = await School.findOne({ urn: HOSTILE_URN }).lean();
    expect((school!.priorities?.needs ?? []).every((need) => typeof need === 'string')).toBe(true);
    const securityEvents = `${paths.admin.securityEvents}?email=${encodeURIComponent(PAYLOADS.attributeBreak!)}&type=${encodeURIComponent(PAYLOADS.xss!)}`;
    for (const page of [paths.taxonomyAdmin.list('context'), paths.shortlists.index, paths.schools.school(HOSTILE_URN), `${paths.directory.search}?q=${encodeURIComponent(PAYLOADS.xss!)}`, securityEvents, paths.admin.securityEvents]) {
      const response = await admin.get(page);
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('<script>alert(1)</script>');
      expect(response.text).not.toContain('<img src=x onerror');
    }
  });

  it('answers a non-form content type without crashing', async () => {
    const response = await request(app).post(paths.signIn).set('Content-Type', 'application/json').send('{"email":{"$ne":null}}');
    expect(response.status).toBe(403);
  });
});
