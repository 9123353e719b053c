import { Readable } from 'node:stream';
import type { Express } from 'express';
import { parse } from 'csv-parse/sync';
import { importGias } from '../../src/features/schools/gias/gias-import';
import { School } from '../../src/features/schools/school.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { METRES_PER_MILE } from '../../src/lib/grid-distance';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing, resultNamesIn } from '../support/directory';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, type Agent } from '../support/http';

jest.setTimeout(30_000);
useTestDatabase();

const ORIGIN = { easting: 430000, northing: 280000 };
/** A grid reference this many miles east and north of Oakfield Primary School. */
const away = (east: number, north = 0) => ({ easting: Math.round(ORIGIN.easting + east * METRES_PER_MILE), northing: Math.round(ORIGIN.northing + north * METRES_PER_MILE) });

/** Each result card's name and the distance line under it (null when the card shows none). */
function cards(html: string): [string, string | null][] {
  const names = resultNamesIn(html);
  const articles = html.split('<article class="app-provider app-provider--result">').slice(1);
  return names.map((name, i) => [name, /app-provider__distance[^>]*>([^<]+)</.exec(articles[i]!)?.[1]?.replace(/&#39;/g, "'") ?? null]);
}

const errorSummaryOf = (html: string) => /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() ?? '';
const decode = (text: string) => text.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&amp;/g, '&');

describe('distance from a school', () => {
  let app: Express;
  let sip: Agent;
  let school: Agent;
  let tradedServices: Agent;

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    const sipUser = await createUser('sip');
    const oakfield = await createSchool({ urn: '700001', name: 'Oakfield Primary School', grid: ORIGIN, sip: sipUser._id });
    const westfield = await createSchool({ urn: '700002', name: 'Westfield Academy', grid: away(12), sip: sipUser._id });
    const near = await createSchool({ urn: '700003', name: 'Near Primary School', grid: away(1.5) });
    const middle = await createSchool({ urn: '700004', name: 'Middle School', grid: away(0, 4.2) });
    const far = await createSchool({ urn: '700005', name: 'Far High School', grid: away(9.6) });
    const unplaced = await createSchool({ urn: '700006', name: 'Unplaced School' });
    await createSchool({ urn: '700007', name: 'Closed Primary School', grid: away(2), status: 'closed' });
    await createSchool({ urn: '700008', name: "St Mary's Primary School", grid: away(3) });
    await createSchool({ urn: '700009', name: "St Mary's Primary School", grid: away(6) });
    await School.updateOne({ _id: westfield._id }, { $set: { priorities: { needs: ['ks2-maths-progress-below-national'], notes: '' } } });

    const maths = { expertise: ['mathematics-and-numeracy'], phases: ['primary'] };
    await createListedListing({ ...maths, name: 'Oakfield maths SLE', employingSchool: oakfield._id, capacity: { days: 1, period: 'term' } });
    await createListedListing({ ...maths, name: 'Near maths SLE', employingSchool: near._id, capacity: { days: 2, period: 'term' } });
    await createListedListing({ ...maths, name: 'Middle maths LLE', providerType: 'lle', employingSchool: middle._id, capacity: { days: 3, period: 'term' } });
    await createListedListing({ ...maths, name: 'Far maths AST', providerType: 'ast', employingSchool: far._id, capacity: { days: 4, period: 'term' } });
    await createListedListing({ ...maths, name: 'Unplaced maths SLE', employingSchool: unplaced._id, capacity: { days: 5, period: 'term' } });
    await createListedListing({ ...maths, name: 'Anyshire maths team', providerType: 'traded_service', areas: ['Anyshire'], capacity: { days: 6, period: 'term' } });

    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
    sip = await signedInAgent(app, sipUser.email);
    school = await signedInAgent(app, (await createUser('school', { school: westfield._id })).email);
    tradedServices = await signedInAgent(app, (await createUser('traded_services')).email);
  });

  describe('for a SIP', () => {
    it('measures from the first school of their caseload by name, offering only their caseload', async () => {
      const response = await sip.get(paths.directory.search);
      expect(response.status).toBe(200);
      const options = [...response.text.matchAll(/<option value="(\d{6})"( selected)?>([^<]+)<\/option>/g)].map((m) => [m[1], !!m[2], decode(m[3]!)]);
      expect(options).toEqual([
        ['700001', true, 'Oakfield Primary School'],
        ['700002', false, 'Westfield Academy'],
      ]);
      expect(new Map(cards(response.text))).toEqual(
        new Map([
          ['Oakfield maths SLE', 'Based at Oakfield Primary School'],
          ['Near maths SLE', '1.5 miles from Oakfield Primary School'],
          ['Middle maths LLE', '4.2 miles from Oakfield Primary School'],
          ['Far maths AST', '9.6 miles from Oakfield Primary School'],
          ['Unplaced maths SLE', 'Distance not known: GIAS gives no location for its school'],
          ['Anyshire maths team', 'No single base: covers Anyshire'],
        ]),
      );
      expect(response.text).toContain('Distances are straight-line distances from Oakfield Primary School');
    });

    it('finds providers within 5 miles, nearest first, with the LA-wide team after them and miles on every card', async () => {
      const response = await sip.get(paths.directory.search).query({ within: '5', sort: 'distance' });
      expect(cards(response.text)).toEqual([
        ['Oakfield maths SLE', 'Based at Oakfield Primary School'],
        ['Near maths SLE', '1.5 miles from Oakfield Primary School'],
        ['Middle maths LLE', '4.2 miles from Oakfield Primary School'],
        ['Anyshire maths team', 'No single base: covers Anyshire'],
      ]);
      expect(response.text).toContain('4 providers found within 5 miles of Oakfield Primary School');
      expect(response.text).toMatch(/<option value="5" selected>Within 5 miles<\/option>/);
      expect(response.text).toMatch(/<option value="distance" selected>Nearest first<\/option>/);
      // Every other link keeps the distance: the CSV and the facet form's own values.
      expect(decode(response.text)).toContain(`${paths.directory.export}?from=700001&within=5&sort=distance`);
    });

    it('measures from another caseload school when chosen, and within 20 miles keeps everyone placed', async () => {
      const fromWestfield = await sip.get(paths.directory.search).query({ from: '700002', within: '5', sort: 'distance' });
      expect(cards(fromWestfield.text)).toEqual([
        ['Far maths AST', '2.4 miles from Westfield Academy'],
        ['Anyshire maths team', 'No single base: covers Anyshire'],
      ]);
      const wide = await sip.get(paths.directory.search).query({ within: '20', sort: 'distance' });
      expect(resultNamesIn(wide.text)).toEqual(['Oakfield maths SLE', 'Near maths SLE', 'Middle maths LLE', 'Far maths AST', 'Anyshire maths team']);
    });

    it('may measure from any open school by URN, which the list then shows', async () => {
      const response = await sip.get(paths.directory.search).query({ from: '700003' });
      expect(response.text).toMatch(/<option value="700003" selected>Near Primary School<\/option>/);
      expect(new Map(cards(response.text)).get('Near maths SLE')).toBe('Based at Near Primary School');
    });
  });

  it('measures the same search from each school asked, one after the other, without a limit or nearest first', async () => {
    // Without a limit or nearest first, the school decides only the distances shown: the second search shares the
    // first's work, and must show its own school's distances, not the first's.
    const fromOakfield = await sip.get(paths.directory.search).query({ q: 'maths', from: '700001' });
    const fromWestfield = await sip.get(paths.directory.search).query({ q: 'maths', from: '700002' });
    const fromOakfieldAgain = await sip.get(paths.directory.search).query({ q: 'maths', from: '700001' });
    expect(resultNamesIn(fromWestfield.text)).toEqual(resultNamesIn(fromOakfield.text));
    expect(new Map(cards(fromOakfield.text)).get('Far maths AST')).toBe('9.6 miles from Oakfield Primary School');
    expect(new Map(cards(fromWestfield.text)).get('Far maths AST')).toBe('2.4 miles from Westfield Academy');
    expect(new Map(cards(fromWestfield.text)).get('Oakfield maths SLE')).toBe('12.0 miles from Westfield Academy');
    expect(fromWestfield.text).toContain('Distances are straight-line distances from Westfield Academy');
    expect(cards(fromOakfieldAgain.text)).toEqual(cards(fromOakfield.text));
    const need = 'ks2-maths-progress-below-national';
    const suggestedNearOakfield = await sip.get(paths.directory.suggest).query({ need, from: '700001' });
    const suggestedNearWestfield = await sip.get(paths.directory.suggest).query({ need, from: '700002' });
    expect(resultNamesIn(suggestedNearWestfield.text)).toEqual(resultNamesIn(suggestedNearOakfield.text));
    expect(new Map(cards(suggestedNearOakfield.text)).get('Near maths SLE')).toBe('1.5 miles from Oakfield Primary School');
    expect(new Map(cards(suggestedNearWestfield.text)).get('Near maths SLE')).toBe('10.5 miles from Westfield Academy');
  });

  it('measures from a school user’s own school unless they name another', async () => {
    const own = await school.get(paths.directory.search).query({ sort: 'distance' });
    expect(cards(own.text)[0]).toEqual(['Far maths AST', '2.4 miles from Westfield Academy']);
    expect(decode(own.text)).toContain('Leave empty for your school, Westfield Academy.');
    expect(own.text).not.toMatch(/<option value="700001"/);
    const other = await school.get(paths.directory.search).query({ from: 'oakfield primary school', within: '5' });
    expect(other.status).toBe(200);
    expect(new Map(cards(other.text)).get('Near maths SLE')).toBe('1.5 miles from Oakfield Primary School');
    expect(other.text).toMatch(/id="from" name="from" type="text" value="oakfield primary school"/);
  });

  describe('for Traded Services', () => {
    it('shows no distances until they name a school, by URN or by its name in any case', async () => {
      const none = await tradedServices.get(paths.directory.search);
      expect(cards(none.text).every(([, distance]) => distance === null)).toBe(true);
      expect(none.text).not.toContain('<select class="govuk-select" id="from"');
      const byName = await tradedServices.get(paths.directory.search).query({ from: 'NEAR PRIMARY SCHOOL', sort: 'distance' });
      expect(cards(byName.text)[0]).toEqual(['Near maths SLE', 'Based at Near Primary School']);
      // Links carry the URN, so the next page does not look the name up again.
      expect(decode(byName.text)).toContain(`${paths.directory.export}?from=700003&sort=distance`);
    });

    it.each([
      [{ from: '999999' }, 'No open school has the URN 999999'],
      [{ from: '700007' }, 'No open school has the URN 700007'],
      [{ from: 'Nowhere School' }, 'No open school is called “Nowhere School”: check the name, or enter the school’s URN'],
      [{ from: "St Mary's Primary School" }, 'More than one open school is called “St Mary\'s Primary School”: enter the URN of the one you mean'],
      [{ from: '700006' }, 'GIAS gives no location for Unplaced School, so distances from it cannot be measured'],
      [{ within: '5' }, 'Enter a school’s URN or name to find providers within 5 miles of it'],
      [{ sort: 'distance' }, 'Enter a school’s URN or name to list providers nearest to it first'],
    ])('explains %j next to the school’s field, keeps what was typed, and still lists providers', async (query, message) => {
      const response = await tradedServices.get(paths.directory.search).query(query);
      expect(response.status).toBe(400);
      expect(decode(errorSummaryOf(response.text))).toBe(message);
      expect(decode(response.text)).toContain(`<span class="govuk-visually-hidden">Error:</span> ${message}`);
      expect(response.text).toContain('<a href="#from">');
      if ('from' in query) expect(decode(response.text)).toContain(`value="${query.from}"`);
      expect(resultNamesIn(response.text)).toHaveLength(6);
      expect(cards(response.text).every(([, distance]) => distance === null)).toBe(true);
    });

    it('ignores a distance limit that is not offered', async () => {
      const response = await tradedServices.get(paths.directory.search).query({ from: '700001', within: '7' });
      expect(response.status).toBe(200);
      expect(resultNamesIn(response.text)).toHaveLength(6);
      expect(response.text).toMatch(/<option value="" selected>Any distance<\/option>/);
    });
  });

  it('exports the distance as a column of miles when a school is chosen, and no such column otherwise', async () => {
    const response = await sip.get(paths.directory.export).query({ within: '5', sort: 'distance' });
    const rows = parse(response.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.Name, row['Straight-line miles from Oakfield Primary School']])).toEqual([
      ['Oakfield maths SLE', '0'],
      ['Near maths SLE', '1.5'],
      ['Middle maths LLE', '4.2'],
      ['Anyshire maths team', 'No single base: covers Anyshire'],
    ]);
    const plain = await tradedServices.get(paths.directory.export);
    expect(plain.text.split('\r\n')[0]).not.toContain('miles');
  });

  it('suggests support for a need within reach of the school, nearest first', async () => {
    const response = await sip.get(paths.directory.suggest).query({ need: 'ks2-maths-progress-below-national', within: '5', sort: 'distance' });
    expect(response.status).toBe(200);
    expect(cards(response.text)).toEqual([
      ['Oakfield maths SLE', 'Based at Oakfield Primary School'],
      ['Near maths SLE', '1.5 miles from Oakfield Primary School'],
      ['Middle maths LLE', '4.2 miles from Oakfield Primary School'],
      ['Anyshire maths team', 'No single base: covers Anyshire'],
    ]);
    const problem = await tradedServices.get(paths.directory.suggest).query({ need: 'ks2-maths-progress-below-national', from: '999999' });
    expect(problem.status).toBe(400);
    expect(errorSummaryOf(problem.text)).toBe('No open school has the URN 999999');
  });

  it('shows the suggested support on a school’s page with its distance from that school', async () => {
    const response = await sip.get(paths.schools.school('700002'));
    expect(response.status).toBe(200);
    expect(new Map(cards(response.text)).get('Far maths AST')).toBe('2.4 miles from Westfield Academy');
  });

  it('follows a GIAS import that moves a provider’s school', async () => {
    const moved = away(3);
    const csv = ['URN,EstablishmentName,LA (code),LA (name),EstablishmentStatus (code),TypeOfEstablishment (code),Easting,Northing', `700003,Near Primary School,803,Testshire,1,1,${moved.easting},${moved.northing}`];
    const report = await importGias(() => Readable.from([Buffer.from(csv.join('\r\n'))]));
    expect(report.updated).toBe(1);
    const response = await sip.get(paths.directory.search).query({ q: 'near', from: '700001' });
    expect(new Map(cards(response.text)).get('Near maths SLE')).toBe('3.0 miles from Oakfield Primary School');
  });
});
