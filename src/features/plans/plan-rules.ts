import { termFor } from '../../lib/academic-calendar';

/** A SIP's judgement of a milestone at a termly review. */
export const MILESTONE_STATUSES = ['on_track', 'some_concern', 'off_track'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

export const MILESTONE_STATUS_LABELS: Record<MilestoneStatus, string> = {
  on_track: 'On track',
  some_concern: 'Some concern',
  off_track: 'Off track',
};

export const MILESTONE_STATUS_COLOURS: Record<MilestoneStatus, string> = { on_track: 'green', some_concern: 'yellow', off_track: 'red' };

export function isMilestoneStatus(value: string): value is MilestoneStatus {
  return (MILESTONE_STATUSES as readonly string[]).includes(value);
}

/** How many priorities a plan holds, and milestones a priority: a plan that prints on one page. */
export const PLAN_LIMITS = { priorities: 6, milestonesPerPriority: 6, blankMilestoneRows: 2 } as const;

export type AgreementState = 'not_agreed' | 'agreed' | 'changed_since_agreed';

export const AGREEMENT_LABELS: Record<AgreementState, string> = {
  not_agreed: 'Not agreed yet',
  agreed: 'Agreed',
  changed_since_agreed: 'Changed since agreed',
};

/**
 * Whether the school has agreed the plan as it stands: it agreed a version, and every edit since adds
 * one to the plan's version, so an edit after agreement shows until the school agrees again.
 */
export function agreementState(plan: { version: number; agreed?: { version: number } | null }): AgreementState {
  if (!plan.agreed) return 'not_agreed';
  return plan.agreed.version === plan.version ? 'agreed' : 'changed_since_agreed';
}

/** A plan waits for the school's agreement once it has a priority and the school has not agreed it as it stands. */
export function awaitsAgreement(plan: { version: number; agreed?: { version: number } | null; priorities: readonly unknown[] }): boolean {
  return plan.priorities.length > 0 && agreementState(plan) !== 'agreed';
}

/** A termly review is due when the plan has milestones and no review has been recorded this term. */
export function termlyReviewDue(plan: { milestones: readonly unknown[] }, reviewTermKeys: readonly string[], now: Date): boolean {
  return plan.milestones.length > 0 && !reviewTermKeys.includes(termFor(now).key);
}

/** What a priority is called: the school's own words, else the need's name from the taxonomy. */
export function priorityTitle(priority: { words?: string | null }, needLabel: string | undefined): string {
  return priority.words || needLabel || 'A priority';
}

export type StartingPriority = { need?: string; words?: string; objectives?: string; successCriteria?: string };

/**
 * What a new year's plan starts from: last year's priorities (without their milestones, which were
 * last year's dates), or else the priorities recorded on the school before plans existed (each need one
 * priority, and the school's own words one more). Either may be missing or partly filled in.
 */
export function startingPriorities(
  previous: readonly StartingPriority[] | undefined,
  legacy: { needs?: readonly string[] | null; notes?: string | null } | null | undefined,
): StartingPriority[] {
  if (previous && previous.length > 0) {
    return previous.map((priority) => ({
      need: priority.need || undefined,
      words: priority.words || undefined,
      objectives: priority.objectives || undefined,
      successCriteria: priority.successCriteria || undefined,
    }));
  }
  const needs = [...new Set((legacy?.needs ?? []).filter((slug) => typeof slug === 'string' && slug !== ''))];
  const notes = (legacy?.notes ?? '').trim();
  return [...needs.map((need) => ({ need })), ...(notes ? [{ words: notes.slice(0, 1000) }] : [])];
}

export type ReviewEntry = { milestone: string; status: MilestoneStatus; note: string };
export type ReviewForRules = { termKey: string; reviewedAt: Date; entries: readonly ReviewEntry[] };

/** Per milestone and term, the entry of the latest review in that term that rated it. */
export function latestStatusByTerm(reviews: readonly ReviewForRules[]): Map<string, Map<string, ReviewEntry & { reviewedAt: Date }>> {
  const byMilestone = new Map<string, Map<string, ReviewEntry & { reviewedAt: Date }>>();
  const inOrder = [...reviews].sort((a, b) => a.reviewedAt.getTime() - b.reviewedAt.getTime());
  for (const review of inOrder) {
    for (const entry of review.entries) {
      const terms = byMilestone.get(entry.milestone) ?? new Map<string, ReviewEntry & { reviewedAt: Date }>();
      terms.set(review.termKey, { ...entry, reviewedAt: review.reviewedAt });
      byMilestone.set(entry.milestone, terms);
    }
  }
  return byMilestone;
}
