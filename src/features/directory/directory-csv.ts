import { toCsv } from '../../lib/csv';
import type { ResultView } from './result-view';

const HEADER = ['Name', 'Type', 'Organisation', 'Summary', 'Expertise', 'Phases', 'Subjects', 'Areas', 'Days available', 'Cost', 'Designation', 'Pen portrait'];

/** Providers as CSV, with a note column for shortlists. Links are absolute so they work from a spreadsheet. */
export function providersCsv(providers: readonly (ResultView & { note?: string })[], baseUrl: string, withNotes = false): string {
  const rows = providers.map((provider) => [
    provider.name,
    provider.typeLabel,
    provider.organisation,
    provider.summary,
    provider.expertise.join('; '),
    provider.phases.join('; '),
    provider.subjects.join('; '),
    provider.areas.join('; '),
    provider.capacity,
    provider.cost,
    provider.designation ?? '',
    baseUrl + provider.href,
    ...(withNotes ? [provider.note ?? ''] : []),
  ]);
  return toCsv(withNotes ? [...HEADER, 'Note'] : HEADER, rows);
}
