/** The four impact ratings (1–5) a school gives when a commission ends: plain data any layer above may use. */
export const RATINGS = ['quality', 'impact', 'value', 'recommend'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  quality: 'Quality of support',
  impact: 'Impact on pupils’ outcomes',
  value: 'Value for money',
  recommend: 'Would recommend',
};
