import { addMonths } from '../../src/lib/dates';
import { isListedInDirectory } from '../../src/features/listings/listing-visibility';
import {
  checkStatusOf,
  checksHoldBack,
  checksUpToDate,
  lapseDateOf,
  lastValidDay,
  listingCheckSummary,
  reminderDue,
  type CheckRecordFacts,
} from '../../src/features/listings/checks/check-status';
import type { CheckKind } from '../../src/features/listings/checks/check-kinds';
import { checkFormSchema, requirementsSchema } from '../../src/features/listings/checks/checks.schemas';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const accepted = { dbs: 36, safeguarding: 24 };

describe('when a check lapses', () => {
  it('a DBS check lapses the accepted months after its date, at the start of that day', () => {
    const lapse = lapseDateOf('dbs', { datedOn: at('2024-01-15') }, accepted)!;
    expect(lapse).toEqual(at('2027-01-15T00:00:00Z'));
    expect(lastValidDay(lapse)).toEqual(at('2027-01-14T00:00:00Z'));
  });

  it('a month without the day ends on its last day, never the month after', () => {
    expect(lapseDateOf('safeguarding', { datedOn: at('2024-02-29') }, { safeguarding: 12 })).toEqual(at('2025-02-28'));
    expect(addMonths(at('2025-01-31'), 1)).toEqual(at('2025-02-28'));
    expect(addMonths(at('2024-01-31'), 1)).toEqual(at('2024-02-29'));
  });

  it('a dated check with no accepted months set never lapses from its date alone', () => {
    expect(lapseDateOf('dbs', { datedOn: at('2010-01-01') }, {})).toBeNull();
    expect(lapseDateOf('safeguarding', { datedOn: at('2010-01-01') }, { dbs: 36, safeguarding: null })).toBeNull();
  });

  it('insurance lapses the day after the last day of cover; an agreement the day after its end date, or never', () => {
    expect(lapseDateOf('insurance', { endsOn: at('2027-03-31') }, accepted)).toEqual(at('2027-04-01'));
    expect(lapseDateOf('dpa', { datedOn: at('2025-01-10'), endsOn: at('2028-01-09') }, accepted)).toEqual(at('2028-01-10'));
    expect(lapseDateOf('dpa', { datedOn: at('2025-01-10') }, accepted)).toBeNull();
  });
});

describe('where a check stands', () => {
  const verified = (datedOn: string): CheckRecordFacts => ({ verified: { datedOn: at(datedOn) } });
  const lapse = at('2027-01-15T00:00:00Z');

  it.each<[string, CheckRecordFacts | undefined, Date, string]>([
    ['nothing recorded: missing', undefined, at('2026-06-01'), 'missing'],
    ['sent, not yet verified: unverified', { waiting: { datedOn: at('2024-01-15') } }, at('2026-06-01'), 'unverified'],
    ['verified, more than 30 days left: current', verified('2024-01-15'), new Date(lapse.getTime() - 31 * DAY), 'current'],
    ['verified, 30 days left: due soon', verified('2024-01-15'), new Date(lapse.getTime() - 30 * DAY), 'due_soon'],
    ['the last moment of its last valid day: due soon', verified('2024-01-15'), new Date(lapse.getTime() - 1), 'due_soon'],
    ['the first moment of the day it lapses: lapsed', verified('2024-01-15'), lapse, 'lapsed'],
    ['long after: lapsed', verified('2024-01-15'), at('2030-01-01'), 'lapsed'],
  ])('%s', (_name, record, now, status) => {
    expect(checkStatusOf('dbs', record, accepted, now).status).toBe(status);
  });

  it('a renewal waiting for verification leaves the verified check counting, and says it waits', () => {
    const record = { verified: { datedOn: at('2024-01-15') }, waiting: { datedOn: at('2026-12-01') } };
    expect(checkStatusOf('dbs', record, accepted, at('2026-12-20'))).toEqual({ status: 'due_soon', lapsesOn: lapse, waiting: true });
    expect(checkStatusOf('dbs', record, accepted, lapse).status).toBe('lapsed');
  });

  it('a verified check that nothing ends is current', () => {
    expect(checkStatusOf('dpa', { verified: { datedOn: at('2020-01-01') } }, accepted, at('2040-01-01')).status).toBe('current');
  });
});

describe('a listing’s checks in brief', () => {
  const records = (entries: [CheckKind, CheckRecordFacts][]) => new Map(entries);

  it('says nothing when its type needs no check', () => {
    expect(listingCheckSummary([], records([]), accepted)).toEqual({ state: null, lapsesOn: null });
  });

  it('is incomplete while a required check was never verified (only sent, or nothing)', () => {
    expect(listingCheckSummary(['dbs', 'safeguarding'], records([['dbs', { verified: { datedOn: at('2025-01-01') } }], ['safeguarding', { waiting: { datedOn: at('2025-01-01') } }]]), accepted).state).toBe('incomplete');
    expect(listingCheckSummary(['insurance'], records([]), accepted).state).toBe('incomplete');
  });

  it('lapses when its first required check lapses; a check not required does not count', () => {
    const summary = listingCheckSummary(
      ['dbs', 'safeguarding'],
      records([
        ['dbs', { verified: { datedOn: at('2025-01-01') } }],
        ['safeguarding', { verified: { datedOn: at('2025-06-01') } }],
        ['insurance', { verified: { endsOn: at('2025-07-01') } }],
      ]),
      accepted,
    );
    expect(summary).toEqual({ state: 'verified', lapsesOn: at('2027-06-01') });
  });

  it('holds a listing back from the directory while incomplete, and from the day a check lapses', () => {
    const lapsesOn = at('2027-06-01');
    expect(checksHoldBack({ checksState: 'incomplete' }, at('2026-01-01'))).toBe(true);
    expect(checksHoldBack({ checksState: 'verified', checksLapseOn: lapsesOn }, new Date(lapsesOn.getTime() - 1))).toBe(false);
    expect(checksHoldBack({ checksState: 'verified', checksLapseOn: lapsesOn }, lapsesOn)).toBe(true);
    expect(checksHoldBack({}, at('2026-01-01'))).toBe(false);
  });

  it('is "up to date" only when checks are required and all are verified and current', () => {
    expect(checksUpToDate({ checksState: 'verified', checksLapseOn: at('2027-06-01') }, at('2027-05-31T23:00:00Z'))).toBe(true);
    expect(checksUpToDate({ checksState: 'verified', checksLapseOn: at('2027-06-01') }, at('2027-06-01'))).toBe(false);
    expect(checksUpToDate({ checksState: 'verified' }, at('2040-01-01'))).toBe(true);
    expect(checksUpToDate({ checksState: 'incomplete' }, at('2026-01-01'))).toBe(false);
    expect(checksUpToDate({}, at('2026-01-01'))).toBe(false);
  });

  it('decides the directory with everything else: an approved listing leaves on the day its check lapses', () => {
    const listing = { status: 'approved', checksState: 'verified', checksLapseOn: at('2027-06-01') };
    expect(isListedInDirectory(listing, at('2027-05-31T23:59:59Z'), 30)).toBe(true);
    expect(isListedInDirectory(listing, at('2027-06-01T00:00:00Z'), 30)).toBe(false);
    expect(isListedInDirectory({ status: 'approved', checksState: 'incomplete' }, at('2026-01-01'), 30)).toBe(false);
    expect(isListedInDirectory({ status: 'approved' }, at('2026-01-01'), 30)).toBe(true);
  });
});

describe('reminders', () => {
  const lapse = at('2027-01-15');
  it.each<[string, number, ReturnType<typeof reminderDue>]>([
    ['31 days before: none', 31 * DAY, null],
    ['30 days before: the 30-day reminder', 30 * DAY, 30],
    ['8 days before: still the 30-day one', 8 * DAY, 30],
    ['7 days before: the 7-day reminder', 7 * DAY, 7],
    ['a moment before: the 7-day reminder', 1, 7],
    ['on the day: lapsed', 0, 'lapsed'],
  ])('%s', (_name, before, expected) => {
    expect(reminderDue(lapse, new Date(lapse.getTime() - before))).toBe(expected);
  });
});

describe('the record-a-check form', () => {
  const today = at('2026-03-10');
  const date = (name: string, value: string) => {
    const [day, month, year] = value.split(' ');
    return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
  };
  const problems = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    Object.fromEntries((result.error?.issues ?? []).map((issue) => [String(issue.path[0]), issue.message]));

  it('takes a DBS check with its update-service answer and renewal date', () => {
    const result = checkFormSchema('dbs', today).safeParse({ ...date('datedOn', '15 1 2025'), updateService: 'yes', ...date('updateServiceRenewsOn', '15 1 2027') });
    expect(result.data).toEqual({ datedOn: at('2025-01-15'), updateService: true, updateServiceRenewsOn: at('2027-01-15') });
  });

  it('refuses a missing, unreal or future date and an unanswered update-service question', () => {
    expect(problems(checkFormSchema('dbs', today).safeParse({}))).toEqual({
      datedOn: 'Enter the date of issue on the certificate, or of the latest update-service status check',
      updateService: 'Select yes if the certificate is on the DBS update service',
    });
    expect(problems(checkFormSchema('safeguarding', today).safeParse(date('datedOn', '31 2 2025'))).datedOn).toBe('The date must be a real date, like 15 1 2025');
    expect(problems(checkFormSchema('safeguarding', today).safeParse(date('datedOn', '11 3 2026'))).datedOn).toBe('The date must be today or in the past');
    expect(checkFormSchema('safeguarding', today).safeParse(date('datedOn', '10 3 2026')).success).toBe(true);
  });

  it('needs insurance cover that has not ended, and an agreement end date after its signing', () => {
    expect(problems(checkFormSchema('insurance', today).safeParse({})).endsOn).toBe('Enter the last day of cover');
    expect(problems(checkFormSchema('insurance', today).safeParse(date('endsOn', '9 3 2026'))).endsOn).toMatch(/has passed/);
    expect(checkFormSchema('insurance', today).safeParse(date('endsOn', '10 3 2026')).data).toEqual({ endsOn: today });
    expect(problems(checkFormSchema('dpa', today).safeParse({ ...date('datedOn', '1 3 2026'), ...date('endsOn', '10 3 2026') }))).toEqual({});
    expect(checkFormSchema('dpa', today).safeParse(date('datedOn', '1 3 2026')).data).toEqual({ datedOn: at('2026-03-01') });
  });
});

describe('the LA’s rules form', () => {
  it('takes provider types per check and months, empty months meaning no expiry from the date', () => {
    const result = requirementsSchema.safeParse({ dbs: ['lle', 'sle'], safeguarding: 'lle', dbsMonths: '36', safeguardingMonths: '', version: '' });
    expect(result.data).toEqual({
      requiredFor: { dbs: ['lle', 'sle'], safeguarding: ['lle'], insurance: [], dpa: [] },
      accepted: { dbs: 36, safeguarding: null },
      version: undefined,
    });
  });

  it('refuses an unknown provider type and months out of range', () => {
    const result = requirementsSchema.safeParse({ insurance: ['no-such-type'], dbsMonths: '0', safeguardingMonths: '12.5' });
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual(['dbsMonths', 'insurance', 'safeguardingMonths']);
  });
});
