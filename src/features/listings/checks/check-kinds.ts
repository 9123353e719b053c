/**
 * The checks Traded Services may require of a provider before its listing is in the directory. What
 * each needs recorded, and how its validity ends, is in check-status.ts; which provider types need which
 * check, and how long a dated check is accepted for, is the LA's setting (check-requirements.model.ts).
 */
export const CHECK_KINDS = ['dbs', 'safeguarding', 'insurance', 'dpa'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const CHECK_LABELS: Record<CheckKind, string> = {
  dbs: 'Enhanced DBS check',
  safeguarding: 'Safeguarding training',
  insurance: 'Public liability and professional indemnity insurance',
  dpa: 'Data-processing agreement',
};

/** In a sentence: "your enhanced DBS check". */
export const CHECK_NAMES: Record<CheckKind, string> = {
  dbs: 'enhanced DBS check',
  safeguarding: 'safeguarding training',
  insurance: 'insurance',
  dpa: 'data-processing agreement',
};

/** What the evidence document is, for the form's hint. */
export const CHECK_EVIDENCE: Record<CheckKind, string> = {
  dbs: 'the DBS certificate (or the update-service status check)',
  safeguarding: 'the training certificate or record',
  insurance: 'the insurance schedule or certificate showing both covers',
  dpa: 'the signed agreement',
};

/** Checks whose date is accepted for a number of months the LA sets; the others carry their own end date. */
export const DATED_CHECKS = ['dbs', 'safeguarding'] as const satisfies readonly CheckKind[];
export type DatedCheck = (typeof DATED_CHECKS)[number];

export function isCheckKind(value: string): value is CheckKind {
  return (CHECK_KINDS as readonly string[]).includes(value);
}
