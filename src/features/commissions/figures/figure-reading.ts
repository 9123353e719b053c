import { applyChange, FigureTable, isTermSheet, schoolSheet } from './figure-table';
import { headExists, pendingDeltas, readSheets } from './figure-store';
import { ensureFigures, rebuildFigures } from './figure-rebuild';

/** Whose figures: the whole LA, or some schools (a SIP's caseload). */
export type FigureScope = { schools?: readonly string[] };

const ATTEMPTS = 50;
/** Sheets missing under the same head this many times means they were lost (say, a partial restore). */
const LOST_AFTER = 3;

/**
 * The figures for a scope: the newest head's sheets plus the deltas not folded into them. Sheets never
 * change, but a fold that commits while we read deletes the deltas it folded and the sheets it replaced,
 * so the read is checked afterwards: if a newer head appeared, or a sheet had gone, it starts again.
 */
export async function readFigures(scope: FigureScope): Promise<FigureTable> {
  const wanted = scope.schools ? new Set(scope.schools.map(schoolSheet)) : undefined;
  let lostUnder: { seq: number; times: number } = { seq: 0, times: 0 };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const head = await ensureFigures();
    const ids = [...head.sheets].filter(([key]) => (wanted ? wanted.has(key) : isTermSheet(key))).map(([, id]) => id);
    const [sheets, deltas] = await Promise.all([readSheets(ids), pendingDeltas()]);
    if (await headExists(head.seq + 1)) continue;
    if (sheets.includes(null)) {
      lostUnder = { seq: head.seq, times: lostUnder.seq === head.seq ? lostUnder.times + 1 : 1 };
      if (lostUnder.times >= LOST_AFTER) await rebuildFigures();
      continue;
    }
    const figures = new FigureTable();
    for (const sheet of sheets) figures.addTable(sheet!);
    for (const delta of deltas) {
      if (head.consumed.has(delta.id)) continue;
      // Every row goes to a term sheet and a school sheet; count it once, through the sheet kind read here.
      applyChange(delta.change, (key) => ((wanted ? wanted.has(key) : isTermSheet(key)) ? figures : undefined));
    }
    return figures;
  }
  throw new Error('The report figures kept changing while being read; try again');
}
