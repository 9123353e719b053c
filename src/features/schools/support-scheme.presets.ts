/**
 * Two real LA schemes (domain.md, "School support levels"), offered as starting points. A preset carries only
 * what its source document says: its levels, their names, what each means or brings, and days or visits of
 * LA support only where the source gives a number. Every other entitlement is left empty for the LA to fill in.
 */
export type SchemePreset = {
  name: string;
  /** Where the levels come from, and what the source does and does not give (shown when choosing). */
  source: string;
  levels: { code: string; label: string; description: string; entitlementDays?: number; visitsPerYear?: number; visitsWithoutPackage?: number }[];
};

export const SCHEME_PRESETS = {
  south_gloucestershire: {
    name: 'South Gloucestershire',
    source:
      'From South Gloucestershire’s Policy for School Improvement: three support levels “agreed in partnership with the school”. The policy gives no days of support for any level: fill in your own.',
    levels: [
      { code: '1', label: 'Secure', description: 'The school is secure in all criteria and does not require centrally funded support.' },
      {
        code: '2',
        label: 'Vulnerable',
        description: 'The school meets a range of externally verifiable criteria (key indicators) which indicate that it is vulnerable, or identifies its own vulnerability.',
      },
      {
        code: '3',
        label: 'Causing concern',
        description: 'An Ofsted category, below floor standards and progress, or a warning notice: in line with the statutory guidance for schools causing concern.',
      },
    ],
  },
  derby: {
    name: 'Derby',
    source:
      'From Derby’s “Derby Winners” models of support: categories 1 and 2 get 3 visits a year from the Senior School Improvement Officer (1 for schools not buying the package), 3a at least 3 visits, 3b up to 10 days and 4 up to 30 days of SSIO/LA team support a year, and 1TV and 2TV as for 1 or 2 plus additional support as required. Days the source does not give are left for you to fill in.',
    levels: [
      {
        code: '1',
        label: 'Outstanding',
        description: '3 visits a year from the Senior School Improvement Officer (1 for schools not buying the package); the LA facilitates its support to other schools.',
        visitsPerYear: 3,
        visitsWithoutPackage: 1,
      },
      {
        code: '2',
        label: 'Good school with potential to become outstanding',
        description: '3 visits a year from the Senior School Improvement Officer (1 for schools not buying the package); the LA facilitates its support to other schools.',
        visitsPerYear: 3,
        visitsWithoutPackage: 1,
      },
      {
        code: '3a',
        label: 'RI school with potential to become good',
        description: 'At least 3 visits a year from the Senior School Improvement Officer (focus as agreed with HMI); support brokered from LA teams as required.',
        visitsPerYear: 3,
      },
      {
        code: '3b',
        label: 'RI (requires improvement)',
        description: 'Up to 10 days of SSIO/LA team support a year; a partner school or other structural solution; NLE/LLE/SLE or lead practitioners.',
        entitlementDays: 10,
      },
      {
        code: '4',
        label: 'Inadequate',
        description: 'Up to 30 days of SSIO/LA team support a year; NLE/LLE/SLE or lead practitioners; a Partnership Board.',
        entitlementDays: 30,
      },
      {
        code: '1TV',
        label: 'Outstanding, temporarily vulnerable',
        description: 'As for category 1 (3 visits a year, 1 for schools not buying the package), plus additional SSIO/LA team support as required.',
        visitsPerYear: 3,
        visitsWithoutPackage: 1,
      },
      {
        code: '2TV',
        label: 'Good, temporarily vulnerable',
        description: 'As for category 2 (3 visits a year, 1 for schools not buying the package), plus additional SSIO/LA team support as required.',
        visitsPerYear: 3,
        visitsWithoutPackage: 1,
      },
    ],
  },
} as const satisfies Record<string, SchemePreset>;

export type SchemePresetKey = keyof typeof SCHEME_PRESETS;
export const SCHEME_PRESET_KEYS = Object.keys(SCHEME_PRESETS) as SchemePresetKey[];
