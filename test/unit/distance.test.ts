import { isGridReference, milesText, straightLineMiles, METRES_PER_MILE } from '../../src/lib/grid-distance';
import { latLongFromGrid } from '../../src/features/schools/gias/british-national-grid';
import { byDistance, distanceOf, distanceView, isWithin, type ProviderDistance } from '../../src/features/directory/provider-distance';
import { DirectoryService } from '../../src/features/directory/directory.service';
import { NO_FILTERS, sortResults } from '../../src/features/directory/directory-filters';
import { searchQuerySchema, suggestQuerySchema } from '../../src/features/directory/directory.schemas';
import { searchQueryString } from '../../src/features/directory/search-page';
import type { SchoolPlace } from '../../src/features/schools/school-places';
import { directoryDocument, inMemorySource } from '../support/directory';

/** Great-circle distance on a sphere of the Earth's mean radius, from WGS84 latitude and longitude, in miles. */
function haversineMiles(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const h = Math.sin(radians(b.latitude - a.latitude) / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(radians(b.longitude - a.longitude) / 2) ** 2;
  return (2 * 6_371_008.8 * Math.asin(Math.sqrt(h))) / METRES_PER_MILE;
}

describe('straight-line distance on the British National Grid', () => {
  it('is Pythagoras on eastings and northings, in miles', () => {
    // A 3-4-5 triangle of kilometres: 5,000 m, which is 3.107 miles (1 mile is 1,609.344 m exactly).
    expect(straightLineMiles({ easting: 430000, northing: 280000 }, { easting: 433000, northing: 284000 })).toBeCloseTo(5000 / 1609.344, 10);
    expect(straightLineMiles({ easting: 400000, northing: 300000 }, { easting: 400000 + 1609.344, northing: 300000 })).toBeCloseTo(1, 10);
    expect(straightLineMiles({ easting: 1, northing: 2 }, { easting: 1, northing: 2 })).toBe(0);
  });

  it('is the same both ways', () => {
    const a = { easting: 651409.903, northing: 313177.27 };
    const b = { easting: 530000, northing: 180000 };
    expect(straightLineMiles(a, b)).toBe(straightLineMiles(b, a));
  });

  it('agrees with the distance over the Earth’s surface to within 1% across a county and across England', () => {
    // Caister water tower (the OS worked example) to central London, and two points 20 miles apart in the Midlands.
    const pairs = [
      [{ easting: 651409.903, northing: 313177.27 }, { easting: 530000, northing: 180000 }],
      [{ easting: 430200, northing: 280400 }, { easting: 446100, northing: 292600 }],
    ] as const;
    for (const [a, b] of pairs) {
      const onTheGround = haversineMiles(latLongFromGrid(a.easting, a.northing)!, latLongFromGrid(b.easting, b.northing)!);
      expect(Math.abs(straightLineMiles(a, b) - onTheGround) / onTheGround).toBeLessThan(0.01);
    }
  });

  it('is shown to one decimal place', () => {
    expect(milesText(3.2449)).toBe('3.2 miles');
    expect(milesText(3.25)).toBe('3.3 miles');
    expect(milesText(1)).toBe('1.0 miles');
    expect(milesText(12)).toBe('12.0 miles');
    expect(milesText(0.04)).toBe('less than 0.1 miles');
  });

  it('takes only grid references on the grid', () => {
    expect(isGridReference({ easting: 430000, northing: 280000 })).toBe(true);
    for (const bad of [null, {}, { easting: -1, northing: 1 }, { easting: 1, northing: 1_300_001 }, { easting: Number.NaN, northing: 1 }, { easting: '430000', northing: 280000 }]) {
      expect(isGridReference(bad)).toBe(false);
    }
  });
});

const oakfield: SchoolPlace = { id: 'oakfield', urn: '900001', name: 'Oakfield Primary School', grid: { easting: 430000, northing: 280000 } };
const milesEast = (miles: number) => ({ easting: 430000 + miles * METRES_PER_MILE, northing: 280000 });

describe('how far a provider is from a school', () => {
  const based = directoryDocument({ employingSchoolId: 'hillcrest' });
  const laTeam = directoryDocument({ employingSchoolId: null, areas: ['North Anyshire', 'Anyshire City'] });

  it('measures from the provider’s employing school; a provider at the school itself is based there', () => {
    expect(distanceOf(based, oakfield, milesEast(3.2))).toEqual({ kind: 'miles', miles: expect.closeTo(3.2, 9), atOrigin: false });
    expect(distanceOf(directoryDocument({ employingSchoolId: 'oakfield' }), oakfield, oakfield.grid)).toEqual({ kind: 'miles', miles: 0, atOrigin: true });
  });

  it('has no single base without an employing school, and is not known where GIAS does not place the school', () => {
    expect(distanceOf(laTeam, oakfield, undefined)).toEqual({ kind: 'no-single-base' });
    expect(distanceOf(based, oakfield, null)).toEqual({ kind: 'not-known' });
  });

  it('keeps, within a limit, those up to it, and teams with no single base; never those it cannot place', () => {
    expect(isWithin({ kind: 'miles', miles: 5, atOrigin: false }, 5)).toBe(true);
    expect(isWithin({ kind: 'miles', miles: 5.01, atOrigin: false }, 5)).toBe(false);
    expect(isWithin({ kind: 'no-single-base' }, 5)).toBe(true);
    expect(isWithin({ kind: 'not-known' }, 20)).toBe(false);
    expect(isWithin({ kind: 'not-known' }, null)).toBe(true);
  });

  it('orders nearest first, then no single base, then not known', () => {
    const distances: ProviderDistance[] = [{ kind: 'not-known' }, { kind: 'no-single-base' }, { kind: 'miles', miles: 7, atOrigin: false }, { kind: 'miles', miles: 0, atOrigin: true }];
    expect([...distances].sort(byDistance)).toEqual([distances[3], distances[2], distances[1], distances[0]]);
  });

  it('says it as the card shows it, with the miles for a spreadsheet', () => {
    expect(distanceView({ kind: 'miles', miles: 3.24, atOrigin: false }, oakfield, [])).toEqual({ text: '3.2 miles from Oakfield Primary School', miles: 3.2 });
    expect(distanceView({ kind: 'miles', miles: 0, atOrigin: true }, oakfield, [])).toEqual({ text: 'Based at Oakfield Primary School', miles: 0 });
    expect(distanceView({ kind: 'no-single-base' }, oakfield, laTeam.areas)).toEqual({ text: 'No single base: covers North Anyshire, Anyshire City', miles: null });
    expect(distanceView({ kind: 'not-known' }, oakfield, []).miles).toBeNull();
  });
});

describe('searching by distance', () => {
  const near = directoryDocument({ name: 'Near', expertise: ['english-and-literacy'], employingSchoolId: 'near', capacity: { days: 1, period: 'term' } });
  const middle = directoryDocument({ name: 'Middle', expertise: ['english-and-literacy'], employingSchoolId: 'middle', capacity: { days: 9, period: 'term' } });
  const far = directoryDocument({ name: 'Far', expertise: ['english-and-literacy'], employingSchoolId: 'far', capacity: { days: 15, period: 'term' } });
  const unplaced = directoryDocument({ name: 'Unplaced', expertise: ['english-and-literacy'], employingSchoolId: 'unplaced' });
  const team = directoryDocument({ name: 'Anyshire Literacy Team', providerType: 'traded_service', expertise: ['english-and-literacy'], employingSchoolId: null, areas: ['Anyshire'], capacity: { days: 40, period: 'term' } });
  const { index, source } = inMemorySource([far, team, middle, unplaced, near]);
  index.setSchoolGrids(
    new Map([
      ['near', milesEast(1.26)],
      ['middle', milesEast(4.99)],
      ['far', milesEast(5.01)],
      ['unplaced', null],
    ]),
  );
  const service = new DirectoryService(source);
  const search = (within: 5 | 10 | 20 | null, sort: 'relevance' | 'distance' = 'distance') =>
    service.search({ q: '', filters: NO_FILTERS, sort, page: 1, distance: { origin: oakfield, within } });

  it('within 5 miles keeps those up to 5 miles and the team with no single base, nearest first', async () => {
    const outcome = await search(5);
    expect(outcome.results.map((result) => [result.name, result.distance?.text])).toEqual([
      ['Near', '1.3 miles from Oakfield Primary School'],
      ['Middle', '5.0 miles from Oakfield Primary School'],
      ['Anyshire Literacy Team', 'No single base: covers Anyshire'],
    ]);
    expect(outcome.total).toBe(3);
  });

  it('at any distance lists everyone, the unplaced last, and counts facets over what is within reach', async () => {
    expect((await search(null)).results.map((result) => result.name)).toEqual(['Near', 'Middle', 'Far', 'Anyshire Literacy Team', 'Unplaced']);
    expect((await search(5)).facets.type.find((option) => option.value === 'traded_service')?.count).toBe(1);
    expect((await search(5)).facets.type.find((option) => option.value === 'sle')?.count).toBe(2);
  });

  it('keeps its other order when asked (most days first as best match breaks ties), still showing miles', async () => {
    const outcome = await search(10, 'relevance');
    expect(outcome.results.map((result) => result.name)).toEqual(['Anyshire Literacy Team', 'Far', 'Middle', 'Near']);
    expect(outcome.results.every((result) => result.distance !== null)).toBe(true);
  });

  it('shows no distances without a school to measure from, and nearest first is then best match', async () => {
    const nearestFirst = await service.search({ q: '', filters: NO_FILTERS, sort: 'distance', page: 1 });
    const bestMatch = await service.search({ q: '', filters: NO_FILTERS, sort: 'relevance', page: 1 });
    expect(nearestFirst.total).toBe(5);
    expect(nearestFirst.results.every((result) => result.distance === null)).toBe(true);
    expect(nearestFirst.results.map((result) => result.name)).toEqual(bestMatch.results.map((result) => result.name));
    expect(sortResults([{ document: far, score: 1 }, { document: near, score: 2 }], 'distance').map((item) => item.document.name)).toEqual(['Near', 'Far']);
  });

  it('suggests support within reach, nearest first when asked', async () => {
    const suggest = (sort: 'relevance' | 'distance') =>
      service.suggestedSupport({ needSlugs: ['phonics-outcomes-falling'], distance: { origin: oakfield, within: 5 }, sort });
    expect((await suggest('distance')).results.map((result) => result.name)).toEqual(['Near', 'Middle', 'Anyshire Literacy Team']);
    // Ranked by the need, days available break the tie: the team (40 a term), then Middle (9), then Near (1).
    expect((await suggest('relevance')).results.map((result) => result.name)).toEqual(['Anyshire Literacy Team', 'Middle', 'Near']);
    expect((await suggest('distance')).results[0]!.distance?.text).toBe('1.3 miles from Oakfield Primary School');
  });

  it('follows a school moving (a GIAS import): the same search gives the new distance', async () => {
    const moved = inMemorySource([near]);
    moved.index.setSchoolGrids(new Map([['near', milesEast(1)]]));
    const movedService = new DirectoryService(moved.source);
    const ask = () => movedService.search({ q: '', filters: NO_FILTERS, sort: 'distance', page: 1, distance: { origin: oakfield, within: null } });
    expect((await ask()).results[0]!.distance?.text).toBe('1.0 miles from Oakfield Primary School');
    moved.index.setSchoolGrids(new Map([['near', milesEast(8)]]), { replace: true });
    expect((await ask()).results[0]!.distance?.text).toBe('8.0 miles from Oakfield Primary School');
  });
});

describe('the distance part of a search’s query string', () => {
  it('takes the offered limits and ignores any other', () => {
    expect(searchQuerySchema.parse({ within: '5' }).within).toBe(5);
    expect(searchQuerySchema.parse({ within: '20' }).within).toBe(20);
    for (const within of ['7', '-5', '5.0', 'five', ['5', '10'], '']) expect(searchQuerySchema.parse({ within }).within).toBeNull();
    expect(suggestQuerySchema.parse({ within: '10', sort: 'distance' })).toMatchObject({ within: 10, sort: 'distance' });
    expect(suggestQuerySchema.parse({ sort: 'rate' }).sort).toBe('relevance');
  });

  it('reads the school as typed, trimmed and cut to 200 characters, and carries it in every link', () => {
    expect(searchQuerySchema.parse({ from: '  900001 ' }).from).toBe('900001');
    expect(searchQuerySchema.parse({ from: 'x'.repeat(500) }).from).toHaveLength(200);
    expect(searchQuerySchema.parse({ from: ['a', 'b'] }).from).toBe('');
    const state = searchQuerySchema.parse({ from: '900001', within: '5', sort: 'distance' });
    expect(searchQueryString({ ...state, page: 2 })).toBe('?from=900001&within=5&sort=distance&page=2');
  });
});
