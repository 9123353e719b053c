import { createReadStream, statSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { runCommand } from '../../../db/run-command';
import { importGias, type ImportReport } from './gias-import';
import { MalformedFileError } from './gias-reader';

const USAGE = 'Usage: npm run import:gias -- FILE [--la CODE,CODE...]';

function parseArguments(argv: string[]): { file: string; laCodes: string[] } {
  const rest = [...argv];
  const laIndex = rest.indexOf('--la');
  const laCodes = laIndex === -1 ? [] : rest.splice(laIndex, 2)[1]?.split(',').map((code) => code.trim()).filter(Boolean) ?? [];
  const [file, ...extra] = rest;
  if (!file || extra.length > 0 || (laIndex !== -1 && laCodes.length === 0)) throw new Error(USAGE);
  if (laCodes.some((code) => !/^\d{3}$/.test(code))) throw new Error('LA codes are three digits, for example --la 803,878');
  return { file, laCodes };
}

function printReport(report: ImportReport): void {
  console.log(`Rows read:  ${report.rowsRead}`);
  console.log(`Created:    ${report.created}`);
  console.log(`Updated:    ${report.updated}`);
  console.log(`Unchanged:  ${report.unchanged}`);
  console.log(`Newly closed: ${report.closed}`);
  for (const { reason, count } of report.skipped) console.log(`Skipped:    ${count} (${reason})`);
  console.log(`Failed:     ${report.failed}`);
  for (const { line, problem } of report.failures) console.log(`  line ${line}: ${problem}`);
}

/** `npm run import:gias -- FILE [--la CODE,...]`: imports a GIAS establishment CSV, with a progress bar. */
runCommand(async () => {
  const { file, laCodes } = parseArguments(process.argv.slice(2));
  const totalBytes = statSync(file).size;
  const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {rows} rows', hideCursor: true }, Presets.shades_classic);
  bar.start(totalBytes * 2, 0, { phase: 'Checking ', rows: 0 });
  const report = await importGias(() => createReadStream(file), {
    laCodes: laCodes.length > 0 ? new Set(laCodes) : undefined,
    onProgress: ({ phase, bytesRead, rowsRead }) =>
      bar.update((phase === 'checking' ? 0 : totalBytes) + bytesRead, { phase: phase === 'checking' ? 'Checking ' : 'Importing', rows: rowsRead }),
  })
    .catch((error: unknown) => {
      throw error instanceof MalformedFileError ? new Error(`${error.message} Nothing was imported.`) : error;
    })
    .finally(() => bar.stop());
  printReport(report);
});
