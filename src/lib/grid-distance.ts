/** A point on the British National Grid (OSGB36), in metres east and north of the grid's origin, as GIAS gives it. */
export type GridReference = { easting: number; northing: number };

export const METRES_PER_MILE = 1609.344;

/**
 * Straight-line distance in miles: Pythagoras on the grid. The grid is a flat projection of Great Britain,
 * so over the few tens of miles of one local authority this is within a fraction of a percent of the
 * distance on the ground as the crow flies. It is not the distance by road.
 */
export function straightLineMiles(from: GridReference, to: GridReference): number {
  return Math.hypot(to.easting - from.easting, to.northing - from.northing) / METRES_PER_MILE;
}

/** "3.2 miles", "less than 0.1 miles": one decimal place, as the result cards show it. */
export function milesText(miles: number): string {
  const tenths = Math.round(miles * 10);
  return tenths === 0 ? 'less than 0.1 miles' : `${(tenths / 10).toFixed(1)} miles`;
}

/** A usable grid reference: both figures finite numbers on the grid (0 to 700 km east, 0 to 1,300 km north). */
export function isGridReference(value: unknown): value is GridReference {
  if (!value || typeof value !== 'object') return false;
  const { easting, northing } = value as Record<string, unknown>;
  return (
    typeof easting === 'number' &&
    typeof northing === 'number' &&
    Number.isFinite(easting) &&
    Number.isFinite(northing) &&
    easting >= 0 &&
    easting <= 700_000 &&
    northing >= 0 &&
    northing <= 1_300_000
  );
}
