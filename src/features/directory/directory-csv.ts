import { toCsv } from '../../lib/csv';
import type { ResultView } from './result-view';

/**
 * Days and money are numbers in columns of their own (a finance officer sums them in a spreadsheet), empty
 * where the listing gives none; text stays text (formulas neutralised by toCsv).
 */
const HEADER = ['Name', 'Type', 'Organisation', 'Summary', 'Expertise', 'Phases', 'Subjects', 'Areas', 'Days available', 'Days per', 'Daily rate (£)', 'Funded by the LA', 'Designation', 'Pen portrait'];

/**
 * Providers as CSV, with a note column for shortlists, and with the distance from the school a search measured
 * from (miles to one decimal place; words where there is no single base or it is not known). Links are absolute
 * so they work from a spreadsheet.
 */
export function providersCsv(
  providers: readonly (ResultView & { note?: string })[],
  baseUrl: string,
  { withNotes = false, distanceFrom }: { withNotes?: boolean; distanceFrom?: string } = {},
): string {
  const rows = providers.map((provider) => [
    provider.name,
    provider.typeLabel,
    provider.organisation,
    provider.summary,
    provider.expertise.join('; '),
    provider.phases.join('; '),
    provider.subjects.join('; '),
    provider.areas.join('; '),
    provider.figures.days,
    provider.figures.daysPer ?? '',
    provider.figures.dailyRatePounds,
    provider.figures.fundedByLa ? 'Yes' : 'No',
    provider.designation ?? '',
    baseUrl + provider.href,
    ...(distanceFrom ? [provider.distance?.miles ?? provider.distance?.text ?? ''] : []),
    ...(withNotes ? [provider.note ?? ''] : []),
  ]);
  return toCsv([...HEADER, ...(distanceFrom ? [`Straight-line miles from ${distanceFrom}`] : []), ...(withNotes ? ['Note'] : [])], rows);
}
