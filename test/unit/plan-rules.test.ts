import { academicYearFor, termAfter, termEndDate, termsOfYear } from '../../src/lib/academic-calendar';
import { agreementState, awaitsAgreement, latestStatusByTerm, priorityTitle, startingPriorities, termlyReviewDue } from '../../src/features/plans/plan-rules';
import { parseReviewForm, priorityFormSchema } from '../../src/features/plans/plans.schemas';
import { levelMove } from '../../src/features/schools/level-order';
import { movedUpByProvider, movedUpPercent, outcomeOf, type SupportEpisode } from '../../src/features/reports/moved-up';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('a plan’s academic year and terms', () => {
  it('is the September-to-August year of the day it is written', () => {
    expect(academicYearFor(day('2026-08-31'))).toBe('2025-26');
    expect(academicYearFor(day('2026-09-01'))).toBe('2026-27');
    expect(termsOfYear('2026-27').map((term) => term.label)).toEqual(['Autumn 2026', 'Spring 2027', 'Summer 2027']);
  });

  it('counts terms on across years, and ends each term on its last day', () => {
    expect(termAfter('2025-26-1', 3).key).toBe('2026-27-1');
    expect(termAfter('2025-26-3', 1).key).toBe('2026-27-1');
    expect(termAfter('2025-26-2', 0).key).toBe('2025-26-2');
    expect(termEndDate('2026-27-1')).toEqual(day('2026-12-31'));
    expect(termEndDate('2026-27-2')).toEqual(day('2027-03-31'));
    expect(termEndDate('2026-27-3')).toEqual(day('2027-08-31'));
  });
});

describe('agreeing a plan', () => {
  it('is not agreed until the school agrees a version', () => {
    expect(agreementState({ version: 3 })).toBe('not_agreed');
    expect(agreementState({ version: 3, agreed: null })).toBe('not_agreed');
  });

  it('stays agreed while the plan is the version agreed, and shows an edit since until agreed again', () => {
    expect(agreementState({ version: 3, agreed: { version: 3 } })).toBe('agreed');
    expect(agreementState({ version: 4, agreed: { version: 3 } })).toBe('changed_since_agreed');
    expect(agreementState({ version: 4, agreed: { version: 4 } })).toBe('agreed');
  });

  it('waits for the school only once the plan has a priority', () => {
    expect(awaitsAgreement({ version: 0, priorities: [] })).toBe(false);
    expect(awaitsAgreement({ version: 1, priorities: [{}] })).toBe(true);
    expect(awaitsAgreement({ version: 2, agreed: { version: 1 }, priorities: [{}] })).toBe(true);
    expect(awaitsAgreement({ version: 2, agreed: { version: 2 }, priorities: [{}] })).toBe(false);
  });
});

describe('priorities', () => {
  it('are called by the school’s own words, else the need’s name', () => {
    expect(priorityTitle({ words: 'Year 6 reasoning' }, 'KS2 maths progress is below national')).toBe('Year 6 reasoning');
    expect(priorityTitle({ words: '' }, 'KS2 maths progress is below national')).toBe('KS2 maths progress is below national');
    expect(priorityTitle({}, undefined)).toBe('A priority');
  });

  it('start a year from last year’s plan (without milestones), else from what the school recorded before plans', () => {
    const lastYear = [{ need: 'phonics-outcomes-falling', words: 'Phonics', objectives: 'Pass rate up', successCriteria: '' }];
    expect(startingPriorities(lastYear, { needs: ['ignored'], notes: 'ignored' })).toEqual([{ need: 'phonics-outcomes-falling', words: 'Phonics', objectives: 'Pass rate up', successCriteria: undefined }]);
    expect(startingPriorities([], { needs: ['a', 'b', 'a', ''], notes: '  New head needs a mentor ' })).toEqual([{ need: 'a' }, { need: 'b' }, { words: 'New head needs a mentor' }]);
  });

  it('read old records safely: nothing recorded, nulls, or no notes', () => {
    expect(startingPriorities(undefined, undefined)).toEqual([]);
    expect(startingPriorities(undefined, null)).toEqual([]);
    expect(startingPriorities(undefined, { needs: null, notes: null })).toEqual([]);
    expect(startingPriorities(undefined, { needs: ['a'] })).toEqual([{ need: 'a' }]);
  });
});

describe('the priority form', () => {
  const valid = { need: '', words: 'Attendance', version: '2' };

  it('needs a need or the school’s own words, and nothing else', () => {
    const parsed = priorityFormSchema.safeParse(valid);
    expect(parsed.success && parsed.data).toEqual({ need: '', words: 'Attendance', objectives: '', successCriteria: '', version: 2, milestones: [] });
    const empty = priorityFormSchema.safeParse({ version: '2' });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues.map((issue) => issue.path[0])).toEqual(['need']);
  });

  it('reads a milestone from a description and a date, keeps its id, and skips an empty row', () => {
    const parsed = priorityFormSchema.parse({
      ...valid,
      'milestone-1-id': '0123456789abcdef01234567',
      'milestone-1-text': 'Audit done',
      'milestone-1-dueOn-day': '31',
      'milestone-1-dueOn-month': '10',
      'milestone-1-dueOn-year': '2026',
      'milestone-2-text': '',
    });
    expect(parsed.milestones).toEqual([{ id: '0123456789abcdef01234567', text: 'Audit done', dueOn: day('2026-10-31') }]);
  });

  it('refuses half a milestone, naming the row and the part missing', () => {
    const parsed = priorityFormSchema.safeParse({ ...valid, 'milestone-1-text': 'Audit done', 'milestone-2-dueOn-day': '31', 'milestone-2-dueOn-month': '2', 'milestone-2-dueOn-year': '2027' });
    expect(parsed.error?.issues.map((issue) => [issue.path[0], issue.message])).toEqual([
      ['milestone-1-dueOn', 'Enter when milestone 1 is due, for example 31 3 2027'],
      ['milestone-2-text', 'Describe milestone 2, or clear its date'],
      ['milestone-2-dueOn', 'Enter a real date for milestone 2, for example 31 3 2027'],
    ]);
  });

  it('reads a missing or tampered version as out of date', () => {
    expect(priorityFormSchema.parse({ words: 'x' }).version).toBe(-1);
    expect(priorityFormSchema.parse({ words: 'x', version: '1e3' }).version).toBe(-1);
  });
});

describe('milestone statuses at the termly review', () => {
  const ids = ['a'.repeat(24), 'b'.repeat(24)];

  it('takes on track, some concern or off track, each with an optional note, and needs at least one', () => {
    expect(parseReviewForm({ [`status-${ids[0]}`]: 'some_concern', [`note-${ids[0]}`]: ' Start delayed ' }, ids)).toEqual({
      ok: true,
      form: { entries: [{ milestone: ids[0], status: 'some_concern', note: 'Start delayed' }] },
    });
    expect(parseReviewForm({}, ids)).toEqual({ ok: false, errors: { [`status-${ids[0]}`]: 'Select how at least one milestone is going' } });
  });

  it('refuses a status not offered, and a note without a status', () => {
    expect(parseReviewForm({ [`status-${ids[0]}`]: 'great', [`note-${ids[1]}`]: 'Hmm' }, ids)).toEqual({
      ok: false,
      errors: { [`status-${ids[0]}`]: 'Select how milestone 1 is going', [`status-${ids[1]}`]: 'Select how milestone 2 is going, or clear its note' },
    });
  });

  it('shows per milestone and term the latest review’s status', () => {
    const latest = latestStatusByTerm([
      { termKey: '2026-27-1', reviewedAt: day('2026-12-01'), entries: [{ milestone: 'm', status: 'off_track', note: 'late' }] },
      { termKey: '2026-27-1', reviewedAt: day('2026-11-01'), entries: [{ milestone: 'm', status: 'on_track', note: '' }] },
      { termKey: '2026-27-2', reviewedAt: day('2027-02-01'), entries: [{ milestone: 'm', status: 'some_concern', note: '' }] },
    ]);
    expect(latest.get('m')?.get('2026-27-1')?.status).toBe('off_track');
    expect(latest.get('m')?.get('2026-27-2')?.status).toBe('some_concern');
  });

  it('is due each term while the plan has milestones and no review in the term', () => {
    expect(termlyReviewDue({ milestones: [{}] }, ['2026-27-1'], day('2026-12-02'))).toBe(false);
    expect(termlyReviewDue({ milestones: [{}] }, ['2026-27-1'], day('2027-01-05'))).toBe(true);
    expect(termlyReviewDue({ milestones: [] }, [], day('2027-01-05'))).toBe(false);
  });
});

describe('which way a school’s support level moved', () => {
  const southGlos = ['1', '2', '3'];

  it('reads the scheme’s first level as needing least support: towards it is up', () => {
    expect(levelMove(southGlos, '3', '2')).toBe('up');
    expect(levelMove(southGlos, '1', '2')).toBe('down');
    expect(levelMove(southGlos, '2', '2')).toBe('same');
    expect(levelMove(southGlos, '3', '1TV')).toBe('unknown');
  });

  it('follows the scheme’s order as Traded Services set it', () => {
    expect(levelMove(['1', '1TV', '2'], '2', '1TV')).toBe('up');
    expect(levelMove(['1', '2', '1TV'], '2', '1TV')).toBe('down');
  });
});

describe('schools supported that moved up a level within 3 terms', () => {
  const order = ['1', '2', '3'];
  const episode = (overrides: Partial<SupportEpisode> = {}): SupportEpisode => ({
    listing: 'L',
    listingName: 'Literacy team',
    school: 'S',
    startOn: day('2025-09-15'),
    completedAt: day('2025-10-15'),
    ...overrides,
  });
  const at = (level: string, iso: string) => ({ level, setAt: day(iso) });
  const now = day('2027-06-01');

  it('counts a move up to a better level by the end of the third term after the term support ended', () => {
    expect(outcomeOf(episode(), [at('3', '2025-07-14'), at('2', '2026-12-31')], order, now)).toBe('moved_up');
    expect(outcomeOf(episode(), [at('3', '2025-07-14'), at('2', '2027-01-01')], order, now)).toBe('not_moved');
    expect(outcomeOf(episode(), [at('3', '2025-07-14'), at('3', '2026-04-01')], order, now)).toBe('not_moved');
  });

  it('waits while the three terms run, and says nothing without a level before the support', () => {
    expect(outcomeOf(episode(), [at('3', '2025-07-14')], order, day('2026-06-01'))).toBe('waiting');
    expect(outcomeOf(episode(), [at('2', '2026-01-10')], order, now)).toBe('unknown');
    expect(outcomeOf(episode(), [at('3', '2025-07-14'), at('9', '2026-01-10')], order, now)).toBe('unknown');
  });

  it('counts each school once per provider, and shows a share only of five schools or more', () => {
    const histories = new Map([
      ['A', [at('3', '2025-01-01'), at('2', '2026-02-01')]],
      ['B', [at('3', '2025-01-01')]],
      ['C', [at('2', '2025-01-01'), at('1', '2026-03-01')]],
      ['D', [at('2', '2025-01-01')]],
    ]);
    const rows = movedUpByProvider(
      [
        episode({ school: 'A' }),
        episode({ school: 'A', startOn: day('2025-11-01'), completedAt: day('2025-12-01') }),
        episode({ school: 'B' }),
        episode({ school: 'C' }),
        episode({ school: 'D', listing: 'M', listingName: 'Maths hub', completedAt: day('2027-02-01') }),
      ],
      histories,
      order,
      now,
    );
    expect(rows).toEqual([
      { listing: 'L', listingName: 'Literacy team', supported: 3, movedUp: 2, waiting: 0 },
      { listing: 'M', listingName: 'Maths hub', supported: 0, movedUp: 0, waiting: 1 },
    ]);
    expect(movedUpPercent(2, 3)).toBeUndefined();
    expect(movedUpPercent(4, 4)).toBeUndefined();
    expect(movedUpPercent(2, 5)).toBe(40);
    expect(movedUpPercent(4, 6)).toBe(67);
  });
});
