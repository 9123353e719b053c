import type { Express } from 'express';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { ROLES, type Role } from '../../src/web/identity';
import { Listing } from '../../src/features/listings/listing.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import pino from 'pino';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing, resultNamesIn } from '../support/directory';
import { createUser } from '../support/factories';
import { signedInAgent, type Agent } from '../support/http';

jest.setTimeout(20_000);
useTestDatabase();

const resultNames = (html: string) => resultNamesIn(html).sort();

describe('finding support', () => {
  let app: Express;
  const agents = new Map<Role, Agent>();

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    await createListedListing({ name: 'Primary maths SLE', expertise: ['mathematics-and-numeracy'], phases: ['primary'], subjects: ['mathematics'], areas: ['North Anyshire'], capacity: { days: 4, period: 'term' } });
    await createListedListing({ name: 'Numeracy traded service', providerType: 'traded_service', expertise: ['mathematics-and-numeracy'], phases: ['primary', 'secondary'], fundedByLa: true });
    await createListedListing({ name: 'GCSE maths hub', expertise: ['mathematics-and-numeracy'], phases: ['secondary'] });
    await createListedListing({ name: 'Phonics leader', summary: 'Phonics and early reading in reception and KS1', expertise: ['english-and-literacy'], phases: ['primary', 'eyfs'], subjects: ['phonics'] });
    await createListedListing({ name: '=HYPERLINK("http://evil.example") SLE', expertise: ['governance'] });
    await createListedListing({ name: 'Suspended maths provider', status: 'suspended', expertise: ['mathematics-and-numeracy'], phases: ['primary'] });
    await createListedListing({ name: 'Draft maths provider', status: 'draft', expertise: ['mathematics-and-numeracy'], phases: ['primary'] });
    await createListedListing({ name: 'Long overdue maths provider', reviewDueOn: new Date('2020-01-01'), expertise: ['mathematics-and-numeracy'], phases: ['primary'] });
    for (let i = 0; i < 21; i++) await createListedListing({ name: `Governance adviser ${String(i).padStart(2, '0')}`, expertise: ['governance'] });
    app = buildTestApp();
    for (const role of ROLES) agents.set(role, await signedInAgent(app, (await createUser(role)).email));
  });

  it('asks signed-out visitors to sign in', async () => {
    const response = await request(app).get(paths.directory.search);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(paths.signIn);
  });

  it.each(ROLES)('lets %s search, with "Find support" in the navigation', async (role) => {
    const response = await agents.get(role)!.get(`${paths.directory.search}?q=maths`);
    expect(response.status).toBe(200);
    expect(response.text).toContain(`href="${paths.directory.search}"`);
    expect(response.text).toContain('Find support');
    expect(response.text.includes('Add to a shortlist')).toBe(role !== 'provider');
  });

  it('finds the same primary maths providers for numeracy KS2, maths ks2 and mathematics key stage 2', async () => {
    const sip = agents.get('sip')!;
    const expected = ['Numeracy traded service', 'Primary maths SLE'];
    for (const q of ['numeracy KS2', 'maths ks2', 'mathematics key stage 2']) {
      const response = await sip.get(paths.directory.search).query({ q });
      expect(resultNames(response.text)).toEqual(expected);
    }
  });

  it('tolerates typos, shows only listed providers, and says why each matches', async () => {
    const response = await agents.get('school')!.get(paths.directory.search).query({ q: 'phonicks' });
    expect(resultNames(response.text)).toEqual(['Phonics leader']);
    expect(response.text).toContain('Why this matches:');
    const maths = await agents.get('school')!.get(paths.directory.search).query({ q: 'maths' });
    expect(maths.text).not.toContain('Suspended maths provider');
    expect(maths.text).not.toContain('Draft maths provider');
    expect(maths.text).not.toContain('Long overdue maths provider');
  });

  it('keeps the whole search in the URL: filters, counts, sort and pages work without JavaScript', async () => {
    const sip = agents.get('sip')!;
    const filtered = await sip.get(`${paths.directory.search}?q=maths&phase=primary&funded=yes`);
    expect(resultNames(filtered.text)).toEqual(['Numeracy traded service']);
    expect(filtered.text).toMatch(/value="primary" checked/);
    expect(filtered.text).toContain('Secondary (1)');
    expect(filtered.text).toContain('Phase: Primary; Funded by the LA');

    const first = await sip.get(`${paths.directory.search}?category=governance&sort=name`);
    expect(first.text).toContain('22 providers found');
    expect(first.text).toContain('href="/directory?category=governance&amp;sort=name&amp;page=2"');
    const second = await sip.get(`${paths.directory.search}?category=governance&sort=name&page=2`);
    expect(resultNames(second.text)).toEqual(['Governance adviser 19', 'Governance adviser 20']);
  });

  it('answers very long, operator-filled and unknown inputs normally', async () => {
    const sip = agents.get('sip')!;
    const long = await sip.get(paths.directory.search).query({ q: 'maths '.repeat(834) });
    expect(long.status).toBe(200);
    expect(long.text).toContain('Only the first 200 characters of your search were used.');
    for (const query of [
      { q: '{"$gt": ""} $where: function() { sleep(5000) } .*(a+)+$' },
      { 'q[$ne]': 'x', category: 'no-such-thing', phase: ['<script>', 'primary'], sort: 'drop', page: '-4' },
      { type: 'wizard', area: 'Atlantis', capacity: 'maybe', funded: ['yes', 'no'] },
    ]) {
      const response = await sip.get(paths.directory.search).query(query);
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('<script>');
    }
  });

  it('exports the results as CSV that opens safely in Excel', async () => {
    const response = await agents.get('sip')!.get(`${paths.directory.export}?category=governance`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.text.charCodeAt(0)).toBe(0xfeff);
    expect(response.text).toContain(`"'=HYPERLINK(""http://evil.example"") SLE"`);
    expect(response.text.split('\r\n').filter(Boolean)).toHaveLength(1 + 22);
  });

  it('puts days and money in CSV columns of their own, as numbers a spreadsheet adds up', async () => {
    const costed = await createListedListing({ name: 'Costed maths hub', expertise: ['mathematics-and-numeracy'], phases: ['secondary'], dailyRatePence: 45050, capacity: { days: 12, period: 'year' } });
    let header: (string | number)[] = [];
    let rows: (string | number)[][] = [];
    // The directory looks for changed listings every couple of seconds.
    for (let tries = 0; !rows.some((row) => row[0] === 'Costed maths hub') && tries < 50; tries++) {
      if (tries) await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await agents.get('sip')!.get(`${paths.directory.export}?category=mathematics-and-numeracy`);
      const table = parse(response.text.replace(/^\uFEFF/, ''), { cast: true }) as (string | number)[][];
      header = table[0] ?? [];
      rows = table.slice(1);
    }
    const column = (name: string) => header.indexOf(name);
    const row = (name: string) => rows.find((candidate) => candidate[0] === name)!;
    const figures = (name: string) => ['Days available', 'Days per', 'Daily rate (£)', 'Funded by the LA'].map((heading) => row(name)[column(heading)]);
    expect(figures('Costed maths hub')).toEqual([12, 'year', 450.5, 'No']);
    expect(figures('Primary maths SLE')).toEqual([4, 'term', '', 'No']);
    expect(figures('Numeracy traded service')).toEqual(['', '', '', 'Yes']);
    await Listing.deleteOne({ _id: costed._id });
  });

  it('prints the whole directory grouped by category with an index', async () => {
    const response = await agents.get('school')!.get(paths.directory.print);
    expect(response.status).toBe(200);
    expect(response.text).toContain('href="#mathematics-and-numeracy"');
    expect(response.text).toContain('id="governance"');
    expect(response.text).not.toContain('Suspended maths provider');
  });

  it('suggests providers for a need, by choice or in the school’s own words', async () => {
    const chosen = await agents.get('sip')!.get(paths.directory.suggest).query({ need: 'ks2-maths-progress-below-national', phase: 'primary' });
    expect(resultNames(chosen.text)).toEqual(['Numeracy traded service', 'Primary maths SLE']);
    const typed = await agents.get('school')!.get(paths.directory.suggest).query({ text: 'our phonics results keep dropping' });
    expect(typed.text).toContain('Phonics outcomes are falling');
    expect(resultNames(typed.text)).toContain('Phonics leader');
  });
});

describe('keeping the index current across app instances', () => {
  it('finds a listing approved through another instance, and drops it when suspended', async () => {
    await ensureDefaultTaxonomy();
    const sip = await createUser('sip');
    const first = await signedInAgent(buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' }), sip.email);
    const second = await signedInAgent(buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' }), sip.email);
    const search = async (agent: Agent) => resultNames((await agent.get(paths.directory.search).query({ q: 'storytelling' })).text);
    expect(await search(first)).toEqual([]);
    expect(await search(second)).toEqual([]);

    const listing = await createListedListing({ name: 'Oracy specialist', status: 'submitted', summary: 'Storytelling across the curriculum' });
    expect(await search(first)).toEqual([]);
    await Listing.updateOne({ _id: listing._id }, { $set: { status: 'approved' }, $inc: { revision: 1 } });
    expect(await search(first)).toEqual(['Oracy specialist']);
    expect(await search(second)).toEqual(['Oracy specialist']);

    await Listing.updateOne({ _id: listing._id }, { $set: { status: 'suspended' }, $inc: { revision: 1 } });
    expect(await search(first)).toEqual([]);
    expect(await search(second)).toEqual([]);
  });
});

describe('open data', () => {
  it('publishes the directory in HSDS 3.0 shape to anyone, without personal contact details', async () => {
    await ensureDefaultTaxonomy();
    await createListedListing({
      name: 'Open data SLE',
      organisation: 'Brook Lane Primary',
      summary: 'Maths mastery',
      expertise: ['mathematics-and-numeracy'],
      areas: ['North Anyshire'],
      providerType: 'sle',
      designation: { awardedOn: new Date('2025-09-01'), expiresOn: new Date('2028-08-31') },
      publishedAt: new Date('2025-10-01'),
      contact: { name: 'Jo Private', email: 'jo.private@school.example', phone: '01234 567890', route: 'Ring Jo' },
      experience: 'Jo Private has taught for twenty years',
    });
    await createListedListing({ name: 'Not yet approved', status: 'submitted' });
    const response = await request(buildTestApp({}, pino({ level: 'error' }))).get(paths.openData.directory);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.text).not.toMatch(/jo\.private|01234|Ring Jo|Jo Private/);
    const page = response.body as { total_items: number; contents: Record<string, unknown>[] };
    const service = page.contents.find((entry) => entry.name === 'Open data SLE')!;
    expect(page.contents.some((entry) => entry.name === 'Not yet approved')).toBe(false);
    expect(service).toMatchObject({
      description: 'Maths mastery',
      status: 'active',
      assured_date: '2025-10-01',
      accreditations: 'Specialist Leader of Education, awarded 2025-09-01, valid until 2028-08-31',
      organization: { name: 'Brook Lane Primary' },
      service_areas: [{ name: 'North Anyshire' }],
      contacts: [],
    });
    expect(service.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const terms = (service.attributes as { taxonomy_term: { code: string; name: string } }[]).map((attribute) => attribute.taxonomy_term.name);
    expect(terms).toEqual(['Specialist Leader of Education', 'Mathematics and numeracy']);
  });
});

describe('about this service', () => {
  it('is a signed-in page linked from the footer', async () => {
    const app = buildTestApp();
    expect((await request(app).get(paths.help)).status).toBe(302);
    const agent = await signedInAgent(app, (await createUser('provider')).email);
    const response = await agent.get(paths.help);
    expect(response.status).toBe(200);
    expect(response.text).toContain(`href="${paths.help}"`);
  });
});
