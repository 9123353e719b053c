import { z } from 'zod';
import { isAcademicYear } from '../../lib/academic-calendar';
import { formDate } from '../../lib/dates';
import { isMilestoneStatus, PLAN_LIMITS, type MilestoneStatus } from './plan-rules';

/** The longest each written answer may be: the forms show these limits too. */
export const PLAN_TEXT_LIMITS = { words: 1000, objectives: 2000, successCriteria: 2000, milestone: 300, reviewNote: 500 } as const;
const LIMIT = PLAN_TEXT_LIMITS;

const objectId = /^[a-f0-9]{24}$/i;
const optionalText = z.string().trim().optional().default('');

/** The version of the plan the form was based on (a hidden field); anything else reads as out of date. */
const version = z
  .string()
  .optional()
  .transform((value) => (value && /^\d{1,9}$/.test(value) ? Number(value) : -1));

/** One milestone row of the priority form, as typed: `milestone-N-text`, `milestone-N-dueOn-*`, `milestone-N-id`. */
export const milestoneField = (row: number, part: 'text' | 'dueOn' | 'id') => `milestone-${row}-${part}`;

type MilestoneRow = { row: number; id?: string; text: string; dueOn: Date | 'blank' | 'invalid' };

function milestoneRows(body: Record<string, unknown>): MilestoneRow[] {
  const rows: MilestoneRow[] = [];
  for (let row = 1; row <= PLAN_LIMITS.milestonesPerPriority; row++) {
    const text = body[milestoneField(row, 'text')];
    const id = body[milestoneField(row, 'id')];
    rows.push({
      row,
      id: typeof id === 'string' && objectId.test(id) ? id : undefined,
      text: typeof text === 'string' ? text.trim() : '',
      dueOn: formDate(body, milestoneField(row, 'dueOn')),
    });
  }
  return rows;
}

/**
 * A priority: a need from the list or the school's own words (at least one), then optional objectives,
 * success criteria and milestones. A milestone row left empty is no milestone (so clearing a row removes it);
 * a row with either part filled in needs both.
 */
export const priorityFormSchema = z
  .looseObject({
    need: optionalText,
    words: optionalText,
    objectives: optionalText,
    successCriteria: optionalText,
    version,
  })
  .superRefine((form, context) => {
    const issue = (field: string, message: string) => context.addIssue({ code: 'custom', path: [field], message });
    if (form.need.length > 100) issue('need', 'Select a need from the list');
    if (!form.need && !form.words) issue('need', 'Select a need from the list or describe the priority in your own words');
    if (form.words.length > LIMIT.words) issue('words', `The priority must be ${LIMIT.words} characters or fewer`);
    if (form.objectives.length > LIMIT.objectives) issue('objectives', `Objectives must be ${LIMIT.objectives} characters or fewer`);
    if (form.successCriteria.length > LIMIT.successCriteria) issue('successCriteria', `Success criteria must be ${LIMIT.successCriteria} characters or fewer`);
    for (const row of milestoneRows(form)) {
      if (!row.text && row.dueOn === 'blank') continue;
      if (!row.text) issue(milestoneField(row.row, 'text'), `Describe milestone ${row.row}, or clear its date`);
      if (row.text.length > LIMIT.milestone) issue(milestoneField(row.row, 'text'), `Milestone ${row.row} must be ${LIMIT.milestone} characters or fewer`);
      if (row.dueOn === 'blank') issue(milestoneField(row.row, 'dueOn'), `Enter when milestone ${row.row} is due, for example 31 3 2027`);
      if (row.dueOn === 'invalid') issue(milestoneField(row.row, 'dueOn'), `Enter a real date for milestone ${row.row}, for example 31 3 2027`);
    }
  })
  .transform((form): PriorityForm => ({
    need: form.need,
    words: form.words,
    objectives: form.objectives,
    successCriteria: form.successCriteria,
    version: form.version,
    milestones: milestoneRows(form)
      .filter((row): row is MilestoneRow & { dueOn: Date } => row.text !== '' && row.dueOn instanceof Date)
      .map((row) => ({ id: row.id, text: row.text, dueOn: row.dueOn })),
  }));
export type PriorityForm = {
  need: string;
  words: string;
  objectives: string;
  successCriteria: string;
  version: number;
  milestones: { id?: string; text: string; dueOn: Date }[];
};

/** The form fields in page order, for the error summary. */
export const PRIORITY_FIELDS = [
  'need',
  'words',
  'objectives',
  'successCriteria',
  ...Array.from({ length: PLAN_LIMITS.milestonesPerPriority }, (_, i) => [milestoneField(i + 1, 'text'), milestoneField(i + 1, 'dueOn')]).flat(),
];

/** Agreeing, removing a priority and starting a plan carry only the version the page showed. */
export const versionFormSchema = z.object({ version });

export const reviewStatusField = (milestoneId: string) => `status-${milestoneId}`;
export const reviewNoteField = (milestoneId: string) => `note-${milestoneId}`;

export type ReviewForm = { entries: { milestone: string; status: MilestoneStatus; note: string }[] };

/**
 * The termly review of these milestones: a status for any of them (at least one), each with an optional
 * short note. Returns the entries, or the errors by field.
 */
export function parseReviewForm(body: unknown, milestoneIds: readonly string[]): { ok: true; form: ReviewForm } | { ok: false; errors: Record<string, string> } {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const entries: ReviewForm['entries'] = [];
  milestoneIds.forEach((id, index) => {
    const status = fields[reviewStatusField(id)];
    const note = typeof fields[reviewNoteField(id)] === 'string' ? (fields[reviewNoteField(id)] as string).trim() : '';
    if (note.length > LIMIT.reviewNote) errors[reviewNoteField(id)] = `The note on milestone ${index + 1} must be ${LIMIT.reviewNote} characters or fewer`;
    if (status === undefined || status === '') {
      if (note) errors[reviewStatusField(id)] = `Select how milestone ${index + 1} is going, or clear its note`;
      return;
    }
    if (typeof status !== 'string' || !isMilestoneStatus(status)) {
      errors[reviewStatusField(id)] = `Select how milestone ${index + 1} is going`;
      return;
    }
    entries.push({ milestone: id, status, note });
  });
  if (entries.length === 0 && Object.keys(errors).length === 0 && milestoneIds[0]) {
    errors[reviewStatusField(milestoneIds[0])] = 'Select how at least one milestone is going';
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, form: { entries } };
}

/** The plan page's year: any well-formed academic year, else the current one. */
export const planYearSchema = z.object({
  year: z
    .string()
    .optional()
    .catch(undefined)
    .transform((value) => (value && isAcademicYear(value) ? value : undefined)),
});

export const planRefsSchema = z.object({
  plan: z.string().regex(objectId),
  priority: z.string().regex(objectId),
});
