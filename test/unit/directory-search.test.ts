import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { termsKey, understandQuery, type QueryUnit } from '../../src/features/directory/query-understanding';
import { DirectoryService, type SearchOutcome, type SearchRequest } from '../../src/features/directory/directory.service';
import { NO_FILTERS, SORTS, facetCounts, firstInOrder, sortResults, type DirectoryFilters } from '../../src/features/directory/directory-filters';
import { needsMatching } from '../../src/features/directory/need-matching';
import { queryWords } from '../../src/lib/search-text';
import { defaultTaxonomy, directoryDocument, inMemorySource } from '../support/directory';

const taxonomy = defaultTaxonomy();

const meaning = (units: QueryUnit[]) => units.map((unit) => (unit.kind === 'terms' ? termsKey(unit.terms) : `word:${unit.word}`));

const primaryMaths = [
  directoryDocument({ name: 'Ada Lovelace, SLE for primary mathematics', expertise: ['mathematics-and-numeracy'], phases: ['primary'], subjects: ['mathematics'] }),
  directoryDocument({ name: 'Brook Lane maths hub', providerType: 'good_practice_school', summary: 'Mastery maths in Year 5 and 6', expertise: ['mathematics-and-numeracy'], phases: ['primary', 'eyfs'] }),
];
const secondaryMaths = directoryDocument({ name: 'GCSE maths coaching', expertise: ['mathematics-and-numeracy'], phases: ['secondary'], subjects: ['mathematics'] });
const phonics = directoryDocument({
  name: 'Anyshire Literacy Team',
  providerType: 'traded_service',
  summary: 'Phonics and early reading training for infant teachers',
  expertise: ['english-and-literacy', 'early-years'],
  phases: ['primary', 'eyfs'],
  subjects: ['phonics'],
  fundedByLa: true,
  areas: ['North Anyshire'],
});
const leadership = directoryDocument({
  name: 'Grace Hopper, Local Leader of Education',
  providerType: 'lle',
  summary: 'Coaches new and acting headteachers',
  expertise: ['leadership-and-management'],
  phases: ['primary'],
  capacity: { days: 0, period: 'term' },
  areas: ['South Anyshire'],
});
const send = directoryDocument({ name: 'Inclusion outreach', summary: 'SENCO networks and EHCP support', expertise: ['send-and-inclusion'], phases: ['special', 'primary'] });
const all = [...primaryMaths, secondaryMaths, phonics, leadership, send];

const request = (overrides: Partial<SearchRequest> = {}): SearchRequest => ({ q: '', filters: NO_FILTERS, sort: 'relevance', page: 1, ...overrides });
const withFilters = (filters: Partial<DirectoryFilters>) => ({ ...NO_FILTERS, ...filters });

describe('understanding a query through the taxonomy', () => {
  it('reads numeracy, maths and mathematics as one meaning, and KS2 and key stage 2 as primary', () => {
    const expected = meaning(understandQuery('numeracy KS2', taxonomy));
    expect(meaning(understandQuery('maths ks2', taxonomy))).toEqual(expected);
    expect(meaning(understandQuery('mathematics key stage 2', taxonomy))).toEqual(expected);
    expect(expected).toEqual(['category:mathematics-and-numeracy subject:mathematics', 'phase:primary']);
  });

  it('reads SEN and SEND, EYFS and early years, as the same terms', () => {
    expect(meaning(understandQuery('SEN', taxonomy))).toEqual(meaning(understandQuery('send', taxonomy)));
    expect(meaning(understandQuery('EYFS', taxonomy))).toEqual(meaning(understandQuery('Early Years', taxonomy)));
  });

  it('recognises a need written as a school would write it', () => {
    const units = understandQuery('Phonics outcomes are falling', taxonomy);
    expect(units).toEqual([{ kind: 'terms', phrase: 'phonic outcome falling', terms: [{ kind: 'need', slug: 'phonics-outcomes-falling' }] }]);
  });

  it('keeps other words as typed, dropping words that carry no meaning', () => {
    expect(meaning(understandQuery('coaching for the deputy', taxonomy))).toEqual(['offer:coaching', 'word:deputy']);
  });

  it('caps what a query can make the search do', () => {
    expect(queryWords('maths '.repeat(1000)).length).toBeLessThanOrEqual(16);
    expect(understandQuery('{"$where": "sleep(1000)"} .*(a+)+$ [[[', taxonomy).every((unit) => unit.kind === 'word')).toBe(true);
  });

  it('matches needs from words that are not in the list, picking the closest', () => {
    expect(needsMatching('our phonics scores keep dropping', taxonomy)[0]!.slug).toBe('phonics-outcomes-falling');
    expect(needsMatching('the new head needs a mentor', taxonomy)[0]!.slug).toBe('new-headteacher-needs-mentoring');
    expect(needsMatching('', taxonomy)).toEqual([]);
  });
});

describe('searching the directory', () => {
  const { source } = inMemorySource(all);
  const service = new DirectoryService(source);
  const names = async (q: string, filters: Partial<DirectoryFilters> = {}) =>
    (await service.search(request({ q, filters: withFilters(filters) }))).results.map((result) => result.name).sort();

  it('finds the same primary maths providers for numeracy KS2, maths ks2 and mathematics key stage 2', async () => {
    const expected = primaryMaths.map((document) => document.name).sort();
    expect(await names('numeracy KS2')).toEqual(expected);
    expect(await names('maths ks2')).toEqual(expected);
    expect(await names('mathematics key stage 2')).toEqual(expected);
  });

  it('tolerates typos and matches prefixes', async () => {
    expect(await names('phonicks')).toEqual([phonics.name]);
    expect(await names('incl')).toEqual([send.name]);
    expect(await names('Lovelac')).toEqual([primaryMaths[0]!.name]);
  });

  it('finds a need’s categories from the school’s own words', async () => {
    expect(await names('phonics outcomes falling')).toEqual([phonics.name]);
    expect(await names('new head needs a mentor')).toEqual([leadership.name]);
  });

  it('says why each result matches, including the filters', async () => {
    const outcome = await service.search(request({ q: 'numeracy', filters: withFilters({ phase: ['primary'] }) }));
    const ada = outcome.results.find((result) => result.name.startsWith('Ada'))!;
    expect(ada.reasons).toEqual(expect.arrayContaining(['Expertise: Mathematics and numeracy', 'Subject: Mathematics', 'Phase: Primary']));
    expect(outcome.understood).toEqual([{ phrase: 'numeracy', meanings: ['Mathematics and numeracy', 'Mathematics'] }]);
    const typo = await service.search(request({ q: 'phonicks' }));
    // A misspelt name the taxonomy knows is read as that term: the reason names the field the card shows.
    expect(typo.results[0]!.reasons).toEqual(expect.arrayContaining(['Subject: Phonics and early reading', '“phonics” in summary']));
  });

  it('names a field in its reason only when the card shows it; a word found elsewhere is in the pen portrait', async () => {
    const music = directoryDocument({ name: 'Music hub', summary: 'Whole-class instrumental teaching', experience: 'We run the county youth orchestra.' });
    const outcome = await new DirectoryService(inMemorySource([music]).source).search(request({ q: 'instrumental orchestra' }));
    expect(outcome.results[0]!.reasons).toEqual(['“instrumental” in summary', '“orchestra” in the pen portrait']);
  });

  it('shows those matching some of the words when none match all of them', async () => {
    const outcome = await service.search(request({ q: 'phonics zebra' }));
    expect(outcome.relaxed).toBe(true);
    expect(outcome.results.map((result) => result.name)).toEqual([phonics.name]);
  });

  it('filters within a filter by any value and across filters by all', async () => {
    expect(await names('', { phase: ['secondary', 'special'] })).toEqual([secondaryMaths.name, send.name].sort());
    expect(await names('', { phase: ['primary'], funded: true })).toEqual([phonics.name]);
    expect(await names('', { capacity: true, area: ['South Anyshire'] })).toEqual([]);
    expect(await names('', { category: ['leadership-and-management'], type: ['lle'] })).toEqual([leadership.name]);
  });

  it('ignores filter values that do not exist', async () => {
    const outcome = await service.search(request({ filters: withFilters({ category: ['no-such-category'], area: ['Atlantis'] }) }));
    expect(outcome.total).toBe(all.length);
    expect(outcome.filters.category).toEqual([]);
  });

  it('counts, for each filter value, the results it would give with the other filters as they are', async () => {
    const outcome = await service.search(request({ filters: withFilters({ phase: ['secondary'] }) }));
    const count = (facet: 'phase' | 'category', value: string) => outcome.facets[facet].find((option) => option.value === value)!.count;
    expect(count('phase', 'primary')).toBe(5);
    expect(count('phase', 'secondary')).toBe(1);
    expect(count('category', 'mathematics-and-numeracy')).toBe(1);
    expect(outcome.facets.funded).toBe(0);
    expect(outcome.total).toBe(1);
  });

  it('answers a 5,000-character query and one full of operators normally', async () => {
    const long = await service.search(request({ q: 'phonics '.repeat(625) }));
    expect(long.truncated).toBe(true);
    expect(long.results.map((result) => result.name)).toEqual([phonics.name]);
    const operators = await service.search(request({ q: '{"$gt": ""} $where /.*/ (a+)+ \\ ; DROP' }));
    expect(operators.total).toBe(0);
  });

  it('pages through results', async () => {
    const many = Array.from({ length: 45 }, (_, i) => directoryDocument({ name: `Provider ${String(i).padStart(2, '0')}` }));
    const paged = new DirectoryService(inMemorySource(many).source);
    const third = await paged.search(request({ sort: 'name', page: 3 }));
    expect(third).toMatchObject({ total: 45, page: 3, pages: 3 });
    expect(third.results.map((result) => result.name)).toEqual(['Provider 40', 'Provider 41', 'Provider 42', 'Provider 43', 'Provider 44']);
    expect((await paged.search(request({ page: 99 }))).page).toBe(3);
  });

  it('leaves out listings past their review date and grace period, and suspended ones', async () => {
    const overdue = directoryDocument({ name: 'Overdue', reviewDueOn: new Date('2026-01-01') });
    const inGrace = directoryDocument({ name: 'In grace', reviewDueOn: new Date('2026-02-15') });
    const service2 = new DirectoryService(inMemorySource([overdue, inGrace], { now: new Date('2026-03-01'), graceDays: 30 }).source);
    expect((await service2.search(request())).results.map((result) => result.name)).toEqual(['In grace']);
  });
});

describe('ordering results', () => {
  it('orders by relevance, then impact (unknown last), then capacity', () => {
    const rated = { document: directoryDocument({ name: 'Rated', impact: { score: 4.5, responses: 6 }, capacity: null }), score: 1 };
    const roomy = { document: directoryDocument({ name: 'Roomy', capacity: { days: 20, period: 'year' } }), score: 1 };
    const busy = { document: directoryDocument({ name: 'Busy', capacity: { days: 1, period: 'term' } }), score: 1 };
    const best = { document: directoryDocument({ name: 'Best', capacity: null }), score: 2 };
    expect(sortResults([busy, roomy, rated, best], 'relevance').map((item) => item.document.name)).toEqual(['Best', 'Rated', 'Roomy', 'Busy']);
    expect(sortResults([busy, roomy, rated, best], 'capacity').map((item) => item.document.name)).toEqual(['Roomy', 'Busy', 'Best', 'Rated']);
  });

  it('orders by cost to the school: LA-funded first, unknown rates last', () => {
    const items = [
      { document: directoryDocument({ name: 'Unknown', dailyRatePence: null }), score: 0 },
      { document: directoryDocument({ name: 'Dear', dailyRatePence: 60_000 }), score: 0 },
      { document: directoryDocument({ name: 'Funded', fundedByLa: true, dailyRatePence: null }), score: 0 },
      { document: directoryDocument({ name: 'Cheap', dailyRatePence: 30_000 }), score: 0 },
    ];
    expect(sortResults(items, 'rate').map((item) => item.document.name)).toEqual(['Funded', 'Cheap', 'Dear', 'Unknown']);
  });

  it('takes the first few in order without sorting the rest, exactly as a full sort would, ties in their original order', () => {
    // Few distinct values, so most comparisons tie and the tie-breaks (and the original order) decide.
    const items = Array.from({ length: 300 }, (_, i) => ({
      document: directoryDocument({ name: `Provider ${(i * 7) % 13}`, capacity: i % 3 ? { days: (i * 5) % 4, period: 'term' as const } : null, dailyRatePence: i % 5 ? 10_000 * (i % 4) : null }),
      score: (i * 11) % 3,
      tag: i,
    }));
    for (const sort of SORTS) {
      for (const count of [1, 20, 60, 149, 150, 400]) {
        const expected = sortResults([...items], sort).slice(0, count).map((item) => item.tag);
        expect(firstInOrder(items, sort, count).map((item) => item.tag)).toEqual(expected);
      }
    }
  });

  it('counts facets only over results passing the other filters', () => {
    const documents = [directoryDocument({ phases: ['primary'], fundedByLa: true }), directoryDocument({ phases: ['secondary'] })];
    const counts = facetCounts(documents.map((document) => ({ document })), withFilters({ funded: true }));
    expect(counts.phase.get('primary')).toBe(1);
    expect(counts.phase.get('secondary')).toBeUndefined();
    expect(counts.funded.get('yes')).toBe(1);
  });
});

describe('suggested support for a school', () => {
  const { source } = inMemorySource(all);
  const service = new DirectoryService(source);

  it('ranks providers against the school’s needs and phase, saying why', async () => {
    const outcome = await service.suggestedSupport({ needSlugs: ['ks2-maths-progress-below-national'], phase: 'primary' });
    expect(outcome.needs.map((need) => need.slug)).toEqual(['ks2-maths-progress-below-national']);
    expect(outcome.results.map((result) => result.name).sort()).toEqual(primaryMaths.map((document) => document.name).sort());
    expect(outcome.results[0]!.reasons).toContain('For “KS2 maths progress is below national”: Mathematics and numeracy');
    expect(outcome.results[0]!.reasons).toContain('Works with primary schools');
  });

  it('prefers provider types suited to the need, and reads needs from free text', async () => {
    const outcome = await service.suggestedSupport({ needSlugs: [], freeText: 'our new head needs a mentor', phase: 'primary' });
    expect(outcome.needs[0]!.slug).toBe('new-headteacher-needs-mentoring');
    expect(outcome.results[0]!.name).toBe(leadership.name);
    expect(outcome.results[0]!.reasons).toContain('Local Leader of Education, a type suited to this need');
  });

  it('returns nothing for no needs and no words, and ignores unknown needs', async () => {
    expect((await service.suggestedSupport({ needSlugs: ['no-such-need'] })).results).toEqual([]);
  });
});

describe('recent searches', () => {
  it('answers the same search again from memory, until the directory changes', async () => {
    const { index, source } = inMemorySource([...primaryMaths]);
    const service = new DirectoryService(source);
    const first = await service.search(request({ q: 'maths' }));
    expect(await service.search(request({ q: 'maths' }))).toBe(first);
    expect(await service.search(request({ q: 'maths', sort: 'name' }))).not.toBe(first);

    index.upsert(secondaryMaths);
    const after = await service.search(request({ q: 'maths' }));
    expect(after).not.toBe(first);
    expect(after.total).toBe(first.total + 1);
    index.remove(secondaryMaths.id);
    expect((await service.search(request({ q: 'maths' }))).total).toBe(first.total);
  });

  it('matches the same words once for each filter, sort or page of them, and for suggestions, until the directory changes', async () => {
    const { index, source } = inMemorySource([...primaryMaths, secondaryMaths]);
    const service = new DirectoryService(source);
    const matched = jest.spyOn(index, 'search');
    const bySort = await service.search(request({ q: 'maths', sort: 'name' }));
    const primaryOnly = await service.search(request({ q: 'maths', filters: { ...NO_FILTERS, phase: ['primary'] } }));
    expect(matched).toHaveBeenCalledTimes(1);
    expect(bySort.total).toBe(3);
    expect(primaryOnly.total).toBe(2);

    await service.suggestedSupport({ needSlugs: [], freeText: 'maths' });
    await service.suggestedSupport({ needSlugs: [], freeText: 'maths', phase: 'secondary' });
    expect(matched).toHaveBeenCalledTimes(2);

    index.remove(secondaryMaths.id);
    expect((await service.search(request({ q: 'maths', sort: 'name' }))).total).toBe(2);
    expect(matched).toHaveBeenCalledTimes(3);
  });

  // A page nobody can be served again must not stay in memory: at national scale each is about 25 KB, and
  // kept until 500 newer ones pushed them out they made the heap grow through a whole soak (bench:load).
  it('lets go of pages of the directory as it was before a change', async () => {
    const { index, source } = inMemorySource([...primaryMaths]);
    const service = new DirectoryService(source);
    const before = new WeakRef(await service.search(request({ q: 'maths' })));
    index.upsert(secondaryMaths);
    await service.search(request({ q: 'phonics' }));
    expect(await isCollected(before)).toBe(true);
  });

  it('lets go of a page once its half minute is up, with nothing else searched', async () => {
    // The cache reads the time from performance.now() and purges with setTimeout.
    jest.useFakeTimers({ doNotFake: ['performance'] });
    let now = performance.now();
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    const wait = (ms: number) => {
      now += ms;
      jest.advanceTimersByTime(ms);
    };
    try {
      const { source } = inMemorySource([...primaryMaths]);
      const service = new DirectoryService(source);
      const page = new WeakRef(await service.search(request({ q: 'maths' })));
      wait(29_000);
      expect(await isCollected(page)).toBe(false);
      wait(2_000);
      expect(await isCollected(page)).toBe(true);
    } finally {
      clock.mockRestore();
      jest.useRealTimers();
    }
  });
});

/** Whether the garbage collector has taken the page (V8 keeps a WeakRef's target to the end of the current job). */
async function isCollected(page: WeakRef<SearchOutcome>): Promise<boolean> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => jest.requireActual<typeof import('node:timers')>('node:timers').setImmediate(resolve));
  gc();
  return page.deref() === undefined;
}
