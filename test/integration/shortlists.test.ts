import { Types } from 'mongoose';
import type { Express } from 'express';
import request from 'supertest';
import { School } from '../../src/features/schools/school.model';
import type { SessionUser } from '../../src/web/identity';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Shortlist, ShortlistEntry } from '../../src/features/directory/shortlist.model';
import { canShortlistForSchool } from '../../src/features/directory/shortlists.service';
import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

jest.setTimeout(20_000);
useTestDatabase();

const sessionUser = (role: SessionUser['role'], schoolId?: string): SessionUser => ({
  id: '64b7f0000000000000000001',
  name: 'Someone',
  email: 'someone@test.example',
  role,
  schoolIds: schoolId ? [schoolId] : [],
  actingSchoolId: schoolId,
  mustChangePassword: false,
});

describe('who may shortlist for a school', () => {
  it('allows a school user only their own school, a SIP only their caseload, Traded Services any existing school, providers none', async () => {
    const school = await createSchool();
    const other = await createSchool();
    const id = school.id as string;
    await School.updateOne({ _id: school._id }, { $set: { sip: new Types.ObjectId(sessionUser('sip').id) } });
    expect(await canShortlistForSchool(sessionUser('school', id), id)).toBe(true);
    expect(await canShortlistForSchool(sessionUser('school', id), other.id as string)).toBe(false);
    expect(await canShortlistForSchool(sessionUser('sip'), id)).toBe(true);
    expect(await canShortlistForSchool(sessionUser('sip'), other.id as string)).toBe(false);
    expect(await canShortlistForSchool(sessionUser('traded_services'), id)).toBe(true);
    expect(await canShortlistForSchool(sessionUser('sip'), '64b7f0000000000000000000')).toBe(false);
    expect(await canShortlistForSchool(sessionUser('sip'), 'not-an-id')).toBe(false);
    expect(await canShortlistForSchool(sessionUser('provider'), id)).toBe(false);
  });
});

describe('shortlists', () => {
  let app: Express;
  let school: Awaited<ReturnType<typeof createSchool>>;
  let otherSchool: Awaited<ReturnType<typeof createSchool>>;
  let listingId: string;
  let secondListingId: string;
  let sip: Agent;

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    // Every request looks for listing changes, so a suspension shows at once.
    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
    school = await createSchool({ urn: '811111', name: 'Brookside Primary' });
    otherSchool = await createSchool({ urn: '822222', name: 'Hilltop Junior' });
    listingId = (await createListedListing({ name: 'Maths SLE', expertise: ['mathematics-and-numeracy'] })).id as string;
    secondListingId = (await createListedListing({ name: '@Phonics lead', expertise: ['english-and-literacy'] })).id as string;
    const sipUser = await createUser('sip');
    await School.updateOne({ _id: school._id }, { $set: { sip: sipUser._id } });
    sip = await signedInAgent(app, sipUser.email);
  });

  async function sipShortlist(title: string, schoolUrn = '811111'): Promise<string> {
    const response = await submitForm(sip, `${paths.shortlists.new}?listing=${listingId}`, { title, schoolUrn, listing: listingId, note: 'Ask about Year 5' }, paths.shortlists.new);
    expect(response.status).toBe(302);
    return response.headers.location!.split('/').pop()!;
  }

  it('lets a SIP start a shortlist for a school with a provider and a note, add another, edit notes and remove', async () => {
    const id = await sipShortlist('Autumn visit');
    const page = await sip.get(paths.shortlists.show(id));
    expect(page.text).toContain('Brookside Primary');
    expect(page.text).toContain('Maths SLE');
    expect(page.text).toContain('Ask about Year 5');

    const added = await submitForm(sip, paths.directory.addToShortlist(secondListingId), { shortlist: id, note: '=1+1 in the note' });
    expect(added.headers.location).toBe(paths.shortlists.show(id));
    expect(await ShortlistEntry.countDocuments({ shortlist: id })).toBe(2);

    await submitForm(sip, paths.shortlists.show(id), { note: 'Ring before half term' }, paths.shortlists.entryNote(id, listingId));
    expect((await ShortlistEntry.findOne({ shortlist: id, listing: listingId }).lean())!.note).toBe('Ring before half term');

    const csv = await sip.get(paths.shortlists.export(id));
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('Ring before half term');
    expect(csv.text).toContain("'=1+1 in the note");
    expect(csv.text).toContain("'@Phonics lead");

    const declining = await createSchool({ urn: '833333', name: 'Declining Infants' });
    await Recommendation.create([
      { listing: listingId, school: otherSchool._id, status: 'given', statement: 'Good', workSeen: '2025' },
      { listing: listingId, school: declining._id, status: 'declined' },
    ]);
    const print = await sip.get(paths.shortlists.print(id));
    expect(print.status).toBe(200);
    expect(print.text).toContain('Ring before half term');
    // The handout names the schools that recommend each provider, never one that declined.
    expect(print.text).toContain('Hilltop Junior');
    expect(print.text).not.toContain('Declining Infants');

    await submitForm(sip, paths.shortlists.show(id), {}, paths.shortlists.removeEntry(id, secondListingId));
    expect(await ShortlistEntry.countDocuments({ shortlist: id })).toBe(1);
    const actions = (await AuditEntry.find({ subjectId: id }).lean()).map((entry) => entry.action).sort();
    expect(actions).toEqual(['shortlist_created', 'shortlist_provider_added', 'shortlist_provider_added', 'shortlist_provider_removed']);
  });

  it('lets a SIP pick the school from their caseload by name, and refuses any other school on the server', async () => {
    const form = await sip.get(paths.shortlists.new);
    expect(form.text).toContain('Which school is it for?');
    expect(form.text).toContain('Brookside Primary');
    expect(form.text).not.toContain('Hilltop Junior');
    expect(form.text).not.toContain('School URN');

    const unchosen = await submitForm(sip, paths.shortlists.new, { title: 'Kept title' });
    expect(unchosen.status).toBe(400);
    expect(unchosen.text).toContain('Select the school this shortlist is for');
    expect(unchosen.text).toContain('value="Kept title"');
    const outsideCaseload = await submitForm(sip, paths.shortlists.new, { title: 'Not mine', schoolUrn: '822222' });
    expect(outsideCaseload.status).toBe(400);
    expect(outsideCaseload.text).toContain('You cannot make shortlists for this school');
    expect(await Shortlist.countDocuments({ title: 'Not mine' })).toBe(0);

    const newSip = await signedInAgent(app, (await createUser('sip')).email);
    const empty = await newSip.get(paths.shortlists.new);
    expect(empty.text).toContain('No schools are in your caseload yet');
    expect(empty.text).not.toContain('Brookside Primary');
  });

  it('shows errors beside the fields and keeps what was typed', async () => {
    const admin = await signedInAgent(app, (await createUser('traded_services')).email);
    const missing = await submitForm(admin, paths.shortlists.new, { title: '', schoolUrn: '12' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter a name for the shortlist');
    expect(missing.text).toContain('Enter a 6-digit URN, like 123456');
    const unknown = await submitForm(admin, paths.shortlists.new, { title: 'Kept title', schoolUrn: '899999' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('No school has this URN');
    expect(unknown.text).toContain('value="Kept title"');
  });

  it('shows a provider that left the directory as no longer listed, and will not add one', async () => {
    const id = await sipShortlist('Spring visit');
    await Listing.updateOne({ _id: listingId }, { $set: { status: 'suspended' }, $inc: { revision: 1 } });
    const page = await sip.get(paths.shortlists.show(id));
    expect(page.text).toContain('This provider is no longer in the directory.');
    const csv = await sip.get(paths.shortlists.export(id));
    expect(csv.text).not.toContain('Maths SLE');
    expect((await submitForm(sip, paths.shortlists.show(id), { shortlist: id }, paths.directory.addToShortlist(listingId))).status).toBe(404);
    await Listing.updateOne({ _id: listingId }, { $set: { status: 'approved' }, $inc: { revision: 1 } });
  });

  it('keeps a shortlist private to its author and the school’s users; only the author changes it', async () => {
    const id = await sipShortlist('Private list');
    const pages = [paths.shortlists.show(id), paths.shortlists.print(id), paths.shortlists.export(id)];

    const ownSchool = await signedInAgent(app, (await createUser('school', { school: school._id })).email);
    for (const page of pages) expect((await ownSchool.get(page)).status).toBe(200);
    expect((await ownSchool.get(paths.shortlists.index)).text).toContain('Private list');
    const view = await ownSchool.get(paths.shortlists.show(id));
    expect(view.text).not.toContain('Save note');
    const token = csrfTokenFrom(view.text);
    expect((await ownSchool.post(paths.shortlists.entryNote(id, listingId)).type('form').send({ note: 'x', _csrf: token })).status).toBe(403);
    expect((await ownSchool.post(paths.shortlists.removeEntry(id, listingId)).type('form').send({ _csrf: token })).status).toBe(403);

    const strangers = [
      await createUser('school', { school: otherSchool._id }),
      await createUser('sip'),
      await createUser('traded_services'),
    ];
    for (const stranger of strangers) {
      const agent = await signedInAgent(app, stranger.email);
      for (const page of pages) expect((await agent.get(page)).status).toBe(403);
      expect((await agent.get(paths.shortlists.index)).text).not.toContain('Private list');
    }
    expect((await request(app).get(paths.shortlists.show(id))).headers.location).toBe(paths.signIn);
    expect((await ShortlistEntry.findOne({ shortlist: id, listing: listingId }).lean())!.note).toBe('Ask about Year 5');
  });

  it('lets a school user shortlist only for their own school, and refuses providers', async () => {
    const head = await signedInAgent(app, (await createUser('school', { school: otherSchool._id })).email);
    const form = await head.get(paths.shortlists.new);
    expect(form.text).not.toContain('School URN');
    const created = await submitForm(head, paths.shortlists.new, { title: 'Our list', schoolUrn: '811111' });
    expect(created.status).toBe(302);
    const shortlist = await Shortlist.findOne({ title: 'Our list' }).lean();
    expect(shortlist!.school.toString()).toBe(otherSchool.id);

    const provider = await signedInAgent(app, (await createUser('provider')).email);
    expect((await provider.get(paths.shortlists.index)).status).toBe(403);
    expect((await provider.get(paths.directory.addToShortlist(listingId))).status).toBe(403);
    const home = await provider.get(paths.dashboards.provider);
    const refused = await provider.post(paths.shortlists.new).type('form').send({ title: 'Sneaky', schoolUrn: '811111', _csrf: csrfTokenFrom(home.text) });
    expect(refused.status).toBe(403);
  });

  it('lets Traded Services shortlist for any school', async () => {
    const admin = await signedInAgent(app, (await createUser('traded_services')).email);
    const created = await submitForm(admin, paths.shortlists.new, { title: 'Brokered support', schoolUrn: '822222' });
    expect(created.status).toBe(302);
  });
});
