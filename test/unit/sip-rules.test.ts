import { licenceStanding, licenceTag, licenceText, mayTakeNewSchools } from '../../src/features/sips/licence-standing';
import { canEditSipProfile, canGiveSipFeedback, canReadSipFeedback, canRecordSipLicence, canViewSipProfile } from '../../src/features/sips/sip-access';
import { capacityOf, capacityText, rankSips, type SchoolToMatch, type SipCandidate } from '../../src/features/sips/sip-matching';
import { sipFeedbackSchema, sipLicenceSchema } from '../../src/features/sips/sips.schemas';
import { ROLES, type Role, type SessionUser } from '../../src/web/identity';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const NOW = new Date('2026-05-10T14:30:00Z');

describe('a SIP’s licence to practise', () => {
  it.each([
    [undefined, 'not_recorded', undefined],
    ['2026-12-01', 'current', 205],
    ['2026-06-10', 'current', 31],
    ['2026-06-09', 'renewal_due', 30],
    ['2026-06-08', 'renewal_due', 29],
    ['2026-05-10', 'renewal_due', 0],
    ['2026-05-09', 'lapsed', -1],
  ])('renewing on %s stands as %s on 10 May 2026 with 30 days’ notice', (renewal, state, daysLeft) => {
    const standing = licenceStanding(renewal ? day(renewal) : undefined, NOW, 30);
    expect(standing.state).toBe(state);
    expect(standing.daysLeft).toBe(daysLeft);
  });

  it('holds through its renewal date and lapses the next day, whatever the hour', () => {
    expect(licenceStanding(day('2026-05-10'), new Date('2026-05-10T23:59:59Z'), 30).state).toBe('renewal_due');
    expect(licenceStanding(day('2026-05-10'), new Date('2026-05-11T00:00:00Z'), 30).state).toBe('lapsed');
  });

  it('keeps new schools from a SIP only once the licence has lapsed', () => {
    expect(mayTakeNewSchools(licenceStanding(day('2026-05-09'), NOW, 30))).toBe(false);
    for (const renewal of [undefined, day('2026-05-10'), day('2027-01-01')]) expect(mayTakeNewSchools(licenceStanding(renewal, NOW, 30))).toBe(true);
  });

  it('says where it stands in words, and flags all but a current licence', () => {
    expect(licenceText(licenceStanding(day('2026-05-09'), NOW, 30))).toBe('Licence to practise lapsed: its renewal date, 9 May 2026, has passed');
    expect(licenceText(licenceStanding(day('2026-05-20'), NOW, 30))).toBe('Licence to practise due for renewal by 20 May 2026 (in 10 days)');
    expect(licenceText(licenceStanding(day('2026-12-01'), NOW, 30))).toBe('Licence to practise current to 1 December 2026');
    expect(licenceTag(licenceStanding(day('2026-05-09'), NOW, 30))).toEqual({ text: 'Licence lapsed', colour: 'red' });
    expect(licenceTag(licenceStanding(undefined, NOW, 30))).toEqual({ text: 'Licence not recorded', colour: 'grey' });
    expect(licenceTag(licenceStanding(day('2026-12-01'), NOW, 30))).toBeUndefined();
  });
});

describe('a SIP’s capacity', () => {
  it('counts committed days as the LA’s days per school times the open schools in the caseload', () => {
    expect(capacityOf({ capacityDays: 20, caseloadSchools: 3 }, 5, true)).toMatchObject({ kind: 'counted', committed: 15, remaining: 5, hasRoom: true });
    expect(capacityOf({ capacityDays: 20, caseloadSchools: 4 }, 5, true)).toMatchObject({ remaining: 0, hasRoom: false });
    // The schools they have fit, even with nothing left for another.
    expect(capacityOf({ capacityDays: 20, caseloadSchools: 4 }, 5, false)).toMatchObject({ remaining: 0, hasRoom: true });
    expect(capacityText(capacityOf({ capacityDays: 20, caseloadSchools: 3 }, 5, true))).toBe('5 days left of 20 a year (3 schools × 5 days)');
    expect(capacityText(capacityOf({ capacityDays: 20, caseloadSchools: 4 }, 5, true))).toBe('No room: 20 days of 20 a year committed (4 schools × 5 days)');
  });

  it('invents nothing when the SIP’s capacity or the days per school are not set', () => {
    expect(capacityText(capacityOf({ capacityDays: undefined, caseloadSchools: 2 }, 5, true))).toBe('Capacity not set (2 schools in their caseload)');
    expect(capacityText(capacityOf({ capacityDays: 20, caseloadSchools: 1 }, undefined, true))).toBe(
      'Capacity 20 days a year; 1 school in their caseload (days per school not set, so days left are not counted)',
    );
  });
});

const primary = { slug: 'primary', label: 'Primary' };
const secondary = { slug: 'secondary', label: 'Secondary' };
const literacy = { slug: 'english-and-literacy', label: 'English and literacy' };
const earlyYears = { slug: 'early-years', label: 'Early years (EYFS)' };
const leadership = { slug: 'leadership-and-management', label: 'Leadership and management' };
const current = licenceStanding(day('2027-01-01'), NOW, 30);

const sip = (name: string, overrides: Partial<SipCandidate> = {}): SipCandidate => ({
  id: name.toLowerCase(),
  name,
  phases: [primary],
  specialisms: [],
  capacityDays: 20,
  caseloadSchools: 1,
  hasThisSchool: false,
  licence: current,
  ...overrides,
});

const school: SchoolToMatch = {
  phase: primary,
  priorities: [
    { slug: 'phonics-outcomes-falling', label: 'Phonics outcomes are falling', categories: ['english-and-literacy', 'early-years'] },
    { slug: 'new-headteacher-needs-mentoring', label: 'New headteacher needs mentoring', categories: ['leadership-and-management'] },
  ],
};

const order = (candidates: SipCandidate[], daysPerSchool: number | undefined = 5) => rankSips(school, candidates, daysPerSchool).ranked.map((ranked) => ranked.name);

describe('ranking SIPs for a school', () => {
  it('puts a SIP who works in the school’s phase first', () => {
    expect(order([sip('Secondary Sam', { phases: [secondary], specialisms: [literacy, leadership] }), sip('Primary Pat')])).toEqual(['Primary Pat', 'Secondary Sam']);
  });

  it('then ranks by how many of the school’s priorities their specialisms address, and names them', () => {
    const { ranked } = rankSips(school, [sip('One', { specialisms: [earlyYears] }), sip('Two', { specialisms: [literacy, leadership] }), sip('None')], 5);
    expect(ranked.map((r) => r.name)).toEqual(['Two', 'One', 'None']);
    expect(ranked[0]!.reasons).toEqual(
      expect.arrayContaining([
        'Works in the primary phase',
        'Specialism for “Phonics outcomes are falling”: English and literacy',
        'Specialism for “New headteacher needs mentoring”: Leadership and management',
      ]),
    );
    expect(ranked[2]!.reasons).toContain('No specialism matches the school’s priorities');
  });

  it('then puts room for the school before capacity not counted, and that before no room', () => {
    expect(order([sip('Full', { caseloadSchools: 4 }), sip('Unset', { capacityDays: undefined }), sip('Room', { caseloadSchools: 3 })])).toEqual(['Room', 'Unset', 'Full']);
  });

  it('then a licence on record, then the most days left, then the fewest schools, then by name', () => {
    expect(order([sip('Unrecorded', { licence: licenceStanding(undefined, NOW, 30) }), sip('Recorded')])).toEqual(['Recorded', 'Unrecorded']);
    expect(order([sip('Five left', { caseloadSchools: 3 }), sip('Fifteen left', { caseloadSchools: 1 })])).toEqual(['Fifteen left', 'Five left']);
    expect(order([sip('Three', { capacityDays: undefined, caseloadSchools: 3 }), sip('One', { capacityDays: undefined, caseloadSchools: 1 })])).toEqual(['One', 'Three']);
    expect(order([sip('Bea'), sip('Ada')])).toEqual(['Ada', 'Bea']);
  });

  it('never suggests a SIP whose licence has lapsed, and says why', () => {
    const lapsed = licenceStanding(day('2026-05-01'), NOW, 30);
    const { ranked, notSuggested } = rankSips(school, [sip('Lapsed', { licence: lapsed, specialisms: [literacy, leadership] }), sip('Plain')], 5);
    expect(ranked.map((r) => r.name)).toEqual(['Plain']);
    expect(notSuggested).toEqual([
      { id: 'lapsed', name: 'Lapsed', hasThisSchool: false, reason: 'Licence to practise lapsed: its renewal date, 1 May 2026, has passed, so they are not offered for new schools' },
    ]);
  });

  it('counts a school already theirs as committed, so their own school never reads as no room', () => {
    const { ranked } = rankSips(school, [sip('Theirs', { caseloadSchools: 4, hasThisSchool: true })], 5);
    expect(ranked[0]!.capacity).toMatchObject({ hasRoom: true });
    expect(ranked[0]!.reasons[0]).toBe('The school’s SIP now');
  });

  it('says so when the school’s phase or priorities are not recorded, rather than guessing', () => {
    const { ranked } = rankSips({ phase: undefined, priorities: [] }, [sip('Any', { specialisms: [literacy] })], undefined);
    expect(ranked[0]!.reasons).toEqual([
      'The school’s phase is not recorded, so phase is not compared',
      'No priorities recorded for the school, so specialisms are not compared',
      'Capacity 20 days a year; 1 school in their caseload (days per school not set, so days left are not counted)',
      'Licence to practise current to 1 January 2027',
    ]);
  });
});

const user = (role: Role, id = `${role}-1`, schoolId?: string): SessionUser => ({
  id,
  name: role,
  email: `${role}@test.example`,
  role,
  schoolIds: schoolId ? [schoolId] : [],
  actingSchoolId: schoolId,
  mustChangePassword: false,
});

describe('who may do what with SIPs', () => {
  it('lets a SIP see and edit only their own profile, and Traded Services any', () => {
    expect(canViewSipProfile(user('sip', 'sip-1'), 'sip-1')).toBe(true);
    expect(canEditSipProfile(user('sip', 'sip-1'), 'sip-1')).toBe(true);
    expect(canViewSipProfile(user('sip', 'sip-2'), 'sip-1')).toBe(false);
    expect(canEditSipProfile(user('sip', 'sip-2'), 'sip-1')).toBe(false);
    expect(canEditSipProfile(user('traded_services'), 'sip-1')).toBe(true);
    for (const role of ['school', 'provider'] as const) expect(canViewSipProfile(user(role), 'sip-1')).toBe(false);
  });

  it('leaves the licence and heads’ feedback to Traded Services', () => {
    for (const role of ROLES) {
      expect(canRecordSipLicence(user(role))).toBe(role === 'traded_services');
      expect(canReadSipFeedback(user(role))).toBe(role === 'traded_services');
    }
  });

  it('lets a school give feedback only on its own SIP', () => {
    const school = { _id: 'school-a', sip: 'sip-1' };
    expect(canGiveSipFeedback(user('school', 'head', 'school-a'), school)).toBe(true);
    expect(canGiveSipFeedback(user('school', 'head', 'school-b'), school)).toBe(false);
    expect(canGiveSipFeedback(user('school', 'head', 'school-a'), { _id: 'school-a', sip: undefined })).toBe(false);
    for (const role of ['sip', 'provider', 'traded_services'] as const) expect(canGiveSipFeedback(user(role, 'x', 'school-a'), school)).toBe(false);
  });
});

describe('the SIP forms', () => {
  it('needs a real renewal date and a capacity in whole or half days', () => {
    const valid = { 'renewalDate-day': '31', 'renewalDate-month': '8', 'renewalDate-year': '2027', capacityDays: '12.5', reference: 'SIP-0142' };
    expect(sipLicenceSchema.parse(valid)).toEqual({ reference: 'SIP-0142', renewalDate: day('2027-08-31'), capacityDays: 12.5 });
    expect(sipLicenceSchema.parse({ ...valid, capacityDays: '' }).capacityDays).toBeUndefined();
    const wrong = sipLicenceSchema.safeParse({ ...valid, 'renewalDate-day': '31', 'renewalDate-month': '2', capacityDays: '-1' });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(['capacityDays', 'renewalDate']);
  });

  it('needs all three ratings from 1 to 5; the comment is optional', () => {
    expect(sipFeedbackSchema.parse({ challenge: '4', evaluation: '5', brokering: '1' })).toEqual({ challenge: 4, evaluation: 5, brokering: 1, comment: '' });
    const missing = sipFeedbackSchema.safeParse({ challenge: '6', evaluation: '5' });
    expect(missing.error!.issues.map((issue) => issue.message)).toEqual(['Select a rating for challenge and support', 'Select a rating for brokering support']);
  });
});
