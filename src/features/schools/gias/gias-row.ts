import { parseDayMonthYear } from '../../../lib/dates';
import { isGridReference, type GridReference } from '../../../lib/grid-distance';
import type { SchoolStatus } from '../school.model';
import { latLongFromGrid, type LatLong } from './british-national-grid';

/** Columns the importer cannot work without; everything else it reads when present. */
export const REQUIRED_COLUMNS = ['URN', 'EstablishmentName', 'LA (code)', 'LA (name)', 'EstablishmentStatus (code)'] as const;

/** GIAS column names, looked up by name (their order and number change between releases). */
const COLUMN = {
  urn: 'URN',
  name: 'EstablishmentName',
  laCode: 'LA (code)',
  laName: 'LA (name)',
  typeCode: 'TypeOfEstablishment (code)',
  type: 'TypeOfEstablishment (name)',
  statusCode: 'EstablishmentStatus (code)',
  openDate: 'OpenDate',
  closeDate: 'CloseDate',
  phase: 'PhaseOfEducation (name)',
  pupils: 'NumberOfPupils',
  trust: 'Trusts (name)',
  street: 'Street',
  locality: 'Locality',
  address3: 'Address3',
  town: 'Town',
  county: 'County (name)',
  postcode: 'Postcode',
  website: 'SchoolWebsite',
  headTitle: 'HeadTitle (name)',
  headFirstName: 'HeadFirstName',
  headLastName: 'HeadLastName',
  easting: 'Easting',
  northing: 'Northing',
} as const;

const STATUS_BY_CODE: Record<string, SchoolStatus> = {
  '1': 'open',
  '2': 'closed',
  '3': 'proposed_to_close',
  '4': 'proposed_to_open',
};

// TypeOfEstablishment codes of establishments no English LA supports.
const WELSH_ESTABLISHMENT = '30';
const BRITISH_SCHOOL_OVERSEAS = '37';

/** Placeholders GIAS uses for "nothing here". Compared in lower case. */
const EMPTY_PLACEHOLDERS = new Set(['not applicable', 'does not apply', 'not recorded', 'not known', 'unknown', 'n/a', 'na', 'none', '-']);

export const SKIP_REASONS = {
  overseas: 'British school overseas: not in an English local authority',
  welsh: 'Welsh establishment: not in an English local authority',
  noEnglishLa: 'No English local authority code',
  otherLa: 'Outside the local authorities chosen for this import',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** What the import writes for one school: the GIAS facts only (never caseload or priorities). */
export type ImportedSchool = {
  urn: string;
  name: string;
  localAuthority: string;
  laCode: string;
  phase: string | undefined;
  type: string | undefined;
  status: SchoolStatus;
  openedOn: Date | undefined;
  closedOn: Date | undefined;
  address: string[];
  postcode: string | undefined;
  location: LatLong | undefined;
  grid: GridReference | undefined;
  trust: string | undefined;
  headName: string | undefined;
  pupils: number | undefined;
  website: string | undefined;
};

export type RowOutcome =
  | { kind: 'school'; school: ImportedSchool }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'failed'; problem: string };

export type RowOptions = { laCodes?: ReadonlySet<string> };

/** A cell's text, or undefined when it is empty or a placeholder such as "Not applicable". */
export function cell(record: Record<string, string | undefined>, column: string): string | undefined {
  const value = record[column]?.trim();
  if (!value || EMPTY_PLACEHOLDERS.has(value.toLowerCase())) return undefined;
  return value;
}

/** Maps one GIAS record (keyed by header name) to a school, a reason to skip it, or a problem. */
export function schoolFromGiasRecord(record: Record<string, string | undefined>, options: RowOptions = {}): RowOutcome {
  const get = (column: string) => cell(record, column);
  const urn = get(COLUMN.urn);
  if (!urn || !/^\d{6}$/.test(urn)) return { kind: 'failed', problem: `URN "${urn ?? ''}" is not a 6-digit number` };
  const name = get(COLUMN.name);
  if (!name) return { kind: 'failed', problem: 'EstablishmentName is empty' };

  const typeCode = get(COLUMN.typeCode);
  if (typeCode === BRITISH_SCHOOL_OVERSEAS) return { kind: 'skipped', reason: 'overseas' };
  if (typeCode === WELSH_ESTABLISHMENT) return { kind: 'skipped', reason: 'welsh' };
  const laCode = get(COLUMN.laCode);
  // English LA codes are three digits from 201 (City of London); 0 and 999x mean "none".
  if (!laCode || !/^\d{3}$/.test(laCode) || Number(laCode) < 200 || laCode === '999') return { kind: 'skipped', reason: 'noEnglishLa' };
  if (options.laCodes && !options.laCodes.has(laCode)) return { kind: 'skipped', reason: 'otherLa' };

  const status = STATUS_BY_CODE[get(COLUMN.statusCode) ?? ''];
  if (!status) return { kind: 'failed', problem: `EstablishmentStatus (code) "${record[COLUMN.statusCode] ?? ''}" is not 1, 2, 3 or 4` };

  const date = (column: string) => {
    const text = get(column);
    return text ? (parseDayMonthYear(text) ?? undefined) : undefined;
  };
  const hasGrid = !!get(COLUMN.easting) && !!get(COLUMN.northing);
  const grid = { easting: Number(get(COLUMN.easting)), northing: Number(get(COLUMN.northing)) };
  const pupils = Number(get(COLUMN.pupils));
  const head = [get(COLUMN.headTitle), get(COLUMN.headFirstName), get(COLUMN.headLastName)].filter(Boolean).join(' ');

  return {
    kind: 'school',
    school: {
      urn,
      name,
      localAuthority: get(COLUMN.laName) ?? laCode,
      laCode,
      phase: get(COLUMN.phase),
      type: get(COLUMN.type),
      status,
      openedOn: date(COLUMN.openDate),
      closedOn: date(COLUMN.closeDate),
      address: [COLUMN.street, COLUMN.locality, COLUMN.address3, COLUMN.town, COLUMN.county]
        .map(get)
        .filter((part): part is string => !!part),
      postcode: get(COLUMN.postcode)?.toUpperCase(),
      location: hasGrid ? (latLongFromGrid(grid.easting, grid.northing) ?? undefined) : undefined,
      grid: hasGrid && isGridReference(grid) ? grid : undefined,
      trust: get(COLUMN.trust),
      headName: head || undefined,
      pupils: Number.isInteger(pupils) && pupils >= 0 && get(COLUMN.pupils) ? pupils : undefined,
      website: get(COLUMN.website),
    },
  };
}
