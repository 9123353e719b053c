import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { ROLES, type Role } from '../../src/web/identity';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { ImportJob } from '../../src/features/schools/gias/import-job.model';
import { School } from '../../src/features/schools/school.model';
import { SchoolSupport } from '../../src/features/schools/school-support.model';
import { useSchemeWithEntitlements } from '../support/schemes';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

const LEVEL_REASON = 'Results fell sharply this summer';

let app: Express;
const agents = {} as Record<Role | 'otherSchool' | 'otherSip', Agent>;
let school: Awaited<ReturnType<typeof createSchool>>;
let otherSchool: Awaited<ReturnType<typeof createSchool>>;
let sipId: string;
let admin: ReturnType<typeof toSessionUser>;

beforeAll(async () => {
  app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
  await ensureDefaultTaxonomy();
  const adminUser = await createUser('traded_services');
  admin = toSessionUser(adminUser);
  await useSchemeWithEntitlements(admin);
  school = await createSchool({ urn: '700001', name: 'Caseload Primary' });
  otherSchool = await createSchool({ urn: '700002', name: 'Elsewhere Academy' });
  const sip = await createUser('sip', { name: 'Sally SIP' });
  sipId = sip.id as string;
  await School.updateOne({ _id: school._id }, { $set: { sip: sip._id } });
  agents.traded_services = await signedInAgent(app, adminUser.email);
  agents.sip = await signedInAgent(app, sip.email);
  agents.otherSip = await signedInAgent(app, (await createUser('sip')).email);
  agents.school = await signedInAgent(app, (await createUser('school', { school: school._id })).email);
  agents.otherSchool = await signedInAgent(app, (await createUser('school', { school: otherSchool._id })).email);
  agents.provider = await signedInAgent(app, (await createUser('provider')).email);
});

const levelForm = (level: string, reason = LEVEL_REASON) => ({
  level,
  reason,
  'reviewDue-day': '20',
  'reviewDue-month': '12',
  'reviewDue-year': '2030',
});

describe('support levels', () => {
  it('lets the school’s SIP set a level, with a reason, recorded in its history', async () => {
    const response = await submitForm(agents.sip, paths.schools.level(school.urn), levelForm('3'));
    expect(response.headers.location).toBe(paths.schools.school(school.urn));
    const support = await SchoolSupport.findOne({ school: school._id }).lean();
    expect(support!.current).toMatchObject({ level: '3', levelLabel: 'Causing concern', reason: LEVEL_REASON, reviewDue: new Date(Date.UTC(2030, 11, 20)) });
    expect(support!.history).toHaveLength(1);
    expect(await AuditEntry.exists({ action: 'support_level_set', subjectId: school._id, reason: LEVEL_REASON })).toBeTruthy();

    const page = await agents.sip.get(paths.schools.school(school.urn));
    expect(page.text).toContain('3 Causing concern');
    expect(page.text).toContain('Up to 30 days of LA-funded support a year');
    expect(page.text).toContain('Sally SIP');
  });

  it('requires a reason and a real review date, keeping what was chosen', async () => {
    const response = await submitForm(agents.traded_services, paths.schools.level(school.urn), { ...levelForm('2', ''), 'reviewDue-day': '31', 'reviewDue-month': '2' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Enter why the level is being set');
    expect(response.text).toContain('Enter a real review date');
    expect(response.text).toMatch(/value="2"[^>]*checked/);
  });

  it('refuses a change based on a level someone else has since replaced', async () => {
    const page = await agents.traded_services.get(paths.schools.level(school.urn));
    const basedOn = /name="basedOn" value="([^"]+)"/.exec(page.text)![1]!;
    await submitForm(agents.sip, paths.schools.level(school.urn), levelForm('2', 'Improving'));
    const stale = await agents.traded_services
      .post(paths.schools.level(school.urn))
      .type('form')
      .send({ ...levelForm('1', 'Stale view'), basedOn, _csrf: csrfTokenFrom(page.text) });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('Someone else set this school’s level while you were editing');
    expect((await SchoolSupport.findOne({ school: school._id }).lean())!.current.level).toBe('2');
  });

  it('does not let a school set its own level', async () => {
    const home = await agents.school.get(paths.schools.yourSchool);
    const response = await agents.school.post(paths.schools.level(school.urn)).type('form').send({ ...levelForm('1'), _csrf: csrfTokenFrom(home.text) });
    expect(response.status).toBe(403);
  });
});

describe('privacy of a school’s support level', () => {
  beforeAll(async () => {
    if (!(await SchoolSupport.exists({ school: school._id }))) await submitForm(agents.sip, paths.schools.level(school.urn), levelForm('3'));
  });

  it.each([
    ['traded_services', 200],
    ['sip', 200],
    ['school', 200],
    ['otherSip', 403],
    ['otherSchool', 403],
    ['provider', 403],
  ] as const)('%s viewing the school page gets %i', async (who, status) => {
    const response = await agents[who].get(paths.schools.school(school.urn));
    expect(response.status).toBe(status);
    expect(response.text.includes(LEVEL_REASON) || response.text.includes('Improving')).toBe(status === 200);
  });

  it('shows a school user its own level at "Your school", and never another school’s', async () => {
    const own = await agents.school.get(paths.schools.yourSchool);
    expect(own.text).toContain('Caseload Primary');
    expect(own.text).toContain('History of the support level');
    const other = await agents.otherSchool.get(paths.schools.yourSchool);
    expect(other.text).toContain('Elsewhere Academy');
    expect(other.text).not.toContain('Caseload Primary');
  });

  it('keeps levels out of the schools search, and the search to Traded Services', async () => {
    const results = await agents.traded_services.get(`${paths.schools.list}?q=caseload`);
    expect(results.text).toContain('Caseload Primary');
    expect(results.text).not.toContain('Causing concern');
    for (const role of ROLES.filter((role) => role !== 'traded_services')) {
      expect((await agents[role].get(paths.schools.list)).status).toBe(403);
    }
  });

  it('sends a signed-out visitor to sign in', async () => {
    expect((await request(app).get(paths.schools.school(school.urn))).headers.location).toBe(paths.signIn);
  });

  it('answers 404 for an unknown or malformed URN', async () => {
    expect((await agents.traded_services.get(paths.schools.school('123456'))).status).toBe(404);
    expect((await agents.traded_services.get(paths.schools.school('abc'))).status).toBe(404);
  });
});

// Recording priorities is the support plan's now (plans.test.ts); before a school has a plan, what was
// recorded on it still suggests support.
describe('suggested support', () => {
  it('suggests directory providers for the recorded priorities and the school’s phase', async () => {
    await School.updateOne({ _id: school._id }, { $set: { phase: 'Primary', priorities: { needs: ['phonics-outcomes-falling'], notes: '' } } });
    await createListedListing({ name: 'Phonics Lead Primary', expertise: ['english-and-literacy'], phases: ['primary'] });
    await createListedListing({ name: 'Sixth Form Literacy', expertise: ['english-and-literacy'], phases: ['post-16'] });
    await createListedListing({ name: 'Maths Only', expertise: ['mathematics-and-numeracy'], phases: ['primary'] });
    const page = (await agents.sip.get(paths.schools.school(school.urn))).text;
    const suggested = page.slice(page.indexOf('Suggested support'), page.indexOf('School Improvement Partner</h2>'));
    expect(suggested).toContain('Phonics Lead Primary');
    expect(suggested).toContain('Phonics outcomes are falling');
    expect(suggested).not.toContain('Sixth Form Literacy');
    expect(suggested).not.toContain('Maths Only');
  });
});

describe('SIP caseloads', () => {
  it('lists a SIP’s schools on their home page with level, review date and entitlement', async () => {
    const home = await agents.sip.get(paths.dashboards.sip);
    expect(home.text).toContain('Caseload Primary');
    expect(home.text).toContain('20 December 2030');
    expect(home.text).not.toContain('Elsewhere Academy');
    expect(home.text).toContain('Open commissions');
    expect(home.text).toMatch(/\d+ of \d+ days used this year/);
    expect((await agents.sip.get(paths.schools.yourSchools)).text).toContain('Caseload Primary');
  });

  it('lets Traded Services assign a school to a SIP, once', async () => {
    expect((await agents.traded_services.get(paths.schools.school(otherSchool.urn))).text).toContain(`href="${paths.schools.sip(otherSchool.urn)}">Choose a SIP`);
    await submitForm(agents.traded_services, paths.schools.sip(otherSchool.urn), { sip: sipId });
    await submitForm(agents.traded_services, paths.schools.sip(otherSchool.urn), { sip: sipId });
    expect((await School.findById(otherSchool._id).lean())!.sip!.toString()).toBe(sipId);
    expect(await AuditEntry.countDocuments({ action: 'sip_assigned', subjectId: otherSchool._id })).toBe(1);
    expect((await agents.sip.get(paths.schools.yourSchools)).text).toContain('Elsewhere Academy');

    const refused = await submitForm(agents.traded_services, paths.schools.sip(otherSchool.urn), { sip: (await createUser('provider')).id as string });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Select a School Improvement Partner from the list');
  });
});

describe('support-level schemes', () => {
  const levelRows = (html: string) =>
    [...html.matchAll(/<tr class="govuk-table__row" id="level-[^"]*">\s*<td[^>]*>([^<]+)<\/td>[^]*?data-label="Entitlement"[^>]*>([^<]+)<\/td>/g)].map((m) => [
      m[1]!.trim(),
      m[2]!.trim(),
    ]);
  const versionOn = (html: string) => /name="version" value="([^"]+)"/.exec(html)![1]!;
  const schemePage = async () => (await agents.traded_services.get(paths.schools.scheme)).text;

  afterEach(() => useSchemeWithEntitlements(admin));

  it('shows exactly the Derby source’s categories, days and visits when Traded Services switch to it', async () => {
    await submitForm(agents.traded_services, paths.schools.scheme, { preset: 'derby' });
    const rows = levelRows(await schemePage());
    expect(rows.map(([level]) => level!.split(' ')[0])).toEqual(['1', '2', '3a', '3b', '4', '1TV', '2TV']);
    expect(rows.map(([, entitlement]) => entitlement)).toEqual([
      '3 visits a year from the LA’s officer (1 for schools not buying the package)',
      '3 visits a year from the LA’s officer (1 for schools not buying the package)',
      '3 visits a year from the LA’s officer',
      'Up to 10 days of LA-funded support a year',
      'Up to 30 days of LA-funded support a year',
      '3 visits a year from the LA’s officer (1 for schools not buying the package)',
      '3 visits a year from the LA’s officer (1 for schools not buying the package)',
    ]);
    expect(rows[0]![0]).toBe('1 Outstanding');
  });

  it('lets Traded Services edit a level’s days and visits, with errors beside the fields', async () => {
    await submitForm(agents.traded_services, paths.schools.scheme, { preset: 'derby' });
    const edited = await submitForm(agents.traded_services, paths.schools.schemeLevel('3a'), { label: 'RI, improving', description: 'Close to good', entitlementDays: '12', visitsPerYear: '4' });
    expect(edited.headers.location).toBe(paths.schools.scheme);
    expect(levelRows(await schemePage())[2]).toEqual(['3a RI, improving', 'Up to 12 days of LA-funded support a year; 4 visits a year from the LA’s officer']);

    const bad = await submitForm(agents.traded_services, paths.schools.schemeLevel('3a'), { label: '', entitlementDays: 'lots', visitsPerYear: '2.5' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a name for the level');
    expect(bad.text).toContain('Enter a number of days');
    expect(bad.text).toContain('Enter a whole number of visits from 0 to 52');
    expect(bad.text).toContain('value="2.5"');
    expect((await agents.sip.get(paths.schools.scheme)).status).toBe(403);
  });

  it('adds a level at the end, refusing a code already in use whatever its case', async () => {
    const added = await submitForm(agents.traded_services, paths.schools.schemeLevelNew, { code: '4X', label: 'Intensive', entitlementDays: '40' });
    expect(added.headers.location).toBe(paths.schools.scheme);
    expect(levelRows(await schemePage()).at(-1)).toEqual(['4X Intensive', 'Up to 40 days of LA-funded support a year']);
    expect(await AuditEntry.countDocuments({ action: 'support_level_added' })).toBeGreaterThan(0);

    const duplicate = await submitForm(agents.traded_services, paths.schools.schemeLevelNew, { code: '4x', label: 'Again' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('There is already a level 4x: choose another code');
    expect(duplicate.text).toContain('value="Again"');
    const badCode = await submitForm(agents.traded_services, paths.schools.schemeLevelNew, { code: '4 x/', label: 'Odd' });
    expect(badCode.text).toContain('Code must be letters and numbers only');
    // The new level is offered when a school's level is set.
    expect((await agents.sip.get(paths.schools.level(school.urn))).text).toContain('4X Intensive');
  });

  it('reorders levels one place at a time', async () => {
    await submitForm(agents.traded_services, paths.schools.scheme, { direction: 'up' }, paths.schools.schemeLevelMove('3'));
    expect(levelRows(await schemePage()).map(([level]) => level!.split(' ')[0])).toEqual(['1', '3', '2']);
    await submitForm(agents.traded_services, paths.schools.scheme, { direction: 'up' }, paths.schools.schemeLevelMove('1'));
    expect(levelRows(await schemePage()).map(([level]) => level!.split(' ')[0])).toEqual(['1', '3', '2']);
  });

  it('refuses an edit made on a page older than the scheme', async () => {
    const stale = versionOn(await schemePage());
    await submitForm(agents.traded_services, paths.schools.scheme, { direction: 'up' }, paths.schools.schemeLevelMove('3'));
    const late = await agents.traded_services
      .post(paths.schools.schemeLevelMove('1'))
      .type('form')
      .send({ _csrf: csrfTokenFrom(await schemePage()), version: stale, direction: 'down' });
    expect(late.status).toBe(400);
    expect(late.text).toContain('Someone else changed the scheme while you were editing');
    expect(levelRows(late.text).map(([level]) => level!.split(' ')[0])).toEqual(['1', '3', '2']);
  });

  it('removes a level, keeping the level and history of the schools at it', async () => {
    await submitForm(agents.sip, paths.schools.level(school.urn), levelForm('3'));
    const confirm = await agents.traded_services.get(paths.schools.schemeLevelRemove('3'));
    expect(confirm.text).toContain('1 school is');
    expect(confirm.text).toContain('Caseload Primary');
    expect(confirm.text).toContain('carries no LA-funded days or visits');

    await submitForm(agents.traded_services, paths.schools.schemeLevelRemove('3'), {});
    expect(levelRows(await schemePage()).map(([level]) => level!.split(' ')[0])).toEqual(['1', '2']);
    const schoolPage = (await agents.sip.get(paths.schools.school(school.urn))).text;
    expect(schoolPage).toContain('3 Causing concern');
    expect(schoolPage).toContain('(not in the scheme now in use)');
    expect(await SchoolSupport.countDocuments({ school: school._id, 'current.level': '3' })).toBe(1);
    expect((await agents.traded_services.get(paths.schools.schemeLevel('3'))).status).toBe(404);
  });
});

describe('GIAS upload', () => {
  const subset = readFileSync(path.join(__dirname, '..', 'fixtures', 'gias', 'gias_subset.csv'));

  async function upload(agent: Agent, file: Buffer, name: string, laCodes = '') {
    const page = await agent.get(paths.schools.import);
    return agent.post(paths.schools.import).field('_csrf', csrfTokenFrom(page.text)).field('laCodes', laCodes).attach('file', file, name);
  }

  async function finishedJobPage(agent: Agent, location: string) {
    for (;;) {
      const job = await ImportJob.findById(location.split('/').pop()).lean();
      if (job!.status !== 'running') return agent.get(location);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('imports in the background and shows progress, then the report', async () => {
    const response = await upload(agents.traded_services, subset, 'edubasealldata.csv');
    expect(response.status).toBe(302);
    const progress = await agents.traded_services.get(response.headers.location!);
    if (progress.text.includes('Importing schools')) expect(progress.text).toContain('http-equiv="refresh"');
    const report = await finishedJobPage(agents.traded_services, response.headers.location!);
    expect(report.text).toContain('Import report');
    expect(report.text).not.toContain('http-equiv="refresh"');
    expect(report.text).toMatch(/Schools created<\/dt>\s*<dd[^>]*>6</);
    expect(report.text).toContain('British school overseas');
    expect(await School.exists({ urn: '137666' })).toBeTruthy();
  });

  it('refuses a malformed file with a clear message, changing nothing', async () => {
    const before = await School.countDocuments();
    const response = await upload(agents.traded_services, Buffer.from('Name,Town\nA,B\n'), 'wrong.csv');
    const report = await finishedJobPage(agents.traded_services, response.headers.location!);
    expect(report.text).toContain('The import did not finish');
    expect(report.text).toContain('no &#34;URN&#34;');
    expect(report.text).toContain('the schools already here are unchanged');
    expect(await School.countDocuments()).toBe(before);
  });

  it('asks for a file, and checks the LA codes', async () => {
    const page = await agents.traded_services.get(paths.schools.import);
    const none = await agents.traded_services.post(paths.schools.import).field('_csrf', csrfTokenFrom(page.text)).field('laCodes', 'abc');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Select a GIAS establishment file');
    expect(none.text).toContain('Enter local authority codes of three digits');
  });

  it('leaves no temporary file behind, whatever refused the upload or once the import is over', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-gias-uploads-'));
    const uploadsDir = path.join(dataDir, 'uploads');
    const isolated = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0', UPLOAD_MAX_GIAS_MB: '1', DATA_DIR: dataDir });
    const agent = await signedInAgent(isolated, (await createUser('traded_services')).email);
    const token = csrfTokenFrom((await agent.get(paths.schools.import)).text);
    const refusals = [
      await agent.post(paths.schools.import).field('_csrf', 'forged').attach('file', subset, 'x.csv'),
      await agent.post(paths.schools.import).field('_csrf', token).field('laCodes', 'not codes').attach('file', subset, 'x.csv'),
      await agent.post(paths.schools.import).field('_csrf', token).attach('file', Buffer.alloc(2 * 1024 * 1024, 'a'), 'big.csv'),
    ];
    expect(refusals.map((response) => response.status)).toEqual([403, 400, 413]);
    const accepted = await agent.post(paths.schools.import).field('_csrf', token).attach('file', subset, 'edubasealldata.csv');
    expect(accepted.status).toBe(302);
    await finishedJobPage(agent, accepted.headers.location!);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the removal is not awaited by anyone
    expect(readdirSync(uploadsDir)).toEqual([]);
  });

  it('refuses uploads from anyone but Traded Services, and without the CSRF token', async () => {
    const response = await upload(agents.sip, subset, 'x.csv').catch(() => null);
    expect(response?.status ?? 403).toBe(403);
    const noToken = await agents.traded_services.post(paths.schools.import).attach('file', subset, 'x.csv');
    expect(noToken.status).toBe(403);
  });
});
