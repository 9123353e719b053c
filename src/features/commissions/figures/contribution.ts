import { isDeepStrictEqual } from 'node:util';
import type { Types } from 'mongoose';
import { AGREED_STATUSES, type CommissionStatus } from '../commission-status';
import { RATINGS, type Rating } from '../feedback/ratings';

/**
 * What one commission, as it stands at one version, adds to the report figures: its days and spend once
 * agreed (accepted onwards), and its feedback ratings once evaluated. A status step changes the figures
 * by exactly `after − before`, which is what the step records (figure-deltas.ts).
 */
export type Contribution = {
  school: string;
  agreed?: { term: string; level: string | null; providerType: string; route: string; funding: string; days: number; cost: number; categories: string[] };
  rating?: { term: string; level: string | null; listingName: string; categories: string[]; scores: Record<Rating, number> };
};

/** A step's change to the figures; absent when the step changes none (most steps). */
export type FiguresChange = { before: Contribution; after: Contribution };

export type ContributingCommission = {
  school: Types.ObjectId | string;
  status: string;
  termKey: string;
  supportLevel?: string | null;
  providerType: string;
  route: string;
  funding: string;
  days: number;
  costPence: number;
  categories?: string[] | null;
};

/** The feedback fields the figures use (copied from the commission when the feedback was given). */
export type ContributingFeedback = {
  termKey: string;
  supportLevel?: string | null;
  listingName: string;
  categories?: string[] | null;
  ratings: Record<Rating, number>;
};

export function contributionOf(commission: ContributingCommission, feedback?: ContributingFeedback | null): Contribution {
  const contribution: Contribution = { school: commission.school.toString() };
  if (AGREED_STATUSES.includes(commission.status as CommissionStatus)) {
    contribution.agreed = {
      term: commission.termKey,
      level: commission.supportLevel ?? null,
      providerType: commission.providerType,
      route: commission.route,
      funding: commission.funding,
      days: commission.days,
      cost: commission.costPence,
      categories: [...(commission.categories ?? [])],
    };
  }
  if (commission.status === 'evaluated' && feedback) {
    contribution.rating = {
      term: feedback.termKey,
      level: feedback.supportLevel ?? null,
      listingName: feedback.listingName,
      categories: [...(feedback.categories ?? [])],
      scores: Object.fromEntries(RATINGS.map((rating) => [rating, feedback.ratings[rating]])) as Record<Rating, number>,
    };
  }
  return contribution;
}

export function figuresChange(before: Contribution, after: Contribution): FiguresChange | undefined {
  return isDeepStrictEqual(before, after) ? undefined : { before, after };
}
