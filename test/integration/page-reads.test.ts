import type { Express } from 'express';
import mongoose from 'mongoose';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { Listing } from '../../src/features/listings/listing.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
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
  const sent: string[] = [];
  const watch = (event: { commandName: string; command: Record<string, unknown> }) => void sent.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  mongoose.connection.getClient().on('commandStarted', watch);
  try {
    await agent.get(page).expect(200);
  } finally {
    mongoose.connection.getClient().off('commandStarted', watch);
  }
  return sent;
}

describe('the commands each busy page sends', () => {
  let app: Express;
  let penPortrait: string;
  beforeAll(async () => {
    await seedDemoData();
    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '3600' });
    const listing = await Listing.findOne({ name: 'Priya Shah, Local Leader of Education' }, { _id: 1 }).lean();
    penPortrait = paths.listings.listing(listing!._id.toString());
  });

  it.each([
    ['the pen portrait, to a school', 'head.oakfield@demo.example', () => penPortrait, 7],
    ['the provider home', 'provider@demo.example', () => paths.dashboards.provider, 7],
    ['the school home', 'head.riverside@demo.example', () => paths.dashboards.school, 10],
    ['the SIP home', 'sip@demo.example', () => paths.dashboards.sip, 9],
    ['the Traded Services home', 'tradedservices@demo.example', () => paths.dashboards.traded_services, 18],
  ])('%s, signed in as %s', async (_page, email, page, ceiling) => {
    const agent = await signedInAgent(app, email, DEMO_PASSWORD);
    const sent = await commandsOf(agent, page());
    expect({ count: sent.length, sent }).toEqual({ count: Math.min(sent.length, ceiling), sent });
  });
});
