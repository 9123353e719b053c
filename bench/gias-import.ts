// Imports a generated 50,000-row GIAS file (ISO-8859-1, the real 140-column header, accented names)
// into an embedded FerretDB in a temporary folder, twice, and prints rows per second and peak memory.
// `npm run bench:gias` (GIAS_BENCH_ROWS to change the size). The FerretDB binary must already be built.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedFerretdb } from '../src/db/embedded-ferretdb';
import { ensureFerretdbBinary } from '../src/db/ferretdb-binary';
import { ensureIndexes } from '../src/db/indexes';
import { appIndexSpecs } from '../src/housekeeping';
import { importGias } from '../src/features/schools/gias/gias-import';
import { School } from '../src/features/schools/school.model';
import { projectRoot } from '../src/lib/project-root';

const ROWS = Number(process.env.GIAS_BENCH_ROWS ?? 50_000);
const NAMES = ['École', 'Sainte-Thérèse', 'Brontë', 'Zoë', 'Chloé', 'Müller', 'Ñandú', 'Åsa', 'St Mary’s', 'Oakfield'];

/** Writes ROWS rows under the sample's real header, cycling through its rows with new URNs and names. */
async function generateFile(file: string): Promise<void> {
  const sample = readFileSync(path.join(projectRoot, 'test', 'fixtures', 'gias', 'gias_subset.csv'), 'latin1').trim().split(/\r?\n/);
  const [header, ...rows] = sample as [string, ...string[]];
  const english = rows.filter((row) => !row.includes('British schools overseas'));
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(iconv.encode(text, 'win1252'))) await once(out, 'drain');
  };
  await write(`${header}\r\n`);
  for (let index = 0; index < ROWS; index++) {
    const template = english[index % english.length]!;
    const urn = String(200000 + index);
    const name = `${NAMES[index % NAMES.length]} ${NAMES[(index * 7) % NAMES.length]} School ${index}`;
    // URN and EstablishmentName are the first and fifth columns of the sample rows, unquoted.
    const cells = template.split(',');
    cells[0] = urn;
    cells[4] = name;
    await write(`${cells.join(',')}\r\n`);
  }
  out.end();
  await once(out, 'finish');
}

function watchMemory() {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakRss, peakHeap };
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function timedImport(label: string, file: string): Promise<void> {
  const memory = watchMemory();
  const started = performance.now();
  const report = await importGias(() => createReadStream(file));
  const seconds = (performance.now() - started) / 1000;
  const { peakRss, peakHeap } = memory.stop();
  console.log(`${label}: ${report.rowsRead} rows in ${seconds.toFixed(1)} s = ${(report.rowsRead / seconds).toFixed(0)} rows/s` +
    ` (created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, failed ${report.failed});` +
    ` peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-gias-'));
  const file = path.join(dir, 'edubasealldata.csv');
  await generateFile(file);
  console.log(`GIAS import benchmark: ${ROWS} rows, ${mb(statSync(file).size)}, ISO-8859-1, embedded FerretDB (SQLite)`);
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), DATA_DIR: dir });
  const binary = await ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary });
  const database = await startEmbeddedFerretdb({ binary, dataDir: path.join(dir, 'db') });
  try {
    await connectDatabase(`${database.uri}bench`);
    await ensureIndexes(mongoose.connection.db!, appIndexSpecs());
    await timedImport('first import (creates)', file);
    await timedImport('second import (no changes)', file);
    const sample = await School.findOne({ urn: '200001' }).lean();
    console.log(`names intact: "${sample?.name}"`);
  } finally {
    await mongoose.disconnect();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
