import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import { createApp } from '../../src/app';
import { addMonths, startOfUtcDay } from '../../src/lib/dates';
import { DirectoryIndexKeeper } from '../../src/features/directory/directory-index-keeper';
import { createMailer } from '../../src/features/mail/mailer';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { NotificationEmails } from '../../src/features/notifications/notification-emails';
import { Notification } from '../../src/features/notifications/notification.model';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { CheckRequirements } from '../../src/features/listings/checks/check-requirements.model';
import { ProviderCheck } from '../../src/features/listings/checks/provider-check.model';
import { sendCheckReminders } from '../../src/features/listings/checks/check-reminders';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { demoEvidencePdf } from '../../seed/demo-checks';
import { testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';
import request from 'supertest';

useTestDatabase();

const DAY = 24 * 60 * 60 * 1000;
const PDF = demoEvidencePdf('DBS certificate');

/** Today at UTC midnight, as the forms see it. */
const today = () => startOfUtcDay(new Date());
const dateFields = (name: string, date: Date) => ({ [`${name}-day`]: String(date.getUTCDate()), [`${name}-month`]: String(date.getUTCMonth() + 1), [`${name}-year`]: String(date.getUTCFullYear()) });

describe('provider checks', () => {
  let app: Express;
  /** The directory's clock: search answers as of this moment. */
  let clock: Date | undefined;
  const agents: Record<string, Agent> = {};
  const users: Record<string, Types.ObjectId> = {};
  const emails = new NotificationEmails({ mailer: createMailer(testConfig().mail), baseUrl: 'https://support.example', serviceName: 'Test' }, pino({ level: 'silent' }));

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    const keeper = new DirectoryIndexKeeper({ graceDays: 30, syncMs: 0, now: () => clock ?? new Date() });
    app = createApp({ config: testConfig({ DIRECTORY_SYNC_SECONDS: '0' }), logger: pino({ level: 'silent' }), connection: mongoose.connection, directoryIndex: keeper });
    for (const [who, role] of [['provider', 'provider'], ['otherProvider', 'provider'], ['tradedServices', 'traded_services'], ['school', 'school'], ['sip', 'sip']] as const) {
      const user = await createUser(role);
      users[who] = user._id;
      agents[who] = await signedInAgent(app, user.email);
    }
  });

  beforeEach(async () => {
    clock = undefined;
    await CheckRequirements.deleteMany({});
    await ProviderCheck.deleteMany({});
    await Listing.deleteMany({});
  });

  /** A published listing of the provider's, with a word of its own to search for. */
  async function liveListing(word: string, providerType = 'sle'): Promise<string> {
    const listing = await Listing.create({
      name: `Jo ${word}`,
      providerType,
      summary: `Coaching in ${word} for primary maths.`,
      expertise: ['mathematics-and-numeracy'],
      owners: [users.provider],
      status: 'approved',
      publishedAt: new Date(),
      revision: 1,
    });
    return listing.id as string;
  }

  const found = async (word: string) => (await agents.sip!.get(paths.directory.search).query({ q: word })).text.includes(`Jo ${word}`);

  async function requireChecks(fields: Record<string, string | string[]>) {
    return submitForm(agents.tradedServices!, paths.admin.checkRequirements, fields);
  }

  /** The provider records a check through its form, with a PDF. */
  async function recordCheck(listingId: string, kind: string, fields: Record<string, string>, file: { data: Buffer; name: string } | null = { data: PDF, name: 'dbs.pdf' }, agent = agents.provider!) {
    const page = await agent.get(paths.listings.recordCheck(listingId, kind));
    const post = agent.post(paths.listings.recordCheck(listingId, kind)).field('_csrf', csrfTokenFrom(page.text));
    for (const [name, value] of Object.entries(fields)) post.field(name, value);
    if (file) post.attach('evidence', file.data, { filename: file.name, contentType: 'application/pdf' });
    return post;
  }

  async function verify(listingId: string, kind: string, decision: 'verify' | 'return' = 'verify', reason = '') {
    return submitForm(agents.tradedServices!, paths.listings.decideCheck(listingId, kind), { decision, reason });
  }

  async function emailsTo(userId: Types.ObjectId, subject: RegExp) {
    await emails.send();
    const user = await mongoose.connection.db!.collection('users').findOne({ _id: userId });
    return OutboxMessage.find({ to: user!.email, subject }).lean();
  }

  it('takes a provider whose DBS date passes its validity out of search on that day, with the reminders in the outbox beforehand, and back after renewal', async () => {
    const id = await liveListing('Quillfeather');
    expect((await requireChecks({ dbs: 'sle', dbsMonths: '36' })).status).toBe(302);
    expect(await found('Quillfeather')).toBe(false);

    // The certificate is 35 months old: it lapses on `lapse`, some weeks from now.
    const issued = new Date(addMonths(today(), -35).getTime() - 10 * DAY);
    const lapse = addMonths(issued, 36);
    expect((await recordCheck(id, 'dbs', { ...dateFields('datedOn', issued), updateService: 'no' })).status).toBe(302);
    expect(await found('Quillfeather')).toBe(false); // sent, not yet verified
    expect((await verify(id, 'dbs')).status).toBe(302);
    expect(await found('Quillfeather')).toBe(true);

    clock = new Date(lapse.getTime() - 31 * DAY);
    expect(await sendCheckReminders(clock)).toBe(0);
    clock = new Date(lapse.getTime() - 30 * DAY);
    expect(await Promise.all([sendCheckReminders(clock), sendCheckReminders(clock)])).toEqual(expect.arrayContaining([1, 0]));
    clock = new Date(lapse.getTime() - 7 * DAY);
    expect(await sendCheckReminders(clock)).toBe(1);
    expect(await sendCheckReminders(clock)).toBe(0);
    clock = new Date(lapse.getTime() - 1);
    expect(await found('Quillfeather')).toBe(true);
    const reminders = await emailsTo(users.provider!, /The enhanced DBS check for Jo Quillfeather runs out on/);
    expect(reminders).toHaveLength(2);
    expect(reminders.every((email) => email.createdAt < lapse)).toBe(true);

    clock = lapse;
    expect(await found('Quillfeather')).toBe(false);
    expect(await sendCheckReminders(clock)).toBe(1);
    expect(await emailsTo(users.provider!, /Jo Quillfeather has left the directory: the enhanced DBS check has lapsed/)).toHaveLength(1);

    // Renewed: a new certificate, verified, brings it back the same day.
    expect((await recordCheck(id, 'dbs', { ...dateFields('datedOn', today()), updateService: 'yes' })).status).toBe(302);
    expect(await found('Quillfeather')).toBe(false);
    expect((await verify(id, 'dbs')).status).toBe(302);
    expect(await found('Quillfeather')).toBe(true);
    // The older certificate's evidence is gone; only the one that counts is kept.
    expect(await StoredFile.countDocuments({ listing: new Types.ObjectId(id), kind: 'check' })).toBe(1);
  });

  it('changes nothing for a provider type with no checks required, and takes a live listing out when the LA newly requires one it lacks', async () => {
    const sle = await liveListing('Marrowdale');
    await liveListing('Tanglewick', 'traded_service');
    expect(await found('Marrowdale')).toBe(true);

    await requireChecks({ insurance: 'lle', safeguardingMonths: '24' });
    expect(await found('Marrowdale')).toBe(true);
    expect(await found('Tanglewick')).toBe(true);

    const page = await agents.tradedServices!.get(paths.admin.checkRequirements);
    expect(page.text).toContain('a published listing that needs a check it has not got verified leaves the directory at once');
    const saved = await requireChecks({ insurance: 'lle', dbs: ['sle', 'lle'], dbsMonths: '36' });
    expect(saved.status).toBe(302);
    const flash = await agents.tradedServices!.get(paths.admin.checkRequirements);
    expect(flash.text).toContain('1 published listing left the directory until its checks are verified');
    expect(await found('Marrowdale')).toBe(false);
    expect(await found('Tanglewick')).toBe(true);

    expect(await Notification.countDocuments({ recipient: users.provider, subject: 'Traded Services now need checks for Jo Marrowdale' })).toBe(1);
    expect(await AuditEntry.countDocuments({ subjectId: new Types.ObjectId(sle), action: 'listing_checks_required' })).toBe(1);
    const queue = (await agents.tradedServices!.get(paths.listings.queue)).text;
    const section = queue.split('Checks due or lapsed (')[1]!.split('<h2')[0]!;
    expect(section).toContain('Jo Marrowdale');
    expect(section).toContain('A required check is missing');
    const home = (await agents.tradedServices!.get(paths.dashboards.traded_services)).text;
    expect(home).toMatch(/Listings with checks due or lapsed<\/dt>\s*<dd class="govuk-summary-list__value">1<\/dd>/);
    const providerHome = (await agents.provider!.get(paths.dashboards.provider)).text;
    expect(providerHome).toMatch(/Listings with checks to record or renew<\/dt>\s*<dd class="govuk-summary-list__value">1<\/dd>/);

    // Saving again changes nothing and tells nobody twice.
    await requireChecks({ insurance: 'lle', dbs: ['sle', 'lle'], dbsMonths: '36' });
    expect(await Notification.countDocuments({ recipient: users.provider, subject: 'Traded Services now need checks for Jo Marrowdale' })).toBe(1);
  });

  it('shows schools and SIPs only "Checks up to date", and the evidence only to the owners and Traded Services', async () => {
    const id = await liveListing('Brackenholt');
    await requireChecks({ dbs: 'sle', dbsMonths: '36' });
    const portrait = async (agent: Agent) => (await agent.get(paths.listings.listing(id))).text;
    expect(await portrait(agents.school!)).not.toContain('Checks up to date');

    const issued = addMonths(today(), -2);
    await recordCheck(id, 'dbs', { ...dateFields('datedOn', issued), updateService: 'no' }, { data: PDF, name: 'my-dbs-certificate.pdf' });
    await verify(id, 'dbs');
    const fileId = (await ProviderCheck.findOne({ listing: id }).lean())!.verified!.evidence.toString();

    for (const who of ['school', 'sip', 'otherProvider', 'tradedServices', 'provider']) {
      const page = await portrait(agents[who]!);
      expect({ who, upToDate: page.includes('Checks up to date') }).toEqual({ who, upToDate: true });
      if (who === 'school' || who === 'sip') {
        for (const secret of ['my-dbs-certificate.pdf', 'DBS', paths.listings.checks(id)]) expect({ who, secret, shown: page.includes(secret) }).toEqual({ who, secret, shown: false });
      }
    }
    const download = (agent: Agent | request.Agent) =>
      agent
        .get(paths.listings.checkFile(id, fileId))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
    for (const who of ['provider', 'tradedServices']) {
      const response = await download(agents[who]!);
      expect({ who, status: response.status, type: String(response.headers['content-type']).split(';')[0] }).toEqual({ who, status: 200, type: 'application/pdf' });
      expect(Buffer.compare(response.body as Buffer, PDF)).toBe(0);
    }
    for (const who of ['otherProvider', 'school', 'sip']) {
      expect({ who, status: (await download(agents[who]!)).status }).toEqual({ who, status: 403 });
      expect({ who, status: (await agents[who]!.get(paths.listings.checks(id))).status }).toEqual({ who, status: 403 });
    }
    const anonymous = await download(request.agent(app));
    expect([anonymous.status, anonymous.headers.location]).toEqual([302, paths.signIn]);
    // Never through the pen portrait's own file route, which serves whoever may see the listing.
    for (const who of ['school', 'provider']) expect((await agents[who]!.get(paths.listings.file(id, fileId))).status).toBe(404);
    // Nor another listing's check route.
    const other = await liveListing('Elsewhere');
    expect((await agents.provider!.get(paths.listings.checkFile(other, fileId))).status).toBe(404);
  });

  it('keeps what the provider typed beside each problem, and takes only a PDF', async () => {
    const id = await liveListing('Fernwhistle');
    await requireChecks({ dbs: 'sle', insurance: 'sle', dbsMonths: '36' });
    const missing = await recordCheck(id, 'dbs', { 'datedOn-day': '31', 'datedOn-month': '2', 'datedOn-year': '2025' }, null);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('The date must be a real date, like 15 1 2025');
    expect(missing.text).toContain('Select yes if the certificate is on the DBS update service');
    expect(missing.text).toContain('Choose a PDF of the DBS certificate');
    expect(missing.text).toContain('value="31"');
    expect(missing.text).toContain('govuk-error-summary');

    const notPdf = await recordCheck(id, 'insurance', dateFields('endsOn', addMonths(today(), 6)), { data: Buffer.from('GIF89a not a pdf'), name: 'cover.pdf' });
    expect(notPdf.status).toBe(400);
    expect(notPdf.text).toContain('Evidence documents must be PDF files');
    expect(await ProviderCheck.countDocuments({ listing: id })).toBe(0);

    // A check the listing's type does not need, or no such check, is not there to record.
    expect((await agents.provider!.get(paths.listings.recordCheck(id, 'dpa'))).status).toBe(404);
    expect((await agents.provider!.get(paths.listings.recordCheck(id, 'nonsense'))).status).toBe(404);
    expect((await agents.otherProvider!.get(paths.listings.recordCheck(id, 'dbs'))).status).toBe(403);
  });

  it('returns a check with the reason the provider sees, and records a decision once', async () => {
    const id = await liveListing('Harrowgate');
    await requireChecks({ safeguarding: 'sle', safeguardingMonths: '24' });
    await recordCheck(id, 'safeguarding', dateFields('datedOn', addMonths(today(), -1)), { data: PDF, name: 'training.pdf' });
    const refused = await verify(id, 'safeguarding', 'return');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Say what the provider needs to put right');

    const page = await agents.tradedServices!.get(paths.listings.decideCheck(id, 'safeguarding'));
    const token = csrfTokenFrom(page.text);
    const submittedAt = /name="submittedAt" value="([^"]+)"/.exec(page.text)![1]!;
    const decide = () => agents.tradedServices!.post(paths.listings.decideCheck(id, 'safeguarding')).type('form').send({ _csrf: token, submittedAt, decision: 'return', reason: 'The certificate does not show your name.' });
    expect((await decide()).status).toBe(302);
    expect((await decide()).status).toBe(409);

    expect(await StoredFile.countDocuments({ listing: new Types.ObjectId(id), kind: 'check' })).toBe(0);
    const checks = (await agents.provider!.get(paths.listings.checks(id))).text;
    expect(checks).toContain('The certificate does not show your name.');
    const told = await Notification.findOne({ recipient: users.provider, subject: /could not verify the safeguarding training/ }).lean();
    expect(told!.text).toContain('The certificate does not show your name.');
    const history = (await agents.provider!.get(paths.listings.history(id))).text;
    expect(history).toContain('Check returned to the provider: Safeguarding training');
  });

  it('puts checks lapsing within 30 days on Traded Services’ queue, and checks waiting to be verified', async () => {
    const id = await liveListing('Pennyroyal');
    await requireChecks({ dbs: 'sle', dbsMonths: '12' });
    await recordCheck(id, 'dbs', { ...dateFields('datedOn', new Date(addMonths(today(), -12).getTime() + 10 * DAY)), updateService: 'no' });
    const waiting = (await agents.tradedServices!.get(paths.listings.queue)).text.split('Checks to verify (')[1]!.split('<h2')[0]!;
    expect(waiting).toContain('Jo Pennyroyal');
    expect(waiting).toContain('Enhanced DBS check');
    await verify(id, 'dbs');
    const due = (await agents.tradedServices!.get(paths.listings.queue)).text.split('Checks due or lapsed (')[1]!.split('<h2')[0]!;
    expect(due).toContain('Jo Pennyroyal');
    expect(due).toContain('A check is due for renewal');
    expect(await found('Pennyroyal')).toBe(true);
  });

  it('lists provider checks in the privacy notice and in the owner’s download', async () => {
    const id = await liveListing('Wintergreen');
    await requireChecks({ dbs: 'sle' });
    await recordCheck(id, 'dbs', { ...dateFields('datedOn', addMonths(today(), -3)), updateService: 'yes' }, { data: PDF, name: 'dbs-2026.pdf' });
    expect((await request(app).get(paths.privacyNotice)).text).toContain('Provider checks');
    const data = JSON.parse((await agents.provider!.get(paths.yourData)).text) as { providerChecks: { listing: string; check: string; waitingForTradedServices: { evidenceFile: string; updateService: boolean } }[] };
    expect(data.providerChecks).toEqual([expect.objectContaining({ listing: 'Jo Wintergreen', check: 'Enhanced DBS check', waitingForTradedServices: expect.objectContaining({ evidenceFile: 'dbs-2026.pdf', updateService: true }) })]);
    const others = JSON.parse((await agents.otherProvider!.get(paths.yourData)).text) as { providerChecks: unknown[] };
    expect(others.providerChecks).toEqual([]);
  });

  it('deletes the checks of a listing named after a provider whose personal data is erased, and keeps an organisation’s', async () => {
    const person = await createUser('provider', { name: 'Ada Quince' });
    const personAgent = await signedInAgent(app, person.email);
    const named = await Listing.create({ name: 'Ada Quince', providerType: 'sle', owners: [person._id], status: 'approved', publishedAt: new Date() });
    const team = await Listing.create({ name: 'Quince Maths Team', providerType: 'traded_service', owners: [person._id], status: 'approved', publishedAt: new Date() });
    await requireChecks({ dbs: 'sle', insurance: 'traded_service', dbsMonths: '36' });
    await recordCheck(named.id as string, 'dbs', { ...dateFields('datedOn', addMonths(today(), -1)), updateService: 'no' }, undefined, personAgent);
    await recordCheck(team.id as string, 'insurance', dateFields('endsOn', addMonths(today(), 6)), undefined, personAgent);
    await verify(named.id as string, 'dbs');
    await verify(team.id as string, 'insurance');

    expect((await submitForm(agents.tradedServices!, paths.admin.eraseUser(person.id as string), { reason: 'Left the authority' })).status).toBe(302);
    expect(await ProviderCheck.countDocuments({ listing: named._id })).toBe(0);
    expect(await StoredFile.countDocuments({ listing: named._id, kind: 'check' })).toBe(0);
    expect((await Listing.findById(named._id).lean())!.checksState).toBe('incomplete');
    expect(await ProviderCheck.countDocuments({ listing: team._id })).toBe(1);
  });
});
