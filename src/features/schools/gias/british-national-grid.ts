import proj4 from 'proj4';
import { isGridReference } from '../../../lib/grid-distance';

// OSGB36 / British National Grid, with the standard 7-parameter Helmert shift to WGS84 (good to
// a few metres, plenty for placing a school on a map or measuring travel distance).
export const BRITISH_NATIONAL_GRID =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
proj4.defs('EPSG:27700', BRITISH_NATIONAL_GRID);
const toWgs84 = proj4('EPSG:27700', 'EPSG:4326');

export type LatLong = { latitude: number; longitude: number };

/** Easting/northing in metres to latitude/longitude (WGS84, 6 decimal places), or null off the grid. */
export function latLongFromGrid(easting: number, northing: number): LatLong | null {
  if (!isGridReference({ easting, northing })) return null;
  const [longitude, latitude] = toWgs84.forward([easting, northing]);
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return { latitude: round(latitude!), longitude: round(longitude!) };
}
