// How long the Traded Services report takes over 100,000 commissions, on the embedded database.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { startDemoDatabase } from './demo-database';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { Commission } from '../src/features/commissions/commission.model';
import { AGREED_STATUSES, COMMISSION_STATUSES } from '../src/features/commissions/commission-status';
import { Feedback } from '../src/features/feedback/feedback.model';
import { PROVIDER_TYPES } from '../src/features/listings/listing.model';
import { DEFAULT_TAXONOMY } from '../src/features/taxonomy/taxonomy.defaults';
import { academicYearFor, termFor } from '../src/lib/academic-calendar';
import { paths } from '../src/paths';

const COMMISSIONS = Number(process.env.BENCH_COMMISSIONS ?? 100_000);
const BATCH = 5_000;
const RUNS = 3;
const CATEGORIES = DEFAULT_TAXONOMY.category.map((term) => term.slug);
const LEVELS = ['1 Secure', '2 Vulnerable', '3 Causing concern', undefined];

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

function generated(index: number) {
  const startOn = new Date(Date.UTC(2023, 8, 1) + (index % 1095) * 86_400_000);
  const days = 1 + (index % 10);
  const rate = pick([0, 35_000, 45_000, 60_000], index);
  const status = index % 10 < 8 ? pick(AGREED_STATUSES, index) : pick(COMMISSION_STATUSES, index);
  return {
    _id: new Types.ObjectId(),
    reference: `BEN-${String(index).padStart(8, '0')}`,
    school: new Types.ObjectId(),
    schoolName: `School ${index % 400}`,
    supportLevel: pick(LEVELS, index),
    listing: new Types.ObjectId(),
    listingName: `Provider ${index % 150}`,
    providerType: pick(PROVIDER_TYPES, index),
    owners: [],
    route: index % 3 === 0 ? 'brokered' : 'direct',
    requestedBy: new Types.ObjectId(),
    need: 'Generated',
    categories: [pick(CATEGORIES, index), pick(CATEGORIES, index * 7 + 3)],
    objectives: 'Generated',
    successCriteria: 'Generated',
    days,
    startOn,
    termKey: termFor(startOn).key,
    academicYear: academicYearFor(startOn),
    dailyRatePence: rate,
    costPence: days * rate,
    funding: index % 4 === 0 ? 'la' : 'school',
    status,
    version: 0,
    createdAt: startOn,
    updatedAt: startOn,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-reports-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await startDemoDatabase(config);

  let loadedAt = performance.now();
  for (let start = 0; start < COMMISSIONS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, COMMISSIONS - start) }, (_, offset) => generated(start + offset));
    await Commission.collection.insertMany(batch, { ordered: false });
    const rated = batch.filter((commission) => commission.status === 'evaluated');
    if (rated.length) {
      await Feedback.collection.insertMany(
        rated.map((commission, n) => ({
          commission: commission._id,
          listing: commission.listing,
          school: commission.school,
          givenBy: commission.requestedBy,
          listingName: commission.listingName,
          categories: commission.categories,
          termKey: commission.termKey,
          supportLevel: commission.supportLevel,
          ratings: { quality: 1 + (n % 5), impact: 1 + ((n + 1) % 5), value: 1 + ((n + 2) % 5), recommend: 1 + ((n + 3) % 5) },
          whatChanged: 'Generated',
          createdAt: new Date(),
          updatedAt: new Date(),
        })),
      );
    }
  }
  loadedAt = performance.now() - loadedAt;
  const feedback = await Feedback.countDocuments();
  console.log(`Generated ${COMMISSIONS.toLocaleString('en-GB')} commissions and ${feedback.toLocaleString('en-GB')} feedback responses in ${(loadedAt / 1000).toFixed(1)} s`);

  const app = createApp({ config, logger: pino({ level: 'silent' }), connection: mongoose.connection });
  const agent = request.agent(app);
  const signIn = await agent.get(paths.signIn);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)![1]!;
  await agent.post(paths.signIn).type('form').send({ email: 'tradedservices@demo.example', password: DEMO_PASSWORD, _csrf: csrf });

  for (const [name, url] of [
    ['GET /reports (all terms)', paths.reports.commissions],
    ['GET /reports?term=2024-25-2', `${paths.reports.commissions}?term=2024-25-2`],
    ['GET /reports/categories.csv', paths.reports.csv('categories')],
  ] as const) {
    const timings: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const response = await agent.get(url);
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    console.log(`${name.padEnd(32)} median ${timings[Math.floor(RUNS / 2)]!.toFixed(0)} ms, fastest ${timings[0]!.toFixed(0)} ms, slowest ${timings[RUNS - 1]!.toFixed(0)} ms (${RUNS} runs)`);
  }
  await database.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
