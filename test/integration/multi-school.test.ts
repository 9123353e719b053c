import type { Express } from 'express';
import request from 'supertest';
import { Types } from 'mongoose';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { convertSingleSchoolLinks } from '../../src/features/accounts/school-links-conversion';
import { User } from '../../src/features/accounts/user.model';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { actOnCommission, requestCommission } from '../../src/features/commissions/commissions.service';
import { Shortlist } from '../../src/features/directory/shortlist.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createListing, requestAs, requestForm } from '../support/commission-factories';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createSchool, createUser, TEST_PASSWORD } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

// People who work across schools: a trust's school-improvement lead linked to two schools acts for one at a
// time, and sees and does only what a user of that school may.
jest.setTimeout(60_000);
useTestDatabase();

type World = Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  const [alpha, beta, gamma] = await Promise.all([
    createSchool({ name: 'Alpha Academy' }),
    createSchool({ name: 'Beta Primary School' }),
    createSchool({ name: 'Gamma Infant School' }),
  ]);
  const provider = await createUser('provider');
  const sip = await createUser('sip');
  const admin = await createUser('traded_services');
  const headOfAlpha = await createUser('school', { school: alpha._id, name: 'Alpha Head' });
  const headOfBeta = await createUser('school', { school: beta._id, name: 'Beta Head' });
  const lead = await createUser('school', { schools: [alpha._id, beta._id], name: 'Trust Lead' });
  const listing = await createListing([provider._id], { name: 'Maths mastery SLE' });

  const alphaCommission = await requestAs(toSessionUser(headOfAlpha), listing.id as string);
  const betaCommission = await requestAs(toSessionUser(headOfBeta), listing.id as string);
  for (const [actor, action] of [[provider, 'accept'], [provider, 'mark_delivered'], [headOfBeta, 'confirm_completion']] as const) {
    const moved = await actOnCommission(toSessionUser(actor), betaCommission.id, action);
    if (!moved.ok) throw new Error(moved.message);
  }
  const shortlist = (school: Types.ObjectId, title: string) => Shortlist.create({ title, school, author: sip._id });
  const [alphaShortlist, betaShortlist] = await Promise.all([shortlist(alpha._id, 'Alpha visit list'), shortlist(beta._id, 'Beta visit list')]);
  const draft = await createListing([provider._id], { name: 'Phonics draft', status: 'draft' });
  await Recommendation.create({ listing: draft._id, school: beta._id, status: 'requested', requestedBy: provider._id, requestedAt: new Date() });

  return {
    schools: { alpha, beta, gamma },
    people: { provider, sip, admin, headOfAlpha, headOfBeta, lead },
    commissions: { alpha: alphaCommission, beta: betaCommission },
    shortlists: { alpha: alphaShortlist.id as string, beta: betaShortlist.id as string },
    listingId: listing.id as string,
  };
}

/** Chooses the school to act for, as the radios page posts it. */
const actFor = (agent: Agent, school: { _id: Types.ObjectId }, returnTo?: string) =>
  submitForm(agent, paths.actingFor, { school: school._id.toString(), ...(returnTo ? { returnTo } : {}) });

const headerActingFor = (html: string) => /Acting for <strong class="app-account-bar__user">([^<]+)<\/strong>/.exec(html)?.[1];

describe('someone who works across two schools', () => {
  let app: Express;
  let world: World;
  let lead: Agent;

  beforeAll(async () => {
    app = buildTestApp();
    world = await buildWorld();
  });
  beforeEach(resetSignInLimits);

  it('chooses the school they act for after signing in; every page waits for the choice', async () => {
    lead = request.agent(app);
    const signIn = await submitForm(lead, paths.signIn, { email: world.people.lead.email, password: TEST_PASSWORD });
    expect(signIn.headers.location).toBe(paths.dashboards.school);
    const home = await lead.get(paths.dashboards.school);
    expect([home.status, home.headers.location]).toEqual([303, paths.actingFor]);
    const elsewhere = await lead.get(paths.commissions.list);
    expect([elsewhere.status, elsewhere.headers.location]).toEqual([303, `${paths.actingFor}?returnTo=%2Fcommissions`]);
    expect((await lead.get(paths.help)).status).toBe(200);
    expect((await lead.get(paths.account)).status).toBe(200);

    const choice = await lead.get(paths.actingFor);
    expect(choice.status).toBe(200);
    expect(choice.text).toContain('Which school are you acting for?');
    expect([...choice.text.matchAll(/govuk-radios__label" for="[^"]+">([^<]+)</g)].map((match) => match[1])).toEqual(['Alpha Academy', 'Beta Primary School']);

    const nothing = await submitForm(lead, paths.actingFor, {});
    expect(nothing.status).toBe(400);
    expect(nothing.text).toContain('Select the school you are acting for');
  });

  it('acting for the first school, sees its commissions, shortlists and home, and none of the second school’s', async () => {
    const chosen = await actFor(lead, world.schools.alpha);
    expect(chosen.headers.location).toBe(paths.dashboards.school);

    const home = await lead.get(paths.dashboards.school);
    expect(home.status).toBe(200);
    expect(home.text).toContain('You are now acting for Alpha Academy.');
    expect(headerActingFor(home.text)).toBe('Alpha Academy');
    expect(home.text).toMatch(/<dt class="govuk-summary-list__key">Beta Primary School<\/dt>\s*<dd class="govuk-summary-list__value">2 waiting<\/dd>/);
    expect(home.text).not.toContain('Feedback due on completed support');

    expect((await lead.get(paths.commissions.commission(world.commissions.alpha.id))).status).toBe(200);
    const refused = await lead.get(paths.commissions.commission(world.commissions.beta.id));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(`href="${paths.actingFor}?returnTo=${encodeURIComponent(paths.commissions.commission(world.commissions.beta.id))}"`);
    const list = await lead.get(paths.commissions.list);
    expect(list.text).toContain(world.commissions.alpha.reference);
    expect(list.text).not.toContain(world.commissions.beta.reference);

    expect((await lead.get(paths.commissions.feedback(world.commissions.beta.id))).status).toBe(403);
    const feedback = await submitForm(lead, paths.commissions.commission(world.commissions.alpha.id), { quality: '5' }, paths.commissions.feedback(world.commissions.beta.id));
    expect(feedback.status).toBe(403);

    expect((await lead.get(paths.shortlists.show(world.shortlists.alpha))).status).toBe(200);
    expect((await lead.get(paths.shortlists.show(world.shortlists.beta))).status).toBe(403);
    const shortlists = await lead.get(paths.shortlists.index);
    expect(shortlists.text).toContain('Alpha visit list');
    expect(shortlists.text).not.toContain('Beta visit list');

    expect((await lead.get(paths.recommendations.inbox)).text).not.toContain('Phonics draft');
    expect((await lead.get(paths.schools.yourSchool)).text).toContain('Alpha Academy');
    expect((await lead.get(paths.schools.school(world.schools.beta.urn))).status).toBe(403);
  });

  it('switching to the second school, sees and acts on its records, and no longer the first’s', async () => {
    const betaPage = paths.commissions.commission(world.commissions.beta.id);
    const switched = await actFor(lead, world.schools.beta, betaPage);
    expect(switched.headers.location).toBe(betaPage);
    const page = await lead.get(betaPage);
    expect(page.status).toBe(200);
    expect(headerActingFor(page.text)).toBe('Beta Primary School');

    expect((await lead.get(paths.commissions.feedback(world.commissions.beta.id))).status).toBe(200);
    expect((await lead.get(paths.commissions.commission(world.commissions.alpha.id))).status).toBe(403);
    expect((await lead.get(paths.shortlists.show(world.shortlists.beta))).status).toBe(200);
    expect((await lead.get(paths.shortlists.show(world.shortlists.alpha))).status).toBe(403);
    expect((await lead.get(paths.recommendations.inbox)).text).toContain('Phonics draft');

    const home = await lead.get(paths.dashboards.school);
    expect(home.text).toContain('Feedback due on completed support');
    expect(home.text).toMatch(/<dt class="govuk-summary-list__key">Alpha Academy<\/dt>\s*<dd class="govuk-summary-list__value">Nothing waiting<\/dd>/);
  });

  it('is refused a school they are not linked to, and keeps acting for the one they chose', async () => {
    const refused = await actFor(lead, world.schools.gamma, paths.dashboards.school);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('You are not linked to that school. Select one of your schools');
    expect(refused.text).toContain('govuk-error-summary');
    const malformed = await submitForm(lead, paths.actingFor, { school: 'not-an-id' });
    expect(malformed.status).toBe(400);
    expect(headerActingFor((await lead.get(paths.dashboards.school)).text)).toBe('Beta Primary School');
  });

  it('sees on their home page only the updates about the school they act for; notices to a school reach them', async () => {
    const arranged = await requestCommission(toSessionUser(world.people.admin), requestForm(world.listingId, { school: world.schools.alpha.id as string }));
    if (!arranged.ok) throw new Error(arranged.message);
    const toAlpha = await Notification.find({ subject: new RegExp(arranged.reference) }).lean();
    expect(new Set(toAlpha.map((notice) => notice.recipient.toString()))).toEqual(new Set([world.people.headOfAlpha.id, world.people.lead.id]));
    expect(toAlpha.every((notice) => notice.school?.toString() === world.schools.alpha.id)).toBe(true);

    const actingForBeta = await lead.get(paths.dashboards.school);
    expect(actingForBeta.text).not.toContain(arranged.reference);
    await actFor(lead, world.schools.alpha);
    expect((await lead.get(paths.dashboards.school)).text).toContain(`${arranged.reference}: Support arranged for your school`);
  });

  it('loses a school Traded Services unlink on their very next request; with several left, chooses again', async () => {
    const admin = await signedInAgent(app, world.people.admin.email);
    const linked = await submitForm(admin, paths.admin.user(world.people.lead.id), { urn: world.schools.gamma.urn }, paths.admin.linkSchool(world.people.lead.id));
    expect(linked.status).toBe(302);
    expect((await admin.get(linked.headers.location!)).text).toContain('Trust Lead is now linked to Gamma Infant School.');
    expect((await User.findById(world.people.lead._id).lean())!.schools!.map(String)).toEqual([world.schools.alpha.id, world.schools.beta.id, world.schools.gamma.id]);

    // Acting for Alpha; Alpha is unlinked: two schools remain, so the next page asks which.
    const unlinked = await submitForm(admin, paths.admin.user(world.people.lead.id), {}, paths.admin.unlinkSchool(world.people.lead.id, world.schools.alpha.id));
    expect(unlinked.status).toBe(302);
    const next = await lead.get(paths.commissions.commission(world.commissions.alpha.id));
    expect([next.status, next.headers.location]).toEqual([303, `${paths.actingFor}?returnTo=${encodeURIComponent(paths.commissions.commission(world.commissions.alpha.id))}`]);
    expect((await actFor(lead, world.schools.alpha)).status).toBe(403);
    await actFor(lead, world.schools.beta);
    expect((await lead.get(paths.commissions.commission(world.commissions.alpha.id))).status).toBe(403);

    // Acting for Beta; Beta is unlinked: Gamma, the one school left, is theirs at once, with no choice to make.
    await submitForm(admin, paths.admin.user(world.people.lead.id), {}, paths.admin.unlinkSchool(world.people.lead.id, world.schools.beta.id));
    const home = await lead.get(paths.dashboards.school);
    expect(home.status).toBe(200);
    expect(home.text).toContain('Gamma Infant School');
    expect(headerActingFor(home.text)).toBeUndefined();
    expect((await lead.get(paths.commissions.commission(world.commissions.beta.id))).status).toBe(403);

    const last = await submitForm(admin, paths.admin.user(world.people.lead.id), {}, paths.admin.unlinkSchool(world.people.lead.id, world.schools.gamma.id));
    expect(last.status).toBe(409);
    expect(last.text).toContain('A school user must be linked to at least one school');
    expect((await User.findById(world.people.lead._id).lean())!.schools!.map(String)).toEqual([world.schools.gamma.id]);
    const events = await AuditEntry.find({ subjectId: world.people.lead._id, action: { $in: ['school_linked', 'school_unlinked'] } }).sort({ at: 1 }).lean();
    expect(events.map((event) => event.action)).toEqual(['school_linked', 'school_unlinked', 'school_unlinked']);
  });
});

describe('someone of one school', () => {
  it('has no extra step and sees no choice of school', async () => {
    const app = buildTestApp();
    const school = await createSchool({ name: 'Solo Primary School' });
    const head = await createUser('school', { school: school._id });
    const agent = request.agent(app);
    const signIn = await submitForm(agent, paths.signIn, { email: head.email, password: TEST_PASSWORD });
    expect(signIn.headers.location).toBe(paths.dashboards.school);
    const home = await agent.get(paths.dashboards.school);
    expect(home.status).toBe(200);
    expect(home.text).toContain('Solo Primary School');
    expect(headerActingFor(home.text)).toBeUndefined();
    expect(home.text).not.toContain('Your other schools');
    // A school of someone else is refused like any other: with no other school of theirs to suggest.
    const other = await createSchool();
    expect((await submitForm(agent, paths.actingFor, { school: other.id as string })).status).toBe(403);
    expect(headerActingFor((await agent.get(paths.dashboards.school)).text)).toBeUndefined();
  });
});

describe('Traded Services', () => {
  it('invite someone who works across schools with each URN, and see their schools on their page', async () => {
    const app = buildTestApp();
    const [one, two] = await Promise.all([createSchool({ name: 'Oak Trust Primary' }), createSchool({ name: 'Elm Trust Academy' })]);
    const admin = await signedInAgent(app, (await createUser('traded_services')).email);
    const invited = await submitForm(admin, paths.admin.newUser, { name: 'Exec Head', email: 'exec.head@trust.example', role: 'school', school: `${one.urn}, ${two.urn}` });
    expect(invited.status).toBe(302);
    const user = (await User.findOne({ email: 'exec.head@trust.example' }).lean())!;
    expect(user.schools!.map(String).sort()).toEqual([one.id as string, two.id as string].sort());
    const page = await admin.get(invited.headers.location!);
    expect(page.text).toContain('Oak Trust Primary');
    expect(page.text).toContain('Elm Trust Academy');
    expect(page.text).toContain(paths.admin.unlinkSchool(user._id.toString(), one.id as string));

    const unknown = await submitForm(admin, paths.admin.newUser, { name: 'Other', email: 'other@trust.example', role: 'school', school: `${one.urn}, 999999` });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('There is no open school with URN 999999');
    expect(unknown.text).toContain(`${one.urn}, 999999`);

    const badUrn = await submitForm(admin, paths.admin.user(user._id.toString()), { urn: '12' }, paths.admin.linkSchool(user._id.toString()));
    expect(badUrn.status).toBe(400);
    expect(badUrn.text).toContain('A URN is 6 digits, like 123456');
    expect(badUrn.text).toContain('value="12"');
    const again = await submitForm(admin, paths.admin.user(user._id.toString()), { urn: one.urn }, paths.admin.linkSchool(user._id.toString()));
    expect((await admin.get(again.headers.location!)).text).toContain('Exec Head was already linked to Oak Trust Primary.');
    const provider = await createUser('provider');
    expect((await submitForm(admin, paths.admin.user(provider.id as string), { urn: one.urn }, paths.admin.linkSchool(provider.id as string))).status).toBe(403);
  });
});

describe('the personal data of someone of several schools', () => {
  it('lists every school in their download, and erasure removes the links', async () => {
    const app = buildTestApp();
    const [one, two] = await Promise.all([createSchool({ name: 'First Federation School' }), createSchool({ name: 'Second Federation School' })]);
    const head = await createUser('school', { schools: [one._id, two._id] });
    const agent = await signedInAgent(app, head.email);
    await actFor(agent, one);
    const download = await agent.get(paths.yourData);
    const account = (JSON.parse(download.text) as { account: { schools: { name: string; urn: string }[] } }).account;
    expect(account.schools).toEqual([
      { name: 'First Federation School', urn: one.urn },
      { name: 'Second Federation School', urn: two.urn },
    ]);

    const admin = await signedInAgent(app, (await createUser('traded_services')).email);
    const erased = await submitForm(admin, paths.admin.eraseUser(head.id as string), { reason: 'Left the trust' });
    expect(erased.status).toBe(302);
    expect((await User.findById(head._id).lean())!.schools).toBeUndefined();
  });
});

describe('a database from before school users could work across schools', () => {
  it('moves each school user’s one school into their schools, once, and they sign in acting for it', async () => {
    const school = await createSchool({ name: 'Legacy Primary School' });
    const user = await createUser('sip');
    await User.collection.updateOne({ _id: user._id }, { $set: { role: 'school', school: school._id }, $unset: { schools: '' } });
    const untouched = await createUser('provider');
    await User.collection.updateOne({ _id: untouched._id }, { $set: { school: null } });

    expect(await convertSingleSchoolLinks()).toBe(2);
    expect(await convertSingleSchoolLinks()).toBe(0);
    const converted = (await User.collection.findOne({ _id: user._id }))!;
    expect(converted.school).toBeUndefined();
    expect(converted.schools).toEqual([school._id]);
    const provider = (await User.collection.findOne({ _id: untouched._id }))!;
    expect(provider.school).toBeUndefined();
    expect(provider.schools).toBeUndefined();

    const home = await (await signedInAgent(buildTestApp(), user.email)).get(paths.dashboards.school);
    expect(home.status).toBe(200);
    expect(home.text).toContain('Legacy Primary School');
  });
});
