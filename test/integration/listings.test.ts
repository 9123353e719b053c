import type { Express } from 'express';
import request from 'supertest';
import sharp from 'sharp';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { School } from '../../src/features/schools/school.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

const FORM: Record<string, string | string[]> = {
  name: 'Alex Example',
  providerType: 'sle',
  summary: 'Specialist in <script>alert(1)</script> KS2 maths.',
  experience: 'Ten years leading maths across three primary schools.',
  expertise: ['mathematics-and-numeracy'],
  phases: ['primary'],
  offers: ['coaching', 'training'],
  capacityDays: '10',
  capacityPeriod: 'term',
  fundedByLa: 'no',
  dailyRate: '450',
  contactEmail: 'alex@example.org',
  'designationAwarded-day': '1',
  'designationAwarded-month': '9',
  'designationAwarded-year': '2024',
  'designationExpires-day': '31',
  'designationExpires-month': '8',
  'designationExpires-year': '2030',
};

type Attachment = { field: string; data: Buffer; filename: string };

/** Posts the multipart pen portrait form as a browser would: token first, typed fields, then files. */
async function postListingForm(agent: Agent, formPath: string, fields: Record<string, string | string[]>, files: Attachment[] = []) {
  const page = await agent.get(formPath);
  let post = agent.post(formPath).field('_csrf', csrfTokenFrom(page.text));
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) post = post.field(key, item);
  }
  for (const file of files) post = post.attach(file.field, file.data, file.filename);
  return post;
}

const idFrom = (location: string) => location.split('/')[2]!;
const pdf = (bytes = 2000) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(bytes, 0x20)]);

describe('listings', () => {
  let app: Express;
  const agents: Record<string, Agent> = {};
  const schools: Record<string, string> = {};

  beforeAll(async () => {
    app = buildTestApp();
    await ensureDefaultTaxonomy();
    for (const key of ['a', 'b', 'own']) {
      const school = await createSchool();
      schools[key] = school.id as string;
      agents[`school_${key}`] = await signedInAgent(app, (await createUser('school', { school: school._id })).email);
    }
    for (const role of ['provider', 'sip', 'traded_services'] as const) agents[role] = await signedInAgent(app, (await createUser(role)).email);
    agents.ts2 = await signedInAgent(app, (await createUser('traded_services')).email);
    agents.other_provider = await signedInAgent(app, (await createUser('provider')).email);
  });

  async function newListing(fields = FORM): Promise<string> {
    const response = await postListingForm(agents.provider!, paths.listings.new, { ...fields, employingSchool: schools.own! });
    expect(response.status).toBe(302);
    return idFrom(response.headers.location!);
  }

  async function recommend(agentKey: string, id: string) {
    return submitForm(agents[agentKey]!, paths.recommendations.recommend(id), { statement: 'Saw excellent coaching.', workSeen: 'Spring 2025' });
  }

  async function requestFrom(id: string, keys: string[]) {
    return submitForm(agents.provider!, paths.recommendations.request(id), { schools: keys.map((key) => schools[key]!) });
  }

  /** One section of Traded Services' queue, from its heading to the next. */
  async function queueSection(title: string): Promise<string> {
    const queue = await agents.traded_services!.get(paths.listings.queue);
    const section = queue.text.split('<h2').find((part) => part.includes(`>${title} (`));
    if (!section) throw new Error(`No section "${title}" on the queue`);
    return section;
  }

  async function publishedListing(): Promise<string> {
    const id = await newListing();
    await requestFrom(id, ['a', 'b']);
    await recommend('school_a', id);
    await recommend('school_b', id);
    expect((await submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id))).status).toBe(302);
    const decided = await submitForm(agents.traded_services!, paths.listings.decide(id), { decision: 'approve' });
    expect(decided.status).toBe(302);
    return id;
  }

  it('creates a draft and shows what is missing', async () => {
    const id = await newListing();
    const listing = await Listing.findById(id).lean();
    expect(listing).toMatchObject({ status: 'draft', dailyRatePence: 45000, capacity: { days: 10, period: 'term' } });
    const status = await agents.provider!.get(paths.listings.status(id));
    expect(status.text).toContain('0 of 2 recommendations');
    expect(await AuditEntry.exists({ subjectId: listing!._id, action: 'listing_created' })).toBeTruthy();
  });

  it('shows free text as text everywhere', async () => {
    const id = await newListing({ ...FORM, name: '<script>alert(1)</script>' });
    for (const page of [paths.listings.listing(id), paths.listings.status(id), paths.listings.own]) {
      const response = await agents.provider!.get(page);
      expect(response.text).not.toContain('<script>alert(1)</script>');
      expect(response.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('keeps what was typed and explains each problem', async () => {
    const response = await postListingForm(agents.provider!, paths.listings.new, { ...FORM, summary: 'x'.repeat(401), phases: [] });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Summary must be 400 characters or fewer');
    expect(response.text).toContain('Select at least one phase');
    expect(response.text).toContain('value="Alex Example"');
    const dates = await postListingForm(agents.provider!, paths.listings.new, { ...FORM, 'designationExpires-day': '', 'designationExpires-month': '', 'designationExpires-year': '' });
    expect(dates.text).toContain('Enter the date the designation expires');
    const terms = await postListingForm(agents.provider!, paths.listings.new, { ...FORM, expertise: ['not-a-term'] });
    expect(terms.text).toContain('Select areas of expertise from the list');
    expect(terms.text).toContain('Ten years leading maths');
  });

  describe('uploads', () => {
    const refusals: [string, Attachment, string][] = [
      ['a renamed .exe', { field: 'photo', data: Buffer.from('MZ\x90\x00\x03 this is a program'), filename: 'photo.jpg' }, 'The photo must be a JPEG, PNG or WebP image'],
      ['a 0-byte file', { field: 'photo', data: Buffer.alloc(0), filename: 'empty.png' }, 'The selected photo is empty'],
      ['an SVG with script', { field: 'photo', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), filename: 'logo.svg' }, 'The photo must be a JPEG, PNG or WebP image'],
      ['an 11 MB PDF', { field: 'evidence', data: pdf(11 * 1024 * 1024), filename: 'big.pdf' }, 'Each evidence document must be smaller than 10 MB'],
      ['a document that is not a PDF', { field: 'evidence', data: Buffer.from('PK\x03\x04 zip'), filename: 'case-study.pdf' }, 'Evidence documents must be PDF files'],
    ];

    it.each(refusals)('refuses %s with a clear message, keeping the form', async (_what, file, message) => {
      const before = await Listing.countDocuments();
      const response = await postListingForm(agents.provider!, paths.listings.new, FORM, [file]);
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
      expect(response.text).toContain('value="Alex Example"');
      expect(response.text).toContain('Ten years leading maths');
      expect(await Listing.countDocuments()).toBe(before);
    });

    it('stores a photo resized without metadata, and evidence served as an attachment only to those allowed', async () => {
      const photo = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: 'blue' } })
        .jpeg()
        .withMetadata({ exif: { IFD0: { Copyright: 'Secret camera owner' } } })
        .toBuffer();
      const response = await postListingForm(agents.provider!, paths.listings.new, FORM, [
        { field: 'photo', data: photo, filename: 'me.jpg' },
        { field: 'evidence', data: pdf(), filename: 'case study.pdf' },
      ]);
      expect(response.status).toBe(302);
      const listing = (await Listing.findById(idFrom(response.headers.location!)).lean())!;
      const stored = (await StoredFile.findById(listing.photo).lean())!;
      const metadata = await sharp(Buffer.from(stored.data.buffer)).metadata();
      expect(metadata.width).toBe(800);
      expect(metadata.exif).toBeUndefined();

      const id = listing._id.toString();
      const evidenceUrl = paths.listings.file(id, listing.evidence[0]!.toString());
      const file = await agents.provider!.get(evidenceUrl);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toBe('attachment; filename="case study.pdf"');
      expect((await agents.provider!.get(paths.listings.file(id, listing.photo!.toString()))).headers['content-type']).toBe('image/jpeg');
      for (const key of ['sip', 'school_a', 'other_provider']) expect((await agents[key]!.get(evidenceUrl)).status).toBe(403);
      expect((await request(app).get(evidenceUrl)).status).toBe(302);
      expect((await agents.traded_services!.get(evidenceUrl)).status).toBe(200);
    });
  });

  describe('the two-school rule', () => {
    it('refuses to submit with none, one, or one from the provider’s own school', async () => {
      const id = await newListing();
      const submit = () => submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id));
      expect((await submit()).text).toContain('You have 0 of 2 recommendations');
      await requestFrom(id, ['a']);
      expect((await requestFrom(id, ['own'])).text).toContain('Your own school cannot recommend your listing');
      expect((await recommend('school_a', id)).status).toBe(302);
      expect((await recommend('school_own', id)).status).toBe(403);
      expect((await submit()).text).toContain('You have 1 of 2 recommendations');
      expect((await recommend('school_a', id)).text).toContain('Your school has already recommended this listing');
      expect(await Recommendation.countDocuments({ listing: id, status: 'given' })).toBe(1);
      expect((await Listing.findById(id).lean())!.status).toBe('draft');

      // A school nobody asked cannot see a draft, so cannot recommend it either.
      expect((await recommend('school_b', id)).status).toBe(403);
      await requestFrom(id, ['b']);
      await recommend('school_b', id);
      expect((await submit()).status).toBe(302);
      expect((await Listing.findById(id).lean())!.status).toBe('submitted');
    });

    it('stops counting a withdrawn recommendation', async () => {
      const id = await newListing();
      await requestFrom(id, ['a', 'b']);
      await recommend('school_a', id);
      await recommend('school_b', id);
      expect((await submitForm(agents.school_b!, paths.listings.listing(id), {}, paths.recommendations.withdraw(id))).status).toBe(302);
      const response = await submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id));
      expect(response.text).toContain('You have 1 of 2 recommendations');
    });

    it('lets a school decline, telling the provider nowhere which school did (not even by elimination), but telling Traded Services', async () => {
      const id = await newListing();
      await requestFrom(id, ['a', 'b']);
      await submitForm(agents.school_a!, paths.recommendations.inbox, {}, paths.recommendations.decline(id));
      const [declined, unanswered] = await Promise.all(['a', 'b'].map(async (key) => (await School.findById(schools[key]).lean())!.name));

      // The status page: the school that declined reads exactly like the one that has not answered.
      const status = (await agents.provider!.get(paths.listings.status(id))).text;
      const answerBeside = (name: string) => status.split(`>${name}</td>`)[1]!.split('</tr>')[0];
      expect(answerBeside(declined!)).toBe(answerBeside(unanswered!));
      expect(status).not.toMatch(/[Dd]eclined/);
      // The history: no decline at all.
      expect((await agents.provider!.get(paths.listings.history(id))).text).not.toMatch(/[Dd]eclined/);
      // The personal-data download: the same status for both, and no date of an answer.
      await Listing.updateOne({ _id: id }, { $set: { name: 'The listing two schools were asked about' } });
      const data = (await agents.provider!.get(paths.yourData)).body as { recommendations: { listing: string; status: string; answeredAt?: string }[] };
      const asked = data.recommendations.filter((row) => row.listing === 'The listing two schools were asked about');
      expect(asked.map((row) => [row.status, row.answeredAt])).toEqual([
        ['requested', undefined],
        ['requested', undefined],
      ]);
      expect(JSON.stringify(data)).not.toContain('declined');

      const tsHistory = await agents.traded_services!.get(paths.listings.history(id));
      expect(tsHistory.text.split('Recommendation request declined')[1]!.split('</tr>')[0]).toContain(declined!);
      expect((await agents.traded_services!.get(paths.listings.status(id))).text).toContain('Declined');
    });
  });

  describe('roles', () => {
    it('refuses submit, decide and recommend to the wrong roles, changing nothing', async () => {
      const id = await newListing();
      await requestFrom(id, ['a']);
      for (const key of ['sip', 'school_a', 'traded_services', 'other_provider']) {
        const home = await agents[key]!.get(paths.root).redirects(1);
        const token = csrfTokenFrom(home.text);
        expect((await agents[key]!.post(paths.listings.submit(id)).type('form').send({ _csrf: token })).status).toBe(403);
      }
      for (const key of ['sip', 'school_a', 'provider', 'other_provider']) {
        const home = await agents[key]!.get(paths.root).redirects(1);
        const token = csrfTokenFrom(home.text);
        expect((await agents[key]!.post(paths.listings.decide(id)).type('form').send({ _csrf: token, decision: 'approve' })).status).toBe(403);
      }
      for (const key of ['sip', 'provider', 'traded_services', 'other_provider']) {
        const home = await agents[key]!.get(paths.root).redirects(1);
        const token = csrfTokenFrom(home.text);
        const response = await agents[key]!.post(paths.recommendations.recommend(id)).type('form').send({ _csrf: token, statement: 'x', workSeen: 'y' });
        expect(response.status).toBe(403);
      }
      expect(await Recommendation.countDocuments({ listing: id, status: 'given' })).toBe(0);
      expect((await Listing.findById(id).lean())!.status).toBe('draft');
      expect((await request(app).get(paths.listings.listing(id))).status).toBe(302);
    });

    it('shows a draft only to its owner, Traded Services and schools asked; a published one to everyone signed in', async () => {
      const id = await newListing();
      await requestFrom(id, ['a']);
      const expectations: [string, number][] = [['provider', 200], ['traded_services', 200], ['school_a', 200], ['school_b', 403], ['sip', 403], ['other_provider', 403]];
      for (const [key, status] of expectations) expect((await agents[key]!.get(paths.listings.listing(id))).status).toBe(status);
      const published = await publishedListing();
      for (const key of ['provider', 'traded_services', 'school_b', 'sip', 'other_provider']) {
        expect((await agents[key]!.get(paths.listings.listing(published))).status).toBe(200);
      }
      expect((await agents.sip!.get(paths.listings.status(published))).status).toBe(403);
      expect((await agents.other_provider!.get(paths.listings.history(published))).status).toBe(403);
    });
  });

  describe('decisions', () => {
    it('lets exactly one of two simultaneous decisions win', async () => {
      const id = await newListing();
      await requestFrom(id, ['a', 'b']);
      await recommend('school_a', id);
      await recommend('school_b', id);
      await submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id));
      const [first, second] = await Promise.all([agents.traded_services!.get(paths.listings.decide(id)), agents.ts2!.get(paths.listings.decide(id))]);
      const [approve, reject] = await Promise.all([
        agents.traded_services!.post(paths.listings.decide(id)).type('form').send({ _csrf: csrfTokenFrom(first.text), decision: 'approve' }),
        agents.ts2!.post(paths.listings.decide(id)).type('form').send({ _csrf: csrfTokenFrom(second.text), decision: 'reject', reason: 'Not enough evidence' }),
      ]);
      expect([approve.status, reject.status].sort()).toEqual([302, 409]);
      const loser = approve.status === 409 ? approve : reject;
      expect(loser.text).toContain('Someone has already decided this');
      const listing = (await Listing.findById(id).lean())!;
      expect(listing.status).toBe(approve.status === 302 ? 'approved' : 'rejected');
      const decisions = await AuditEntry.countDocuments({ subjectId: listing._id, action: { $in: ['listing_approved', 'listing_rejected'] } });
      expect(decisions).toBe(1);
    });

    it('needs reasons to ask for changes, and lets the provider resubmit', async () => {
      const id = await newListing();
      await requestFrom(id, ['a', 'b']);
      await recommend('school_a', id);
      await recommend('school_b', id);
      await submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id));
      expect((await submitForm(agents.traded_services!, paths.listings.decide(id), { decision: 'changes_requested' })).text).toContain('Give reasons the provider can act on');
      await submitForm(agents.traded_services!, paths.listings.decide(id), { decision: 'changes_requested', reason: 'Add a case study' });
      const status = await agents.provider!.get(paths.listings.status(id));
      expect(status.text).toContain('Changes requested');
      expect(status.text).toContain('Add a case study');
      expect((await submitForm(agents.provider!, paths.listings.status(id), {}, paths.listings.submit(id))).status).toBe(302);
    });

    it('publishes with a review date from the designation, then suspends and reinstates, bumping the revision each time', async () => {
      const id = await publishedListing();
      let listing = (await Listing.findById(id).lean())!;
      expect(listing.status).toBe('approved');
      expect(listing.reviewDueOn!.toISOString()).toBe('2030-08-31T00:00:00.000Z');
      const afterApproval = listing.revision;
      expect((await submitForm(agents.traded_services!, paths.listings.status(id), { reason: '' }, paths.listings.suspend(id))).status).toBe(400);
      await submitForm(agents.traded_services!, paths.listings.status(id), { reason: 'Complaint under investigation' }, paths.listings.suspend(id));
      listing = (await Listing.findById(id).lean())!;
      expect(listing).toMatchObject({ status: 'suspended', statusReason: 'Complaint under investigation', revision: afterApproval + 1 });
      expect((await agents.sip!.get(paths.listings.listing(id))).status).toBe(403);
      await submitForm(agents.traded_services!, paths.listings.status(id), {}, paths.listings.reinstate(id));
      expect((await Listing.findById(id).lean())!).toMatchObject({ status: 'approved', revision: afterApproval + 2 });
    });

    it('lists listings past review on the queue, hidden ones too, until they are reviewed', async () => {
      const id = await publishedListing();
      const hiddenId = await publishedListing();
      await Listing.updateOne({ _id: id }, { $set: { reviewDueOn: new Date(Date.now() - 2 * 86_400_000), name: 'Overdue Olive' } });
      await Listing.updateOne({ _id: hiddenId }, { $set: { reviewDueOn: new Date(Date.now() - 400 * 86_400_000), name: 'Hidden Hal' } });
      let due = await queueSection('Due for review');
      expect(due).toContain('Overdue Olive');
      expect(due).toContain('Overdue: hidden from directory');
      expect(due.indexOf('Hidden Hal')).toBeLessThan(due.indexOf('Overdue Olive'));
      await submitForm(agents.traded_services!, paths.listings.status(id), {}, paths.listings.reviewed(id));
      expect((await Listing.findById(id).lean())!.reviewDueOn!.toISOString()).toBe('2030-08-31T00:00:00.000Z');
      due = await queueSection('Due for review');
      expect(due).not.toContain('Overdue Olive');
      expect(due).toContain('Hidden Hal');
    });
  });

  describe('edits to a live listing', () => {
    it('holds material edits for review with a diff, and publishes capacity changes at once', async () => {
      const id = await publishedListing();
      const before = (await Listing.findById(id).lean())!;
      const response = await postListingForm(agents.provider!, paths.listings.edit(id), {
        ...FORM,
        employingSchool: schools.own!,
        providerType: 'lle',
        expertise: ['mathematics-and-numeracy', 'leadership-and-management'],
        capacityDays: '4',
      });
      expect(response.status).toBe(302);
      let listing = (await Listing.findById(id).lean())!;
      expect(listing.providerType).toBe('sle');
      expect(listing.expertise).toEqual(['mathematics-and-numeracy']);
      expect(listing.capacity!.days).toBe(4);
      expect(listing.revision).toBe(before.revision + 1);
      expect(listing).toMatchObject({ pendingRevision: expect.anything(), revisionState: 'waiting' });
      expect((await agents.sip!.get(paths.listings.listing(id))).text).toContain('Specialist Leader of Education');
      expect(await queueSection('Changes to published listings')).toContain(listing.name);

      const diff = await agents.traded_services!.get(paths.listings.revision(id));
      expect(diff.text).toContain('Type of provider');
      expect(diff.text).toContain('Local Leader of Education');
      expect(diff.text).toContain('Leadership and management');
      expect(diff.text).not.toContain('>Summary<');
      const submittedAt = /name="submittedAt" value="([^"]+)"/.exec(diff.text)![1]!;
      expect((await submitForm(agents.provider!, paths.listings.status(id), { decision: 'approve', submittedAt }, paths.listings.revision(id))).status).toBe(403);
      await submitForm(agents.traded_services!, paths.listings.revision(id), { decision: 'approve', submittedAt });
      listing = (await Listing.findById(id).lean())!;
      expect(listing.providerType).toBe('lle');
      expect(listing.pendingRevision).toBeUndefined();
      expect(listing.revisionState).toBeUndefined();
      expect(await queueSection('Changes to published listings')).toContain('None.');
      expect(listing.revision).toBe(before.revision + 2);
      const history = await agents.provider!.get(paths.listings.history(id));
      expect(history.text).toContain('Changes approved and published');
      expect(history.text).toContain('Type of provider, Areas of expertise');
    });
  });
});
