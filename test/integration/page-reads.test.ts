import type { Express } from 'express';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { Listing } from '../../src/features/listings/listing.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { commandsSentDuring, useTestDatabase } from '../support/database';
import { signedInAgent, type Agent } from '../support/http';

// Issue 18, "pages that read once": the pen portrait and the home pages are assembled from what the app
// already holds or from a few batched reads, never a chain of queries. Each ceiling is what the page sends
// now (before: pen portrait 12, provider 32 with the demo provider's 17 listings, school 16, SIP 10,
// Traded Services 28); a page that goes back to a query per listing, per status or per term list fails.
jest.setTimeout(60_000);
useTestDatabase({ monitorCommands: true });

/**
 * The commands a page sends once it has been seen before: the session's CSRF secret is stored, the
 * taxonomy and the school count are in memory. The directory keeper looks for listing changes at most
 * every DIRECTORY_SYNC_SECONDS (two reads when it does); set long here so each page is counted alone.
 */
async function commandsOf(agent: Agent, page: string): Promise<string[]> {
  await agent.get(page).expect(200);
  return commandsSentDuring(() => agent.get(page).expect(200));
}

describe('the commands each busy page sends', () => {
  let app: Express;
  let penPortrait: string;
  let commission: { page: string; head: string; owner: string };
  beforeAll(async () => {
    await seedDemoData();
    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '3600' });
    const listing = await Listing.findOne({ name: 'Priya Shah, Local Leader of Education' }, { _id: 1 }).lean();
    penPortrait = paths.listings.listing(listing!._id.toString());
    const underway = await Commission.findOne({ reference: 'SUP-DEMO-0007' }, { _id: 1, school: 1, owners: 1 }).lean();
    const head = await User.findOne({ role: 'school', schools: [underway!.school] }, { email: 1 }).lean();
    const owner = await User.findOne({ _id: { $in: underway!.owners } }, { email: 1 }).lean();
    commission = { page: paths.commissions.commission(underway!._id.toString()), head: head!.email, owner: owner!.email };
  });

  it.each([
    ['the pen portrait, to a school', 'head.oakfield@demo.example', () => penPortrait, 6],
    ['the provider home', 'provider@demo.example', () => paths.dashboards.provider, 7],
    // Before: 37, two reads in turn for each of the demo provider's 17 listings.
    ['the provider’s own listings', 'provider@demo.example', () => paths.listings.own, 5],
    ['the school home', 'head.riverside@demo.example', () => paths.dashboards.school, 10],
    ['the SIP home', 'sip@demo.example', () => paths.dashboards.sip, 9],
    ['the Traded Services home', 'tradedservices@demo.example', () => paths.dashboards.traded_services, 18],
    // Before: 10 for the school (whether they may see it was asked three times, the commission read twice),
    // 13 for its provider (the listing read three times).
    ['a commission, to its school', () => commission.head, () => commission.page, 7],
    ['a commission, to its provider', () => commission.owner, () => commission.page, 8],
  ])('%s', async (_page, email, page, ceiling) => {
    const agent = await signedInAgent(app, typeof email === 'string' ? email : email(), DEMO_PASSWORD);
    const sent = await commandsOf(agent, page());
    expect({ count: sent.length, sent }).toEqual({ count: Math.min(sent.length, ceiling), sent });
  });
});
