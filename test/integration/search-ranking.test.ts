import type { Express } from 'express';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { resultNamesIn } from '../support/directory';
import { signedInAgent, type Agent } from '../support/http';

// Searches as a SIP types them on a school visit, against the demo directory (seed/), with the providers
// they should find first. Written from the users' side: the query, and who must be at the top.
jest.setTimeout(60_000);
useTestDatabase();

/** The result names in the order shown. */

describe('search that reads like a person', () => {
  let app: Express;
  let sip: Agent;
  const search = async (q: string) => resultNamesIn((await sip.get(`${paths.directory.search}?q=${encodeURIComponent(q)}`)).text);

  beforeAll(async () => {
    await seedDemoData();
    app = buildTestApp();
    sip = await signedInAgent(app, 'sip@demo.example', DEMO_PASSWORD);
  });

  // [what the SIP types, who must come first (then, where it matters, who must follow)]
  it.each([
    ['phonics year 1', ['Anyshire Literacy Team']],
    ['phonicks year 1', ['Anyshire Literacy Team']],
    ['reading eyfs', ['Anyshire Literacy Team']],
    ['early reading', ['Anyshire Literacy Team']],
    ['writing ks2', ['Anyshire Literacy Team']],
    ['literacy', ['Anyshire Literacy Team']],
    ['maths mastery ks2', ['Sana Evans, Local Leader of Education']],
    ['ks3 maths', ['Nadia Fraser, Specialist Leader of Education (28)']],
    ['new headteacher coaching', ['Priya Shah, Local Leader of Education', 'Uma Kowalski, Local Leader of Education']],
    ['interim head', ['Priya Shah, Local Leader of Education']],
    ['ofsted requires improvement leadership', ['Priya Shah, Local Leader of Education']],
    ['special measures', ['Priya Shah, Local Leader of Education']],
    ['send support autism', ['Oakridge C of E Primary School: SEND and inclusion']],
    ['attendance', ['Anyshire traded services: Behaviour and attendance']],
    ['behaviour', ['Anyshire traded services: Behaviour and attendance']],
    ['governance', ['Uma Kowalski, Local Leader of Education']],
    ['data tracking', ['Nadia Fraser, Specialist Leader of Education']],
  ])('“%s” finds %j first', async (q, first) => {
    expect((await search(q)).slice(0, first.length)).toEqual(first);
  });

  it('ranks a phonics provider above listings that only share the stem of “year”', async () => {
    const results = await search('phonicks year 1');
    expect(results.indexOf('Anyshire Literacy Team')).toBeLessThan(results.indexOf('Anyshire traded services: Early years (EYFS)'));
  });
});
