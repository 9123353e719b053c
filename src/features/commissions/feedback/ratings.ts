/** The four impact ratings (1–5) a school gives when a commission ends: plain data any layer above may use. */
export const RATINGS = ['quality', 'impact', 'value', 'recommend'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  quality: 'Quality of support',
  impact: 'Impact on pupils’ outcomes',
  value: 'Value for money',
  recommend: 'Would recommend',
};

/** Feedback whose four ratings average below 3 is "low": Traded Services look into it. */
const LOW_AVERAGE = 3;
export const averageRating = (ratings: Record<Rating, number>) => RATINGS.reduce((sum, rating) => sum + ratings[rating], 0) / RATINGS.length;
export const isLowRated = (ratings: Record<Rating, number>) => averageRating(ratings) < LOW_AVERAGE;

/** How far the support met the objectives agreed for it: asked beside the objectives on the feedback form. */
export const OBJECTIVES_MET = ['met', 'partly', 'not_met'] as const;
export type ObjectivesMet = (typeof OBJECTIVES_MET)[number];
export const OBJECTIVES_MET_LABELS: Record<ObjectivesMet, string> = { met: 'Met', partly: 'Partly met', not_met: 'Not met' };
