/** Two real LA schemes (domain.md, "School support levels"), offered as starting points. */
export type SchemePreset = {
  name: string;
  levels: { code: string; label: string; description: string; entitlementDays?: number }[];
};

export const SCHEME_PRESETS = {
  south_gloucestershire: {
    name: 'South Gloucestershire',
    levels: [
      { code: '1', label: 'Secure', description: 'Securely good or better; improvement is led by the school itself.' },
      {
        code: '2',
        label: 'Vulnerable',
        description: 'At risk of declining, or not yet securely good; the SIP watches closely and brokers support.',
        entitlementDays: 10,
      },
      {
        code: '3',
        label: 'Causing concern',
        description: 'Judged to require improvement or inadequate, or at serious risk; intensive LA-brokered support.',
        entitlementDays: 30,
      },
    ],
  },
  derby: {
    name: 'Derby',
    levels: [
      { code: '1', label: 'Outstanding', description: 'Outstanding; may support other schools.' },
      { code: '2', label: 'Good', description: 'Good; light-touch monitoring.' },
      { code: '3a', label: 'RI with potential to be good', description: 'Requires improvement, with capacity to become good.', entitlementDays: 10 },
      { code: '3b', label: 'RI', description: 'Requires improvement, with limited capacity to improve alone.', entitlementDays: 20 },
      { code: '4', label: 'Inadequate', description: 'Inadequate; intensive support and challenge.', entitlementDays: 30 },
      { code: '1TV', label: 'Outstanding, temporarily vulnerable', description: 'Outstanding but temporarily vulnerable (for example a new head).', entitlementDays: 5 },
      { code: '2TV', label: 'Good, temporarily vulnerable', description: 'Good but temporarily vulnerable (for example staffing turbulence).', entitlementDays: 10 },
    ],
  },
} as const satisfies Record<string, SchemePreset>;

export type SchemePresetKey = keyof typeof SCHEME_PRESETS;
export const SCHEME_PRESET_KEYS = Object.keys(SCHEME_PRESETS) as SchemePresetKey[];
