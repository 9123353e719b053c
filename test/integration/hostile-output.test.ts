import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Express } from 'express';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { FeedbackEvidence } from '../../src/features/commissions/feedback/feedback.model';
import { giveFeedback } from '../../src/features/commissions/feedback/feedback.service';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { ShortlistEntry } from '../../src/features/directory/shortlist.model';
import { ImportJob } from '../../src/features/schools/gias/import-job.model';
import { SchoolSupport } from '../../src/features/schools/school-support.model';
import { School } from '../../src/features/schools/school.model';
import { currentScheme, updateSchemeLevel } from '../../src/features/schools/support-scheme.service';
import { updateTerm } from '../../src/features/taxonomy/taxonomy-admin.service';
import { paths } from '../../src/paths';
import { buildTestApp, testConfig } from '../support/app';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { useTestDatabase } from '../support/database';
import { buildWorld, completedCommission, LISTING_BODY, type Who, type World } from '../support/hostile-forms';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';
import { listRoutes } from '../support/routes';

/** What the app sends out of hostile input: spreadsheets and uploaded files' names. */
useTestDatabase();

let app: Express;
let world: World;
const agents = new Map<Exclude<Who, 'signedOut'>, Agent>();

/** Text a spreadsheet would run, put wherever a user's words reach an export. */
const FORMULAS = {
  listingName: '=HYPERLINK("http://evil.example","click")',
  organisation: '+44 20 7946 0000',
  summary: '-2+3+cmd|\' /C calc\'!A0',
  area: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  note: '\tTab first',
  category: '=Maths (formula)',
  need: '+Phonics (formula)',
  level: '-Vulnerable (formula)',
};

beforeAll(async () => {
  app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
  world = await buildWorld();
  for (const who of ['sip', 'traded_services', 'provider', 'school'] as const) agents.set(who, await signedInAgent(app, world.users[who].email));
  const admin = world.users.traded_services;
  await updateTerm(admin, 'category', 'mathematics-and-numeracy', { label: FORMULAS.category, synonyms: [], categories: [] });
  await updateTerm(admin, 'need', world.needSlug, { label: FORMULAS.need, synonyms: [], categories: ['english-and-literacy'] });
  const scheme = await currentScheme();
  const saved = await updateSchemeLevel(admin, '2', { label: FORMULAS.level, description: '', entitlementDays: 10, visitsPerYear: undefined, visitsWithoutPackage: undefined, version: scheme!.version });
  if (!saved.ok) throw new Error(saved.message);
  await Listing.updateOne(
    { _id: world.listingId },
    { $set: { name: FORMULAS.listingName, organisation: FORMULAS.organisation, summary: FORMULAS.summary, areas: [FORMULAS.area] }, $inc: { revision: 1 } },
  );
  await ShortlistEntry.updateOne({ listing: world.listingId }, { $set: { note: FORMULAS.note } });
  // The school at a level with an entitlement, with a need no provider covers, and rated support behind it.
  // Set before the support started, so the "moved up a level" table counts the school (still within its 3 terms).
  const level = { level: '2', levelLabel: FORMULAS.level, setAt: new Date('2026-09-01T00:00:00Z'), setBy: new Types.ObjectId(admin.id), reason: 'Termly review', reviewDue: new Date('2027-04-01') };
  await SchoolSupport.create({ school: world.schoolId, current: level, history: [level] });
  // The school's need is a priority of its support plan (buildWorld), and was recorded on it before plans.
  await School.updateOne({ _id: world.schoolId }, { $set: { priorities: { needs: [world.needSlug], notes: '' } } });
  const id = await completedCommission(world);
  await giveFeedback(world.users.school, id, { quality: 2, impact: 3, value: 3, recommend: 2, whatChanged: '=1+1 in the feedback' }, undefined);
});

/** The body as text, byte-order mark included. */
const download = (agent: Agent, url: string) =>
  agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });

/** Tables whose cells never start with a user's words: the service's own labels (terms, provider types, routes, funding), or a level's code first. */
const FIXED_LABEL_TABLES = ['terms', 'provider-types', 'routes', 'funding', 'levels'];

/** Every CSV the app serves, and how to reach each (the reports page links each of its tables). */
const CSV_EXPORTS: { route: string; as: Exclude<Who, 'signedOut'>; urls: () => Promise<string[]> }[] = [
  { route: 'GET /directory/export.csv', as: 'sip', urls: async () => [paths.directory.export] },
  { route: 'GET /shortlists/:id/export.csv', as: 'sip', urls: async () => [paths.shortlists.export(world.shortlistId)] },
  {
    route: 'GET /reports/:table.csv',
    as: 'traded_services',
    urls: async () => [...(await agents.get('traded_services')!.get(paths.reports.commissions)).text.matchAll(/href="(\/reports\/[a-z-]+\.csv)"/g)].map((match) => match[1]!),
  },
];

const STARTS_A_FORMULA = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** Content-Disposition with a plain or quoted name (no quote, backslash, slash or line break inside) and perhaps a UTF-8 one. */
const SAFE_DISPOSITION = /^(attachment|inline)(; filename=([!#$%&'*+.^_`|~\w-]+|"[^"\\\r\n/]*")(; filename\*=UTF-8''[^\s;"/\\]+)?)?$/;

describe('CSV exports', () => {
  it('checks every CSV export the app serves', () => {
    expect(listRoutes(app).filter((route) => route.endsWith('.csv'))).toEqual(CSV_EXPORTS.map((csv) => csv.route).sort());
  });

  it.each(CSV_EXPORTS.map((csv) => [csv.route, csv] as const))('%s: no cell starts a formula (= + - @ tab CR) unless it is a number', async (_route, csv) => {
    const urls = await csv.urls();
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const response = await download(agents.get(csv.as)!, url);
      expect([url, response.status]).toEqual([url, 200]);
      expect(response.headers['content-disposition']).toMatch(SAFE_DISPOSITION);
      const cells = (parse(response.body as string, { bom: true, relax_column_count: true }) as string[][]).flat();
      const unsafe = cells.filter((cell) => STARTS_A_FORMULA.test(cell) && !PLAIN_NUMBER.test(cell));
      expect([url, unsafe]).toEqual([url, []]);
      const table = /\/reports\/([a-z-]+)\.csv/.exec(url)?.[1];
      // Not a vacuous pass: the hostile text put in above reaches this export, made inert.
      if (!table || !FIXED_LABEL_TABLES.includes(table)) expect([url, cells.some((cell) => /^'[=+\-@\t\r]/.test(cell))]).toEqual([url, true]);
    }
  });
});

describe('absolute links', () => {
  it('start with BASE_URL in exports and emails, whatever Host header the request sent', async () => {
    const baseUrl = testConfig().baseUrl;
    for (const url of [paths.directory.export, paths.shortlists.export(world.shortlistId)]) {
      const response = await download(agents.get('sip')!, url).set('Host', 'attacker.invalid');
      expect([url, response.status]).toEqual([url, 200]);
      expect(response.body as string).toContain(`${baseUrl}/listings/`);
      expect(response.body as string).not.toContain('attacker.invalid');
    }
    const admin = agents.get('traded_services')!;
    const form = await admin.get(paths.admin.newUser);
    await admin
      .post(paths.admin.newUser)
      .set('Host', 'attacker.invalid')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), name: 'Host Header', email: 'host.header@example.org', role: 'sip' });
    const invitation = await OutboxMessage.findOne({ to: 'host.header@example.org' }).lean();
    expect(invitation?.text).toContain(`${baseUrl}${paths.setPassword}?token=`);
    expect(invitation?.text).not.toContain('attacker.invalid');
  });
});

/** Names an uploader might choose to escape a folder, break a header or pose as another type. */
const HOSTILE_NAMES = [
  '../../etc/passwd.pdf',
  '..\\..\\windows\\win.ini.pdf',
  `${'long'.repeat(100)}.pdf`,
  '\u202Efdp.exe',
  'evil".pdf; filename="x.exe',
  '<script>alert(1)</script>.pdf',
  'Zoë’s impact report.pdf',
];

function expectSafeName(name: string, extension: string): void {
  expect(name.length).toBeLessThanOrEqual(150);
  expect(name).not.toMatch(/[/\\"\p{Cc}\p{Cf}]|^\./u);
  expect(name.toLowerCase().endsWith(extension)).toBe(true);
}

/** A NUL in a part's header makes the multipart body unreadable: a clear refusal, never a crash. */
const UNREADABLE_NAME = 'a\u0000b.pdf';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('uploaded file names', () => {
  it('stores and serves pen portrait evidence and photos under safe names', async () => {
    const provider = agents.get('provider')!;
    const token = csrfTokenFrom((await provider.get(paths.changePassword)).text);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0b0c0c' } }).png().toBuffer();
    for (const name of HOSTILE_NAMES) {
      const listing = await Listing.create({ name: 'Upload test', providerType: 'sle', owners: [new Types.ObjectId(world.users.provider.id)], status: 'draft' });
      let post = provider.post(paths.listings.edit(listing.id as string)).field('_csrf', token);
      for (const [field, value] of Object.entries(LISTING_BODY)) for (const item of [value].flat()) post = post.field(field, item);
      const response = await post.attach('photo', png, name.replace(/\.pdf$|\.exe$/, '.png')).attach('evidence', pdf, name);
      expect([name, response.status]).toEqual([name, 302]);
      const files = await StoredFile.find({ listing: listing._id }).lean();
      expect(files.map((file) => file.kind).sort()).toEqual(['evidence', 'photo']);
      if (name.startsWith('Zoë')) expect(files.map((file) => file.filename).sort()).toEqual(['Zoë_s impact report.pdf', 'Zoë_s impact report.png']);
      for (const file of files) {
        expectSafeName(file.filename, file.kind === 'photo' ? '.png' : '.pdf');
        const served = await provider.get(paths.listings.file(listing.id as string, file._id.toString()));
        expect(served.status).toBe(200);
        expect(served.headers['content-disposition']).toMatch(SAFE_DISPOSITION);
      }
      const page = await provider.get(paths.listings.edit(listing.id as string));
      expect(page.text).not.toContain('<script>alert(1)</script>');
    }
    const unreadable = await provider.post(paths.listings.edit(world.draftListingId)).field('_csrf', token).field('name', 'Kept').attach('evidence', pdf, UNREADABLE_NAME);
    expect(unreadable.status).toBe(400);
    expect(unreadable.text).toContain('The upload could not be read');
  });

  it('stores and serves impact feedback evidence under safe names', async () => {
    const school = agents.get('school')!;
    for (const name of HOSTILE_NAMES) {
      const id = await completedCommission(world);
      const token = csrfTokenFrom((await school.get(paths.commissions.feedback(id))).text);
      const response = await school
        .post(paths.commissions.feedback(id))
        .field('_csrf', token)
        .field({ quality: '4', impact: '4', value: '4', recommend: '4', whatChanged: 'Reading ages rose' })
        .attach('evidence', pdf, name);
      expect([name, response.status]).toEqual([name, 302]);
      const served = await agents.get('provider')!.get(paths.commissions.evidence(id));
      expect(served.status).toBe(200);
      expect(served.headers['content-disposition']).toMatch(SAFE_DISPOSITION);
    }
    const names = (await FeedbackEvidence.find({}, { filename: 1 }).lean()).map((evidence) => evidence.filename);
    for (const name of names) expectSafeName(name, '.pdf');
    expect(names).toContain('Zoë_s impact report.pdf');
    const id = await completedCommission(world);
    const token = csrfTokenFrom((await school.get(paths.commissions.feedback(id))).text);
    const unreadable = await school.post(paths.commissions.feedback(id)).field('_csrf', token).attach('evidence', pdf, UNREADABLE_NAME);
    expect(unreadable.status).toBe(400);
  });

  it('shows a GIAS upload under a safe name', async () => {
    const admin = agents.get('traded_services')!;
    const token = csrfTokenFrom((await admin.get(paths.schools.import)).text);
    const csv = readFileSync(path.join(__dirname, '../fixtures/gias/gias_subset.csv'));
    const response = await admin.post(paths.schools.import).field('_csrf', token).field('laCodes', '999').attach('file', csv, '../../<script>alert(1)</script>\u202Evsc.exe');
    expect(response.status).toBe(302);
    const job = await ImportJob.findOne().sort({ startedAt: -1 }).lean();
    expectSafeName(job!.fileName, '.csv');
    for (let wait = 0; (await ImportJob.findById(job!._id).lean())!.status === 'running' && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const page of [response.headers.location!, paths.schools.import]) expect((await admin.get(page)).text).not.toContain('<script>alert(1)</script>');
    expect((await admin.post(paths.schools.import).field('_csrf', token).attach('file', csv, UNREADABLE_NAME)).status).toBe(400);
  });
});
