/** Least-squares slope of bytes against minutes. */
function slope(points: { minutes: number; bytes: number }[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.minutes, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.bytes, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.minutes - meanX) * (p.bytes - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.minutes - meanX) ** 2, 0);
  return variance ? covariance / variance : 0;
}

/** Growth above this, sustained to the end of the run, counts as a trend (about 30 MB an hour). */
const TREND_BYTES_PER_MINUTE = 0.5 * 1024 * 1024;

/**
 * How fast memory grows, over the whole run and over its second half. A leak keeps growing to the end;
 * caches and pools filling up grow early and level off, so only growth in both counts as a trend.
 */
export function growthPerMinute(points: { minutes: number; bytes: number }[]): { wholeRun: number; secondHalf: number; growing: boolean } {
  const wholeRun = slope(points);
  const secondHalf = slope(points.slice(Math.floor(points.length / 2)));
  return { wholeRun, secondHalf, growing: wholeRun > TREND_BYTES_PER_MINUTE && secondHalf > TREND_BYTES_PER_MINUTE };
}
