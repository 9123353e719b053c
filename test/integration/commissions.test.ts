import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { ROLES, type Role } from '../../src/web/identity';
import { Commission } from '../../src/features/commissions/commission.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

let app: Express;
beforeAll(() => {
  app = buildTestApp();
});

const requestFields = {
  need: 'Phonics outcomes falling',
  categories: ['mathematics-and-numeracy', 'leadership-and-management'],
  objectives: 'Train Year 1 staff',
  successCriteria: 'Phonics check pass rate back above 80%',
  days: '2',
  'startOn-day': '14',
  'startOn-month': '1',
  'startOn-year': '2027',
  funding: 'school',
};

describe('a school asks for support, and the provider and school take it to completion', () => {
  it('runs through the pages: form, check your answers, reference, accept, deliver, confirm', async () => {
    const provider = await createUser('provider');
    const schoolUser = await createUser('school');
    const listing = await createListing([provider._id], { name: 'Maths mastery SLE', dailyRatePence: 40000 });
    const school = await signedInAgent(app, schoolUser.email);

    const form = await school.get(paths.commissions.newFor(listing.id as string));
    expect(form.status).toBe(200);
    expect(form.text).toContain('Maths mastery SLE');

    const invalid = await submitForm(school, paths.commissions.newFor(listing.id as string), { listing: listing.id as string, need: 'Kept words', 'startOn-day': '31', 'startOn-month': '2', 'startOn-year': '2027' }, paths.commissions.new);
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Enter a real start date');
    expect(invalid.text).toContain('Select at least one area');
    expect(invalid.text).toContain('Kept words');

    const sent = await submitForm(school, paths.commissions.newFor(listing.id as string), { listing: listing.id as string, ...requestFields }, paths.commissions.new);
    expect(sent.headers.location).toBe(paths.commissions.check);
    const check = await school.get(paths.commissions.check);
    expect(check.text).toContain('£800 (2 days at £400 a day)');
    expect(check.text).toContain('14 January 2027');
    const created = await submitForm(school, paths.commissions.check, {});
    const commission = (await Commission.findOne({ listing: listing._id }).lean())!;
    expect(created.headers.location).toBe(paths.commissions.requested(commission._id.toString()));
    expect((await school.get(created.headers.location!)).text).toContain(commission.reference);

    const id = commission._id.toString();
    const providerAgent = await signedInAgent(app, provider.email);
    expect((await providerAgent.get(paths.dashboards.provider)).text).toContain(commission.reference);
    for (const [agent, action] of [
      [providerAgent, 'accept'],
      [providerAgent, 'mark_delivered'],
      [school, 'confirm_completion'],
    ] as const) {
      const response = await submitForm(agent, paths.commissions.commission(id), {}, paths.commissions.action(id, action));
      expect(response.headers.location).toBe(paths.commissions.commission(id));
    }
    const page = await school.get(paths.commissions.commission(id));
    expect(page.text).toContain('Completed');
    expect(page.text).toContain('Marked as delivered');
    expect(page.text).toContain('Give impact feedback');
  });

  it('asks for a reason to decline and shows it to the school', async () => {
    const provider = await createUser('provider');
    const school = await sessionUserFor('school');
    const listing = await createListing([provider._id]);
    const { id } = await requestAs(school, listing.id as string);
    const providerAgent = await signedInAgent(app, provider.email);
    const missing = await submitForm(providerAgent, paths.commissions.action(id, 'decline'), { reason: ' ' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter a reason');
    await submitForm(providerAgent, paths.commissions.action(id, 'decline'), { reason: 'Fully booked until Easter' });
    const schoolAgent = await signedInAgent(app, school.email);
    const page = await schoolAgent.get(paths.commissions.commission(id));
    expect(page.text).toContain('Declined');
    expect(page.text).toContain('Fully booked until Easter');
  });

  it('lets the provider propose different days, which the school accepts', async () => {
    const provider = await createUser('provider');
    const school = await sessionUserFor('school');
    const listing = await createListing([provider._id]);
    const { id } = await requestAs(school, listing.id as string);
    const providerAgent = await signedInAgent(app, provider.email);
    await submitForm(providerAgent, paths.commissions.action(id, 'propose_change'), { days: '4', 'startOn-day': '2', 'startOn-month': '11', 'startOn-year': '2026', note: 'Four days works better' });
    const schoolAgent = await signedInAgent(app, school.email);
    expect((await schoolAgent.get(paths.commissions.commission(id))).text).toContain('The provider proposes 4 days starting 2 November 2026');
    await submitForm(schoolAgent, paths.commissions.commission(id), {}, paths.commissions.action(id, 'accept_change'));
    expect(await Commission.findById(id).lean()).toMatchObject({ status: 'accepted', days: 4 });
  });
});

describe('who may see a commission', () => {
  const agents = new Map<string, Agent>();
  let commissionId: string;
  let ownerAgent: Agent;
  let ownSchoolAgent: Agent;

  beforeAll(async () => {
    const owner = await createUser('provider');
    const school = await sessionUserFor('school');
    const listing = await createListing([owner._id]);
    commissionId = (await requestAs(school, listing.id as string)).id;
    ownerAgent = await signedInAgent(app, owner.email);
    ownSchoolAgent = await signedInAgent(app, school.email);
    for (const role of ROLES) agents.set(role, await signedInAgent(app, (await createUser(role)).email));
  });

  it('shows it to its school, its provider (without the support level) and Traded Services', async () => {
    const schoolPage = await ownSchoolAgent.get(paths.commissions.commission(commissionId));
    expect(schoolPage.status).toBe(200);
    expect(schoolPage.text).toContain('School’s support level');
    const providerPage = await ownerAgent.get(paths.commissions.commission(commissionId));
    expect(providerPage.status).toBe(200);
    expect(providerPage.text).not.toContain('support level');
    expect((await agents.get('traded_services')!.get(paths.commissions.commission(commissionId))).status).toBe(200);
  });

  it.each(['sip', 'school', 'provider'] as Role[])('refuses another %s with a 403 that reveals nothing', async (role) => {
    const agent = agents.get(role)!;
    for (const path of [paths.commissions.commission(commissionId), paths.commissions.requested(commissionId), paths.commissions.action(commissionId, 'cancel')]) {
      const response = await agent.get(path);
      expect(response.status).toBe(403);
      expect(response.text).not.toContain('SUP-');
      expect(response.text).not.toContain('Test School');
    }
    const post = await submitForm(agent, paths.commissions.list, { reason: 'x' }, paths.commissions.action(commissionId, 'cancel'));
    expect(post.status).toBe(403);
    expect((await Commission.findById(commissionId).lean())!.status).toBe('requested');
    expect((await agent.get(paths.commissions.list)).text).not.toContain(commissionId);
  });

  it('sends a signed-out visitor to sign in', async () => {
    for (const path of [paths.commissions.list, paths.commissions.commission(commissionId), paths.commissions.new]) {
      const response = await request(app).get(path);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(paths.signIn);
    }
  });

  it('answers 404 for a commission that does not exist', async () => {
    expect((await agents.get('traded_services')!.get(paths.commissions.commission(new Types.ObjectId().toString()))).status).toBe(404);
  });

  it('lets only schools and brokers ask for support', async () => {
    const listing = await createListing([new Types.ObjectId()]);
    expect((await agents.get('provider')!.get(paths.commissions.newFor(listing.id as string))).status).toBe(403);
    expect((await agents.get('school')!.get(paths.commissions.newFor(listing.id as string))).status).toBe(200);
    const brokerForm = await agents.get('traded_services')!.get(paths.commissions.newFor(listing.id as string));
    expect(brokerForm.text).toContain('Arrange support for a school');
    const draft = await createListing([new Types.ObjectId()], { status: 'draft' });
    expect((await agents.get('school')!.get(paths.commissions.newFor(draft.id as string))).status).toBe(404);
  });
});
