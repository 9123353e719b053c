/**
 * Which edits to a published listing need Traded Services to look again. Contact details and capacity
 * change at once; every other pen portrait field (type, expertise and designation among them) waits
 * in a pending revision while the approved version stays visible.
 */
export const REVIEWED_FIELDS = [
  'name', 'providerType', 'organisation', 'employingSchool', 'summary', 'experience', 'expertise', 'phases',
  'subjects', 'contexts', 'offers', 'areas', 'fundedByLa', 'dailyRatePence', 'designation',
] as const;
export type ReviewedField = (typeof REVIEWED_FIELDS)[number];

export const REVIEWED_FIELD_LABELS: Record<ReviewedField, string> = {
  name: 'Name',
  providerType: 'Type of provider',
  organisation: 'Organisation',
  employingSchool: 'Employing school',
  summary: 'Summary',
  experience: 'Experience',
  expertise: 'Areas of expertise',
  phases: 'Phases',
  subjects: 'Subjects',
  contexts: 'School contexts',
  offers: 'Support offered',
  areas: 'Areas covered',
  fundedByLa: 'Funded by the LA',
  dailyRatePence: 'Daily rate',
  designation: 'Designation dates',
};

export type ReviewedValues = Partial<Record<ReviewedField, unknown>>;

/** A value in a form that compares equal whatever way it was stored (ids, dates, list order, blanks). */
export function comparable(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return JSON.stringify(value.map(comparable).sort());
  if (typeof value === 'object') {
    if ('toHexString' in value && typeof value.toHexString === 'function') return String(value.toHexString());
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, comparable(inner)] as const)
      .filter(([, inner]) => inner !== '')
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length === 0 ? '' : JSON.stringify(entries);
  }
  return String(value);
}

/** The reviewed fields whose values differ between the live version and a proposed one, in form order. */
export function changedReviewedFields(live: ReviewedValues, proposed: ReviewedValues): ReviewedField[] {
  return REVIEWED_FIELDS.filter((field) => comparable(live[field]) !== comparable(proposed[field]));
}

export function pickReviewed(values: ReviewedValues): ReviewedValues {
  return Object.fromEntries(REVIEWED_FIELDS.map((field) => [field, values[field]]));
}
