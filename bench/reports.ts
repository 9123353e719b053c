// How long the report pages take over 100,000 commissions, on the embedded database: generates commissions,
// schools and feedback into a fresh database, builds the figures through the rebuild path (as after a
// restore), then times the Traded Services and SIP report pages over HTTP, and the report and a fold
// after some real steps through the commissions service.
import { mkdtempSync, rmSync } from 'node:fs';
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
import { toSessionUser } from '../src/features/accounts/accounts.service';
import { User } from '../src/features/accounts/user.model';
import { Commission } from '../src/features/commissions/commission.model';
import type { CommissionStatus } from '../src/features/commissions/commission-status';
import { actOnCommission } from '../src/features/commissions/commissions.service';
import { Feedback } from '../src/features/commissions/feedback/feedback.model';
import { PROVIDER_TYPES } from '../src/features/listings/listing-vocabulary';
import { Listing } from '../src/features/listings/listing.model';
import { foldPendingFigures } from '../src/features/commissions/figures/figure-folding';
import { rebuildFigures } from '../src/features/commissions/figures/figure-rebuild';
import { SchoolSupport } from '../src/features/schools/school-support.model';
import { School } from '../src/features/schools/school.model';
import { DEFAULT_TAXONOMY } from '../src/features/taxonomy/taxonomy.defaults';
import { academicYearFor, termFor } from '../src/lib/academic-calendar';
import { paths } from '../src/paths';

const COMMISSIONS = Number(process.env.BENCH_COMMISSIONS ?? 100_000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 600);
const LISTINGS = 150;
const CASELOAD = 20;
const STEPS = 50;
const BATCH = 5_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CATEGORIES = DEFAULT_TAXONOMY.category.map((term) => term.slug);
const NEEDS = DEFAULT_TAXONOMY.need.map((term) => term.slug);
// South Gloucestershire levels (the demo scheme): most schools secure, a few causing concern.
const LEVELS = [
  { code: '1', label: 'Secure', share: 0.6 },
  { code: '2', label: 'Vulnerable', share: 0.3 },
  { code: '3', label: 'Causing concern', share: 0.1 },
];
const FIRST_DAY = Date.UTC(2023, 8, 1);
const SPAN_DAYS = 3 * 365; // three academic years, 2023/24 to 2025/26
const TODAY = FIRST_DAY + 2.6 * 365 * 86_400_000;

/** A small deterministic generator (mulberry32), so every run loads the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}
const next = random(20_260_101);
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;

type GeneratedSchool = { _id: Types.ObjectId; name: string; level: (typeof LEVELS)[number] | undefined };

function generatedSchools(sip: Types.ObjectId, tradedServices: Types.ObjectId) {
  const schools: GeneratedSchool[] = [];
  const documents = [];
  const supports = [];
  for (let index = 0; index < SCHOOLS; index++) {
    const draw = next();
    // One school in ten has no level recorded.
    const level = draw < 0.1 ? undefined : draw < 0.64 ? LEVELS[0] : draw < 0.91 ? LEVELS[1] : LEVELS[2];
    const school: GeneratedSchool = { _id: new Types.ObjectId(), name: `Generated School ${index + 1}`, level };
    schools.push(school);
    documents.push({
      _id: school._id,
      urn: String(800_000 + index),
      name: school.name,
      status: 'open',
      phase: pick(['Primary', 'Primary', 'Secondary', 'Special']),
      ...(index < CASELOAD ? { sip } : {}),
      priorities: { needs: [pick(NEEDS), pick(NEEDS)], notes: '' },
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    if (level) {
      const decision = { level: level.code, levelLabel: level.label, setBy: tradedServices, setAt: new Date(), reason: 'Termly review', reviewDue: new Date(TODAY + 90 * 86_400_000) };
      supports.push({ school: school._id, current: decision, history: [decision], createdAt: new Date(), updatedAt: new Date() });
    }
  }
  return { schools, documents, supports };
}

const listingsForBench = Array.from({ length: LISTINGS }, (_, index) => ({ _id: new Types.ObjectId(), name: `Generated Provider ${index + 1}`, providerType: pick(PROVIDER_TYPES), dailyRatePence: pick([0, 35_000, 45_000, 60_000]) }));

/** Past work is mostly finished; this term's is under way; a few never went ahead. */
function statusFor(startOn: number): CommissionStatus {
  const draw = next();
  if (draw < 0.06) return pick(['declined', 'cancelled', 'not_approved'] as const);
  if (startOn > TODAY) return draw < 0.5 ? 'requested' : 'accepted';
  if (startOn > TODAY - 120 * 86_400_000) return pick(['accepted', 'in_progress', 'delivered', 'completed'] as const);
  return draw < 0.55 ? 'evaluated' : 'completed';
}

/** The first STEPS commissions wait for the bench provider to accept them (timed at the end). */
type StepsProvider = { user: Types.ObjectId; listing: Types.ObjectId };

function generatedCommission(index: number, school: GeneratedSchool, requestedBy: Types.ObjectId, stepsProvider: StepsProvider) {
  const startOn = new Date(FIRST_DAY + Math.floor(next() * SPAN_DAYS) * 86_400_000);
  const listing = pick(listingsForBench);
  const days = 1 + Math.floor(next() * 8);
  const forSteps = index < STEPS;
  const status = forSteps ? 'requested' : statusFor(startOn.getTime());
  const categories = [...new Set([pick(CATEGORIES), ...(next() < 0.5 ? [pick(CATEGORIES)] : [])])];
  return {
    _id: new Types.ObjectId(),
    reference: `BEN-${String(index).padStart(8, '0')}`,
    school: school._id,
    schoolName: school.name,
    ...(school.level ? { supportLevel: `${school.level.code} ${school.level.label}` } : {}),
    listing: forSteps ? stepsProvider.listing : listing._id,
    listingName: listing.name,
    providerType: listing.providerType,
    owners: forSteps ? [stepsProvider.user] : [],
    route: next() < 0.3 ? 'brokered' : 'direct',
    requestedBy,
    need: 'Generated need',
    categories,
    objectives: 'Generated objectives',
    successCriteria: 'Generated success criteria',
    days,
    startOn,
    termKey: termFor(startOn).key,
    academicYear: academicYearFor(startOn),
    dailyRatePence: listing.dailyRatePence,
    costPence: days * listing.dailyRatePence,
    funding: school.level && school.level.code !== '1' && next() < 0.6 ? 'la' : 'school',
    status,
    version: forSteps ? 0 : 3,
    createdAt: startOn,
    updatedAt: startOn,
  };
}

function feedbackOn(commission: ReturnType<typeof generatedCommission>) {
  const base = 2 + Math.floor(next() * 3);
  const score = () => Math.min(5, Math.max(1, base + Math.round(next() * 2 - 1)));
  return {
    commission: commission._id,
    listing: commission.listing,
    school: commission.school,
    givenBy: commission.requestedBy,
    listingName: commission.listingName,
    categories: commission.categories,
    termKey: commission.termKey,
    ...(commission.supportLevel ? { supportLevel: commission.supportLevel } : {}),
    ratings: { quality: score(), impact: score(), value: score(), recommend: score() },
    whatChanged: 'Generated',
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function signedIn(app: ReturnType<typeof createApp>, email: string) {
  const agent = request.agent(app);
  const signIn = await agent.get(paths.signIn);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)![1]!;
  await agent.post(paths.signIn).type('form').send({ email, password: DEMO_PASSWORD, _csrf: csrf });
  return agent;
}

async function timePage(agent: ReturnType<typeof request.agent>, name: string, url: string): Promise<void> {
  const timings: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const [response, ms] = await timed(async () => agent.get(url));
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    timings.push(ms);
  }
  timings.sort((a, b) => a - b);
  const at = (share: number) => timings[Math.min(RUNS - 1, Math.ceil(share * RUNS) - 1)]!.toFixed(0);
  console.log(`${name.padEnd(40)} median ${at(0.5)} ms, p95 ${at(0.95)} ms, fastest ${timings[0]!.toFixed(0)} ms (${RUNS} runs)`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-reports-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await startDemoDatabase(config);
  const sip = (await User.findOne({ email: 'sip@demo.example' }).lean())!;
  const tradedServices = (await User.findOne({ email: 'tradedservices@demo.example' }).lean())!;
  const provider = (await User.findOne({ email: 'provider@demo.example' }).lean())!;
  // A listing without a capacity limit, so every accept below goes through.
  const stepsProvider = { user: provider._id, listing: new Types.ObjectId() };
  await Listing.collection.insertOne({ _id: stepsProvider.listing, name: 'Bench provider', providerType: 'lle', owners: [provider._id], fundedByLa: false, status: 'approved', revision: 1, dailyRatePence: 40_000 });

  const [counts, loadMs] = await timed(async () => {
    const { schools, documents, supports } = generatedSchools(sip._id, tradedServices._id);
    for (let start = 0; start < documents.length; start += BATCH) await School.collection.insertMany(documents.slice(start, start + BATCH), { ordered: false });
    for (let start = 0; start < supports.length; start += BATCH) await SchoolSupport.collection.insertMany(supports.slice(start, start + BATCH), { ordered: false });
    let feedback = 0;
    for (let start = 0; start < COMMISSIONS; start += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, COMMISSIONS - start) }, (_, offset) => generatedCommission(start + offset, pick(schools), sip._id, stepsProvider));
      const evaluated = batch.filter((commission) => commission.status === 'evaluated').map(feedbackOn);
      await Commission.collection.insertMany(batch, { ordered: false });
      if (evaluated.length) await Feedback.collection.insertMany(evaluated, { ordered: false });
      feedback += evaluated.length;
    }
    return { feedback };
  });
  console.log(`Generated ${COMMISSIONS.toLocaleString('en-GB')} commissions (${counts.feedback.toLocaleString('en-GB')} with feedback) for ${SCHOOLS.toLocaleString('en-GB')} schools in ${seconds(loadMs)}`);

  const [rebuilt, rebuildMs] = await timed(() => rebuildFigures());
  if (!rebuilt.rebuilt) throw new Error(rebuilt.reason);
  console.log(`Rebuilt the report figures (${rebuilt.sheets} sheets) in ${seconds(rebuildMs)}`);

  const app = createApp({ config, logger: pino({ level: 'silent' }), connection: mongoose.connection });
  const tradedServicesAgent = await signedIn(app, 'tradedservices@demo.example');
  const sipAgent = await signedIn(app, 'sip@demo.example');
  const someTerm = termFor(new Date(TODAY)).key;
  await timePage(tradedServicesAgent, 'Traded Services: GET /reports', paths.reports.commissions);
  await timePage(tradedServicesAgent, `Traded Services: ?term=${someTerm}`, `${paths.reports.commissions}?term=${someTerm}`);
  await timePage(tradedServicesAgent, 'Traded Services: ?level=2 Vulnerable', `${paths.reports.commissions}?level=${encodeURIComponent('2 Vulnerable')}`);
  await timePage(tradedServicesAgent, 'Traded Services: categories.csv', paths.reports.csv('categories'));
  await timePage(sipAgent, `SIP (${CASELOAD + 3} schools): GET /reports`, paths.reports.commissions);

  // Real steps through the service: each accept records a delta; the next report folds them first.
  const waiting = await Commission.collection.find({ reference: { $lte: `BEN-${String(STEPS - 1).padStart(8, '0')}` } }, { projection: { _id: 1 } }).toArray();
  const [, stepsMs] = await timed(async () => {
    for (const commission of waiting) {
      const result = await actOnCommission(toSessionUser(provider), commission._id.toString(), 'accept');
      if (!result.ok) throw new Error(result.message);
    }
  });
  console.log(`${waiting.length} accepts through the service in ${seconds(stepsMs)}`);
  await timePage(tradedServicesAgent, `Traded Services: /reports, ${waiting.length} unfolded`, paths.reports.commissions);
  const [{ folded }, foldMs] = await timed(() => foldPendingFigures());
  console.log(`Folded ${folded} steps into the figures in ${foldMs.toFixed(0)} ms`);
  await timePage(tradedServicesAgent, 'Traded Services: /reports, folded', paths.reports.commissions);
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
