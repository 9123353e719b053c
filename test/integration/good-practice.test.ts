import type { Express } from 'express';
import { Listing } from '../../src/features/listings/listing.model';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { Nomination } from '../../src/features/nominations/nomination.model';
import { School } from '../../src/features/schools/school.model';
import { User } from '../../src/features/accounts/user.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { backgroundSettled, buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

// Seed 001: "a directory of identified good practice ... The summer term visit by the School Improvement
// Partner can be used to identify this good practice", and (5.3) "schools which have the overall capacity
// to support another school".
let app: Express;
beforeAll(async () => {
  app = buildTestApp();
  await ensureDefaultTaxonomy();
});

async function world() {
  const school = await createSchool({ name: 'Brook Lane Primary' });
  const sip = await createUser('sip', { name: 'Sam Sip' });
  await School.updateOne({ _id: school._id }, { $set: { sip: sip._id } });
  const head = await createUser('school', { school: school._id });
  const tradedServices = await createUser('traded_services');
  const urn = school.urn;
  return {
    school,
    urn,
    sip: await signedInAgent(app, sip.email),
    head: await signedInAgent(app, head.email),
    headEmail: head.email,
    tradedServices: await signedInAgent(app, tradedServices.email),
    tradedServicesEmail: tradedServices.email,
    otherSip: await signedInAgent(app, (await createUser('sip')).email),
    otherSchool: await signedInAgent(app, (await createUser('school')).email),
    provider: await signedInAgent(app, (await createUser('provider')).email),
  };
}

const nominate = (agent: Agent, urn: string, fields: Record<string, string | string[]>) => submitForm(agent, paths.schools.goodPractice(urn), fields);

describe('good practice identified at a school', () => {
  it('runs from the SIP’s nomination to a draft good-practice listing for the person the school names', async () => {
    const w = await world();
    const sent = await nominate(w.sip, w.urn, { areas: ['english-and-literacy'], note: 'Outstanding phonics teaching seen in Reception' });
    expect(sent.headers.location).toBe(paths.schools.goodPractice(w.urn));
    await backgroundSettled(app);
    expect(await OutboxMessage.countDocuments({ to: w.headEmail, subject: /Brook Lane Primary has been identified as good practice$/ })).toBe(1);

    // The school sees it, and is asked who will lead the support.
    const home = (await w.head.get(paths.dashboards.school)).text;
    expect(home).toContain('Good practice identified at your school: say who will lead its listing');
    const page = (await w.head.get(paths.schools.goodPractice(w.urn))).text;
    expect(page).toContain('Outstanding phonics teaching seen in Reception');
    expect(page).toContain('Sam Sip');
    expect(page).not.toContain('Nominate as good practice');
    const nomination = (await Nomination.findOne({ school: w.school._id }).lean())!;
    const id = nomination._id.toString();

    const half = await submitForm(w.head, paths.schools.goodPractice(w.urn), { contactName: 'Priya Patel' }, paths.schools.nominationContact(w.urn, id));
    expect(half.status).toBe(400);
    expect(half.text).toContain('Enter their email address');
    expect(half.text).toContain('value="Priya Patel"');
    const named = await submitForm(w.head, paths.schools.goodPractice(w.urn), { contactName: 'Priya Patel', contactEmail: 'Priya.Patel@brooklane.example' }, paths.schools.nominationContact(w.urn, id));
    expect(named.headers.location).toBe(paths.schools.goodPractice(w.urn));
    expect((await w.tradedServices.get(paths.dashboards.traded_services)).text).toContain('Good-practice nominations, to invite');
    expect((await w.tradedServices.get(paths.admin.nominations)).text).toContain('Priya Patel');

    // Only Traded Services invite; the invitation creates a provider account and a draft listing.
    expect((await submitForm(w.sip, paths.schools.goodPractice(w.urn), {}, paths.schools.nominationInvite(w.urn, id))).status).toBe(403);
    const invited = await submitForm(w.tradedServices, paths.schools.goodPractice(w.urn), {}, paths.schools.nominationInvite(w.urn, id));
    expect(invited.headers.location).toBe(paths.schools.goodPractice(w.urn));
    const contact = (await User.findOne({ email: 'priya.patel@brooklane.example' }).lean())!;
    expect(contact.role).toBe('provider');
    expect(await OutboxMessage.countDocuments({ to: contact.email, subject: /You have been invited/ })).toBe(1);
    const listing = (await Listing.findById((await Nomination.findById(id).lean())!.listing).lean())!;
    expect(listing).toMatchObject({ name: 'Brook Lane Primary', providerType: 'good_practice_school', status: 'draft', expertise: ['english-and-literacy'] });
    expect(listing.employingSchool!.toString()).toBe(w.school._id.toString());
    expect(listing.owners.map(String)).toEqual([contact._id.toString()]);

    // A second click starts nothing more.
    const again = await w.tradedServices.post(paths.schools.nominationInvite(w.urn, id)).type('form').send({ _csrf: 'x' });
    expect([400, 403]).toContain(again.status);
    expect(await Listing.countDocuments({ employingSchool: w.school._id })).toBe(1);
    expect((await w.head.get(paths.schools.goodPractice(w.urn))).text).toContain('a draft listing has been started for them');
  });

  it('lets the nominator name the contact at once, and refuses an address that is not a provider’s', async () => {
    const w = await world();
    const missingAreas = await nominate(w.tradedServices, w.urn, { contactName: 'Ann Head', note: 'Kept note' });
    expect(missingAreas.status).toBe(400);
    expect(missingAreas.text).toContain('Select at least one area of good practice');
    expect(missingAreas.text).toContain('Enter their email address, or leave the name empty too');
    expect(missingAreas.text).toContain('Kept note');

    await nominate(w.tradedServices, w.urn, { areas: ['mathematics-and-numeracy'], contactName: 'Ann Head', contactEmail: w.headEmail });
    const id = (await Nomination.findOne({ school: w.school._id }).lean())!._id.toString();
    const refused = await submitForm(w.tradedServices, paths.schools.goodPractice(w.urn), {}, paths.schools.nominationInvite(w.urn, id));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('belongs to an account that is not an active provider’s');
    expect((await Nomination.findById(id).lean())!.invitedAt).toBeUndefined();
  });

  it('shows a school’s good practice only to the school, its SIP and Traded Services, and lets only the last two nominate', async () => {
    const w = await world();
    for (const agent of [w.head, w.sip, w.tradedServices]) expect((await agent.get(paths.schools.goodPractice(w.urn))).status).toBe(200);
    for (const agent of [w.otherSip, w.otherSchool, w.provider]) expect((await agent.get(paths.schools.goodPractice(w.urn))).status).toBe(403);
    for (const agent of [w.head, w.otherSip, w.otherSchool, w.provider]) {
      const response = await agent.post(paths.schools.goodPractice(w.urn)).type('form').send({ areas: 'english-and-literacy' });
      expect(response.status).toBe(403);
    }
    expect(await Nomination.countDocuments({ school: w.school._id })).toBe(0);
  });

  it('records the capacity to support other schools on the school’s record, by its SIP or Traded Services', async () => {
    const w = await world();
    expect((await w.head.get(paths.schools.capacity(w.urn))).status).toBe(403);
    expect((await w.otherSip.get(paths.schools.capacity(w.urn))).status).toBe(403);
    const blank = await submitForm(w.sip, paths.schools.capacity(w.urn), { capacity: '' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('Select whether the school has capacity to support other schools');
    await submitForm(w.sip, paths.schools.capacity(w.urn), { capacity: 'yes', capacityNote: 'Two SLEs in maths; strong leadership team' });
    const page = (await w.head.get(paths.schools.yourSchool)).text;
    expect(page).toContain('Two SLEs in maths; strong leadership team');
    expect(page).toContain('Recorded by Sam Sip');
    await submitForm(w.tradedServices, paths.schools.capacity(w.urn), { capacity: 'no' });
    expect((await School.findById(w.school._id).lean())!.capacityToSupport).toBeUndefined();
  });
});
