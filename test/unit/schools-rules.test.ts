import { calendarDate, parseDayMonthYear } from '../../src/lib/dates';
import { SCHEME_PRESETS, type SchemePresetKey } from '../../src/features/schools/support-scheme.presets';
import proj4 from 'proj4';
import { BRITISH_NATIONAL_GRID, latLongFromGrid } from '../../src/features/schools/gias/british-national-grid';

// Latitude/longitude on the grid's own datum, so proj4 applies the projection and no datum shift.
const OSGB36_LATITUDE_LONGITUDE = `+proj=longlat ${BRITISH_NATIONAL_GRID.split(' ').filter((part) => /^\+(ellps|towgs84)=/.test(part)).join(' ')} +no_defs`;
import { cell, schoolFromGiasRecord, SKIP_REASONS } from '../../src/features/schools/gias/gias-row';
import { nextTermlyReview } from '../../src/features/schools/review-dates';
import { schemeLevelSchema, supportLevelSchema } from '../../src/features/schools/schools.schemas';
import { entitlementPhrases } from '../../src/features/schools/level-entitlement';

describe('British National Grid to latitude and longitude', () => {
  // OS "A guide to coordinate systems in Great Britain", worked example (Caister water tower):
  // E 651409.903, N 313177.270 is 52°39′27.2531″N 1°43′4.5177″E on the OSGB36 datum.
  const caister = { easting: 651409.903, northing: 313177.27, latitude: 52 + 39 / 60 + 27.2531 / 3600, longitude: 1 + 43 / 60 + 4.5177 / 3600 };

  it('uses the exact British National Grid projection (the OS worked example, to a few centimetres)', () => {
    const [longitude, latitude] = proj4(BRITISH_NATIONAL_GRID, OSGB36_LATITUDE_LONGITUDE, [caister.easting, caister.northing]);
    expect(latitude).toBeCloseTo(caister.latitude, 6);
    expect(longitude).toBeCloseTo(caister.longitude, 6);
  });

  it('gives WGS84 (GPS, web maps) coordinates to within a few metres', () => {
    // The same point in ETRS89 (the same as WGS84 to within a metre in Britain), from the guide's OSTN15
    // example: 52°39′28.8282″N 1°42′57.8663″E. The 7-parameter shift we use is good to about 5 metres.
    const point = latLongFromGrid(caister.easting, caister.northing)!;
    expect(point.latitude).toBeCloseTo(52 + 39 / 60 + 28.8282 / 3600, 4);
    expect(point.longitude).toBeCloseTo(1 + 42 / 60 + 57.8663 / 3600, 4);
  });

  it('refuses points off the grid', () => {
    expect(latLongFromGrid(-5, 100)).toBeNull();
    expect(latLongFromGrid(Number.NaN, 100)).toBeNull();
  });
});

describe('dates', () => {
  it('reads DD-MM-YYYY and refuses days that do not exist', () => {
    expect(parseDayMonthYear('31-08-1992')).toEqual(new Date(Date.UTC(1992, 7, 31)));
    expect(parseDayMonthYear('31-02-2020')).toBeNull();
    expect(parseDayMonthYear('2020-02-01')).toBeNull();
    expect(calendarDate(2024, 2, 29)).toEqual(new Date(Date.UTC(2024, 1, 29)));
  });

  it('puts the default review at the end of the current term', () => {
    expect(nextTermlyReview(new Date(Date.UTC(2026, 9, 5)))).toEqual(new Date(Date.UTC(2026, 11, 20)));
    expect(nextTermlyReview(new Date(Date.UTC(2026, 11, 21)))).toEqual(new Date(Date.UTC(2027, 2, 31)));
    expect(nextTermlyReview(new Date(Date.UTC(2027, 4, 1)))).toEqual(new Date(Date.UTC(2027, 6, 20)));
    expect(nextTermlyReview(new Date(Date.UTC(2027, 6, 20)))).toEqual(new Date(Date.UTC(2027, 11, 20)));
  });
});

describe('a GIAS row', () => {
  const row = (overrides: Record<string, string> = {}) => ({
    URN: '123456',
    EstablishmentName: 'École Saint-Étienne',
    'LA (code)': '803',
    'LA (name)': 'South Gloucestershire',
    'TypeOfEstablishment (code)': '1',
    'TypeOfEstablishment (name)': 'Community school',
    'EstablishmentStatus (code)': '1',
    'PhaseOfEducation (name)': 'Primary',
    OpenDate: '01-09-2010',
    CloseDate: '',
    NumberOfPupils: '210',
    'Trusts (name)': 'Not applicable',
    Street: 'School Lane',
    Town: 'Yate',
    Postcode: 'bs37 4aa',
    Easting: '371000',
    Northing: '182000',
    ...overrides,
  });

  it('treats "Not applicable" and friends as empty', () => {
    for (const placeholder of ['Not applicable', 'Does not apply', ' not recorded ', '']) {
      expect(cell({ x: placeholder }, 'x')).toBeUndefined();
    }
    expect(cell({ x: ' Yate ' }, 'x')).toBe('Yate');
  });

  it('maps the columns by name into a school', () => {
    const outcome = schoolFromGiasRecord(row());
    expect(outcome).toMatchObject({
      kind: 'school',
      school: {
        urn: '123456',
        name: 'École Saint-Étienne',
        laCode: '803',
        status: 'open',
        openedOn: new Date(Date.UTC(2010, 8, 1)),
        pupils: 210,
        trust: undefined,
        address: ['School Lane', 'Yate'],
        postcode: 'BS37 4AA',
        grid: { easting: 371000, northing: 182000 },
      },
    });
    expect(outcome.kind === 'school' && outcome.school.location?.latitude).toBeCloseTo(51.53, 1);
  });

  it('keeps the grid reference only when both figures are on the grid', () => {
    for (const overrides of [{ Easting: '' }, { Northing: 'Not applicable' }, { Easting: '-5' }, { Northing: 'north' }] as Record<string, string>[]) {
      const outcome = schoolFromGiasRecord(row(overrides));
      expect(outcome.kind === 'school' && outcome.school.grid).toBeUndefined();
    }
  });

  it('records a closed school as closed, with its closing date', () => {
    expect(schoolFromGiasRecord(row({ 'EstablishmentStatus (code)': '2', CloseDate: '31-08-2020' }))).toMatchObject({
      kind: 'school',
      school: { status: 'closed', closedOn: new Date(Date.UTC(2020, 7, 31)) },
    });
  });

  it('skips establishments outside English local authorities, saying why', () => {
    expect(schoolFromGiasRecord(row({ 'TypeOfEstablishment (code)': '37', 'LA (code)': '0' }))).toEqual({ kind: 'skipped', reason: 'overseas' });
    expect(schoolFromGiasRecord(row({ 'TypeOfEstablishment (code)': '30', 'LA (code)': '673' }))).toEqual({ kind: 'skipped', reason: 'welsh' });
    expect(schoolFromGiasRecord(row({ 'LA (code)': '999' }))).toEqual({ kind: 'skipped', reason: 'noEnglishLa' });
    expect(schoolFromGiasRecord(row(), { laCodes: new Set(['878']) })).toEqual({ kind: 'skipped', reason: 'otherLa' });
    expect(SKIP_REASONS.overseas).toContain('British school overseas');
  });

  it('fails a row with a bad URN or status, with the problem', () => {
    expect(schoolFromGiasRecord(row({ URN: '12x' }))).toEqual({ kind: 'failed', problem: 'URN "12x" is not a 6-digit number' });
    expect(schoolFromGiasRecord(row({ 'EstablishmentStatus (code)': '9' }))).toMatchObject({ kind: 'failed' });
  });
});

describe('support level forms', () => {
  it('needs a level, a reason and a real review date', () => {
    const result = supportLevelSchema.safeParse({ level: '', reason: ' ', 'reviewDue-day': '31', 'reviewDue-month': '2', 'reviewDue-year': '2027' });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((issue) => issue.path[0]);
    expect(fields).toEqual(expect.arrayContaining(['level', 'reason']));
    const ok = supportLevelSchema.parse({ level: '2', reason: 'New head', 'reviewDue-day': '20', 'reviewDue-month': '12', 'reviewDue-year': '2026' });
    expect(ok.reviewDue).toEqual(new Date(Date.UTC(2026, 11, 20)));
  });

  it('reads an optional entitlement in days', () => {
    expect(schemeLevelSchema.parse({ label: 'Vulnerable', entitlementDays: '' }).entitlementDays).toBeUndefined();
    expect(schemeLevelSchema.parse({ label: 'Vulnerable', entitlementDays: '10' }).entitlementDays).toBe(10);
    expect(schemeLevelSchema.safeParse({ label: 'Vulnerable', entitlementDays: 'ten' }).success).toBe(false);
  });
});

describe('support-level presets', () => {
  // Seeds 001 (South Gloucestershire) and 003 (Derby): a number the source does not give is left for the LA.
  it('give days of support only where their sources do', () => {
    const days = (key: SchemePresetKey) => Object.fromEntries(SCHEME_PRESETS[key].levels.map((level) => [level.code, (level as { entitlementDays?: number }).entitlementDays]));
    expect(days('south_gloucestershire')).toEqual({ '1': undefined, '2': undefined, '3': undefined });
    expect(days('derby')).toEqual({ '1': undefined, '2': undefined, '3a': undefined, '3b': 10, '4': 30, '1TV': undefined, '2TV': undefined });
  });

  it('give visits only where their sources do', () => {
    type Visits = { visitsPerYear?: number; visitsWithoutPackage?: number };
    const visits = (key: SchemePresetKey) =>
      Object.fromEntries(SCHEME_PRESETS[key].levels.map((level) => [level.code, [(level as Visits).visitsPerYear, (level as Visits).visitsWithoutPackage]]));
    expect(Object.values(visits('south_gloucestershire')).flat().filter((value) => value !== undefined)).toEqual([]);
    // Derby: "3 visits (1 for schools not purchasing package)" for 1 and 2, "at least 3" for 3a; 1TV and 2TV "as for category 1 or 2".
    expect(visits('derby')).toEqual({ '1': [3, 1], '2': [3, 1], '3a': [3, undefined], '3b': [undefined, undefined], '4': [undefined, undefined], '1TV': [3, 1], '2TV': [3, 1] });
  });
});

describe('what a support level promises, in words', () => {
  it('names days and visits only where the level sets them', () => {
    expect(entitlementPhrases({})).toEqual([]);
    expect(entitlementPhrases({ entitlementDays: 10 })).toEqual(['Up to 10 days of LA-funded support a year']);
    expect(entitlementPhrases({ entitlementDays: 1, visitsPerYear: 1 })).toEqual(['Up to 1 day of LA-funded support a year', '1 visit a year from the LA’s officer']);
    expect(entitlementPhrases({ visitsPerYear: 3, visitsWithoutPackage: 1 })).toEqual(['3 visits a year from the LA’s officer (1 for schools not buying the package)']);
    // Zero is a promise of none, stated; empty is not set.
    expect(entitlementPhrases({ entitlementDays: 0, visitsPerYear: null })).toEqual(['Up to 0 days of LA-funded support a year']);
  });
});
