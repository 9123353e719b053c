import type { Express } from 'express';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { Listing } from '../../src/features/listings/listing.model';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { paths } from '../../src/paths';
import { backgroundSettled, buildTestApp } from '../support/app';
import { createListing } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, submitForm } from '../support/http';

useTestDatabase();

// Seed 001: "The deployment of both the ASTs and Lead Practioners is through the LA. Schools can request
// support directly to the LA who will then broker this support."
let app: Express;
beforeAll(() => {
  app = buildTestApp();
});

const requestFields = {
  need: 'Year 6 writing moderation',
  categories: ['mathematics-and-numeracy'],
  objectives: 'Secure teacher assessment in writing',
  successCriteria: 'Moderation agrees with our judgements',
  days: '3',
  'startOn-day': '11',
  'startOn-month': '1',
  'startOn-year': '2027',
  funding: 'school',
};

async function world() {
  const provider = await createUser('provider');
  const school = await createSchool();
  const head = await createUser('school', { school: school._id });
  const tradedServices = await createUser('traded_services');
  const listing = await createListing([provider._id], { name: 'Writing AST' });
  return {
    listingId: listing.id as string,
    provider: await signedInAgent(app, provider.email),
    head: await signedInAgent(app, head.email),
    tradedServices: await signedInAgent(app, tradedServices.email),
    tradedServicesEmail: tradedServices.email,
    sip: await signedInAgent(app, (await createUser('sip')).email),
  };
}

async function askFor(agent: Awaited<ReturnType<typeof world>>['head'], listingId: string) {
  await submitForm(agent, paths.commissions.newFor(listingId), { listing: listingId, ...requestFields }, paths.commissions.new);
  return submitForm(agent, paths.commissions.check, {});
}

describe('support the LA deploys: schools ask the LA, which arranges it', () => {
  it('lets only Traded Services mark a listing as arranged through the LA, and says so on the pen portrait', async () => {
    const { listingId, tradedServices, provider, head } = await world();
    const refused = await submitForm(provider, paths.listings.status(listingId), { arrangedByLa: 'yes' }, paths.listings.arrangement(listingId));
    expect(refused.status).toBe(403);

    const blank = await submitForm(tradedServices, paths.listings.status(listingId), {}, paths.listings.arrangement(listingId));
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('Select how schools ask for this support');

    const saved = await submitForm(tradedServices, paths.listings.status(listingId), { arrangedByLa: 'yes' }, paths.listings.arrangement(listingId));
    expect(saved.headers.location).toBe(paths.listings.status(listingId));
    expect((await Listing.findById(listingId).lean())!.arrangedByLa).toBe(true);
    expect(await AuditEntry.countDocuments({ action: 'listing_arranged_by_la', subjectId: listingId })).toBe(1);
    expect((await tradedServices.get(paths.listings.status(listingId))).text).toContain('Through the LA: schools ask the LA, and Traded Services arrange it');

    const portrait = (await head.get(paths.listings.listing(listingId))).text;
    expect(portrait).toContain('Ask the LA for this support');
    expect(portrait).toContain('Traded Services arrange it with the provider for your school');
  });

  it('sends a school’s request to Traded Services, who arrange it with the provider', async () => {
    const { listingId, tradedServices, provider, head, sip, tradedServicesEmail } = await world();
    await Listing.updateOne({ _id: listingId }, { $set: { arrangedByLa: true } });

    const form = await head.get(paths.commissions.newFor(listingId));
    expect(form.text).toContain('Ask the LA for this support');
    const created = await askFor(head, listingId);
    const commission = (await Commission.findOne({ listing: listingId }).lean())!;
    expect(commission).toMatchObject({ status: 'awaiting_la', route: 'brokered' });
    expect(commission.brokeredBy).toBeUndefined();
    expect((await head.get(created.headers.location!)).text).toContain('Traded Services will arrange the support with Writing AST');

    // Traded Services are told and see it waiting for them; the provider does not act yet.
    await backgroundSettled(app);
    expect(await OutboxMessage.countDocuments({ to: tradedServicesEmail, subject: new RegExp(`${commission.reference}: The school asks the LA to arrange support`) })).toBe(1);
    expect((await tradedServices.get(paths.dashboards.traded_services)).text).toContain('Requests for support the LA deploys, to arrange or refuse');
    const id = commission._id.toString();
    for (const agent of [provider, head, sip]) {
      expect((await agent.post(paths.commissions.action(id, 'arrange')).type('form').send({})).status).toBe(403);
    }
    await submitForm(provider, paths.commissions.commission(id), {}, paths.commissions.action(id, 'accept'));
    expect((await Commission.findById(id).lean())!.status).toBe('awaiting_la');

    const arranged = await submitForm(tradedServices, paths.commissions.commission(id), {}, paths.commissions.action(id, 'arrange'));
    expect(arranged.headers.location).toBe(paths.commissions.commission(id));
    const after = (await Commission.findById(id).lean())!;
    expect(after.status).toBe('requested');
    expect(after.brokeredBy?.toString()).toBeDefined();
    expect((await head.get(paths.commissions.commission(id))).text).toContain('Arranged by the LA');

    const accepted = await submitForm(provider, paths.commissions.commission(id), {}, paths.commissions.action(id, 'accept'));
    expect(accepted.headers.location).toBe(paths.commissions.commission(id));
  });

  it('lets Traded Services refuse, with a reason the school sees', async () => {
    const { listingId, tradedServices, head } = await world();
    await Listing.updateOne({ _id: listingId }, { $set: { arrangedByLa: true } });
    await askFor(head, listingId);
    const id = (await Commission.findOne({ listing: listingId }).lean())!._id.toString();
    expect((await tradedServices.get(paths.commissions.commission(id))).text).toContain('Do not arrange');
    expect((await tradedServices.get(paths.commissions.action(id, 'refuse'))).text).toContain('Why can it not be arranged? The school will see this.');
    const refused = await submitForm(tradedServices, paths.commissions.action(id, 'refuse'), { reason: 'The AST has no days left this term; try the Literacy Team' });
    expect(refused.headers.location).toBe(paths.commissions.commission(id));
    const page = (await head.get(paths.commissions.commission(id))).text;
    expect(page).toContain('Not approved');
    expect(page).toContain('The AST has no days left this term; try the Literacy Team');
  });

  it('leaves a listing that is not arranged through the LA going straight to the provider', async () => {
    const { listingId, head } = await world();
    await askFor(head, listingId);
    expect((await Commission.findOne({ listing: listingId }).lean())!).toMatchObject({ status: 'requested', route: 'direct' });
  });
});
