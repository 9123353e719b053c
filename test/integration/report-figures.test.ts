import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import { restoreBackup, writeBackup } from '../../src/db/backup';
import { Commission } from '../../src/features/commissions/commission.model';
import { AGREED_STATUSES } from '../../src/features/commissions/commission-status';
import { stepId } from '../../src/features/commissions/commission-steps';
import { actOnCommission, commissionVisibleTo, type ActionInput } from '../../src/features/commissions/commissions.service';
import { Feedback } from '../../src/features/commissions/feedback/feedback.model';
import { giveFeedback } from '../../src/features/commissions/feedback/feedback.service';
import { School } from '../../src/features/schools/school.model';
import { contributionOf, figuresChange } from '../../src/features/commissions/figures/contribution';
import { finishInterruptedSteps, foldPendingFigures } from '../../src/features/commissions/figures/figure-folding';
import { readFigures } from '../../src/features/commissions/figures/figure-reading';
import { figuresFromDatabase, prepareFigures, rebuildFigures } from '../../src/features/commissions/figures/figure-rebuild';
import { FIGURE_COLLECTIONS, insertHead, latestHead, pendingDeltas, recordFiguresChange } from '../../src/features/commissions/figures/figure-store';
import { FigureTable, isTermSheet } from '../../src/features/commissions/figures/figure-table';
import { summariseFigures } from '../../src/features/reports/figures-summary';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { signedInAgent } from '../support/http';

useTestDatabase();

type User = Awaited<ReturnType<typeof sessionUserFor>>;
let provider: User;
let schools: User[];
let listingId: string;

beforeAll(async () => {
  provider = await sessionUserFor('provider');
  schools = [await sessionUserFor('school'), await sessionUserFor('school'), await sessionUserFor('school')];
  listingId = (await createListing([new Types.ObjectId(provider.id)], { name: 'Figures Maths Hub', dailyRatePence: 40_000, capacity: { days: 365, period: 'year' } })).id as string;
});

const act = async (actor: User, id: string, action: Parameters<typeof actOnCommission>[2], input: ActionInput = {}) => {
  const result = await actOnCommission(actor, id, action, input);
  if (!result.ok) throw new Error(`${action}: ${result.message}`);
};
const request = async (school: User, overrides: Parameters<typeof requestAs>[2] = {}) => (await requestAs(school, listingId, overrides)).id;
const SPRING = new Date('2027-02-01T00:00:00Z');

/**
 * The figures as a report reads them (sheets + pending deltas), for the whole LA and for each school,
 * equal the figures computed from scratch; and their totals equal a plain count of the documents.
 */
async function expectFiguresMatchCommissions(): Promise<void> {
  const scratch = await figuresFromDatabase();
  const whole = new FigureTable();
  for (const [key, sheet] of scratch.sheets) if (isTermSheet(key)) whole.addTable(sheet);
  const read = await readFigures({});
  expect(read.toRows()).toEqual(whole.toRows());
  const schoolIds = [...new Set((await Commission.find({}, { school: 1 }).lean()).map((commission) => commission.school.toString()))];
  for (const school of schoolIds) {
    expect((await readFigures({ schools: [school] })).toRows()).toEqual((scratch.sheets.get(`school:${school}`) ?? new FigureTable()).toRows());
  }

  const agreed = await Commission.find({ status: { $in: AGREED_STATUSES } }).lean();
  const evaluated = new Set(agreed.filter((commission) => commission.status === 'evaluated').map((commission) => commission._id.toString()));
  const ratings = (await Feedback.find({}).lean()).filter((feedback) => evaluated.has(feedback.commission.toString()));
  const summary = summariseFigures(read.toRows(), {});
  const totals = [...summary.byFunding.values()];
  expect(totals.reduce((sum, row) => sum + row.commissions, 0)).toBe(agreed.length);
  expect(totals.reduce((sum, row) => sum + row.days, 0)).toBe(agreed.reduce((sum, commission) => sum + commission.days, 0));
  expect(totals.reduce((sum, row) => sum + row.cost, 0)).toBe(agreed.reduce((sum, commission) => sum + commission.costPence, 0));
  const responses = [...summary.ratingsByProvider.values()];
  expect(responses.reduce((sum, row) => sum + row.responses, 0)).toBe(ratings.length);
  expect(responses.reduce((sum, row) => sum + row.quality, 0)).toBe(ratings.reduce((sum, feedback) => sum + feedback.ratings.quality, 0));
}

describe('report figures kept as commissions move', () => {
  it('match a from-scratch computation after every kind of step, folded or not, and after a rebuild', async () => {
    const [a, b] = schools as [User, User];
    const autumn = await request(a, { days: 3 });
    await expectFiguresMatchCommissions();
    await act(provider, autumn, 'accept');
    await expectFiguresMatchCommissions();

    const moved = await request(a, { days: 2, categories: ['leadership-and-management', 'mathematics-and-numeracy'] });
    await act(provider, moved, 'propose_change', { proposal: { days: 4, startOn: SPRING, note: 'Spring suits better' } });
    await act(a, moved, 'accept_change');
    await expectFiguresMatchCommissions();
    expect(summariseFigures((await readFigures({})).toRows(), { term: '2026-27-2' }).byFunding.get('school')).toEqual({ commissions: 1, days: 4, cost: 160_000 });

    const rated = await request(b, { days: 5 });
    for (const [actor, action] of [
      [provider, 'accept'],
      [provider, 'start'],
      [provider, 'mark_delivered'],
      [b, 'confirm_completion'],
    ] as const) {
      await act(actor, rated, action);
    }
    expect(await giveFeedback(b, rated, { quality: 5, impact: 4, value: 3, recommend: 5, whatChanged: 'Arithmetic scores rose' }, undefined)).toEqual({ ok: true });
    await expectFiguresMatchCommissions();

    expect((await foldPendingFigures()).folded).toBeGreaterThan(0);
    expect(await pendingDeltas()).toEqual([]);
    await expectFiguresMatchCommissions();

    await act(a, autumn, 'cancel', { reason: 'Head has left' });
    await act(provider, await request(b), 'decline', { reason: 'Fully booked' });
    await expectFiguresMatchCommissions();
    expect(await rebuildFigures()).toMatchObject({ rebuilt: true });
    await expectFiguresMatchCommissions();
  });

  it('keeps the totals exact when many steps race, with folds and reads running at the same time', async () => {
    await prepareFigures(() => undefined);
    const ids: string[] = [];
    for (let n = 0; n < 16; n++) ids.push(await request(schools[n % 3]!, { days: 1 + (n % 4) }));
    const schoolOf = (id: string) => schools[ids.indexOf(id) % 3]!;

    // Every one is accepted twice at once (a double click), and half are also cancelled at the same time.
    const racing = ids.flatMap((id, n) => [act(provider, id, 'accept'), n % 2 ? act(schoolOf(id), id, 'cancel', { reason: 'Changed our plans' }) : act(provider, id, 'accept')]);
    const others = [...Array.from({ length: 3 }, () => foldPendingFigures()), ...Array.from({ length: 3 }, () => readFigures({}))];
    const outcomes = await Promise.allSettled([...racing, ...others]);
    expect(outcomes.slice(racing.length).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(outcomes.slice(0, racing.length).filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(ids.length);
    const statuses = await Promise.all(ids.map(async (id) => (await Commission.findById(id).lean())!.status));
    expect(statuses.every((status, n) => status === 'accepted' || (n % 2 === 1 && status === 'cancelled'))).toBe(true);
    await expectFiguresMatchCommissions();

    // Both sides cancel each accepted one at once (one wins); then four folds race over the same deltas.
    const accepted = ids.filter((_, n) => statuses[n] === 'accepted');
    await foldPendingFigures();
    const cancels = await Promise.allSettled(accepted.flatMap((id) => [act(provider, id, 'cancel', { reason: 'Provider ill' }), act(schoolOf(id), id, 'cancel', { reason: 'Head left' })]));
    expect(cancels.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(accepted.length);
    expect(await pendingDeltas()).toHaveLength(accepted.length);
    const folds = await Promise.all(Array.from({ length: 4 }, () => foldPendingFigures()));
    expect(folds.filter(({ folded }) => folded > 0)).toHaveLength(1);
    expect(await pendingDeltas()).toEqual([]);
    await expectFiguresMatchCommissions();
  });

  it('rebuilds while steps are being taken without losing any of them', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) ids.push(await request(schools[n % 3]!, { days: 2 }));
    const [result] = await Promise.all([rebuildFigures(), ...ids.map((id) => act(provider, id, 'accept')), foldPendingFigures()]);
    expect(result).toMatchObject({ rebuilt: true });
    await expectFiguresMatchCommissions();
    await foldPendingFigures();
    await expectFiguresMatchCommissions();
  });

  it('shows a SIP the figures of their caseload schools only', async () => {
    const app: Express = buildTestApp();
    const sip = await sessionUserFor('sip');
    const [a] = schools as [User];
    await School.updateOne({ _id: a.actingSchoolId }, { $set: { sip: new Types.ObjectId(sip.id) } });
    const agreed = await Commission.find({ school: a.actingSchoolId, status: { $in: AGREED_STATUSES } }).lean();
    expect(agreed.length).toBeGreaterThan(0);
    const page = await (await signedInAgent(app, sip.email)).get(paths.reports.commissions);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`Commissions</dt><dd class="govuk-summary-list__value">${agreed.length}<`));
    expect(page.text).toMatch(new RegExp(`Days</dt><dd class="govuk-summary-list__value">${agreed.reduce((sum, commission) => sum + commission.days, 0)}<`));
  });
});

describe('report figures after an interruption', () => {
  type StepClaim = { _id: string; commission: Types.ObjectId; version: number; change: object; history: object; holds: []; releases: []; notice: object; figures: string; at: Date };
  const steps = () => mongoose.connection.collection<StepClaim>('commission_steps');
  beforeEach(() => prepareFigures(() => undefined));

  /** What an accept would claim and record, without the process getting any further. */
  async function claimAccept(id: string, options: { recordDelta: boolean }) {
    const commission = (await Commission.findById(id).lean())!;
    const change = figuresChange(contributionOf(commission), contributionOf({ ...commission, status: 'accepted' }))!;
    await steps().insertOne({
      _id: stepId(commission._id, commission.version),
      commission: commission._id,
      version: commission.version,
      change: { set: { status: 'accepted' }, unset: [] },
      history: { id: new Types.ObjectId(), actor: new Types.ObjectId(provider.id), action: 'commission_accept', subjectType: 'Commission', subjectId: commission._id, changes: { from: commission.status, to: 'accepted' } },
      holds: [],
      releases: [],
      notice: { recipients: [], ids: [], message: {} },
      figures: JSON.stringify(change),
      at: new Date(),
    });
    if (options.recordDelta) await recordFiguresChange(stepId(commission._id, commission.version), commission._id, commission.version + 1, change);
    return commission;
  }

  it('counts a step stopped after recording its delta, and finishes the commission at the next start', async () => {
    const id = await request(schools[0]!, { days: 6 });
    const schoolFunded = async () => summariseFigures((await readFigures({})).toRows(), {}).byFunding.get('school')!;
    const before = await schoolFunded();
    await claimAccept(id, { recordDelta: true });
    expect((await Commission.findById(id).lean())!.status).toBe('requested');
    const counted = { commissions: before.commissions + 1, days: before.days + 6, cost: before.cost + 240_000 };
    expect(await schoolFunded()).toEqual(counted);

    // Folded, then a rebuild reads the commission still without the step: the step must not be lost.
    await foldPendingFigures();
    expect(await pendingDeltas()).toEqual([]);
    expect(await rebuildFigures()).toMatchObject({ rebuilt: true, pendingKept: 1 });
    expect(await schoolFunded()).toEqual(counted);

    expect(await finishInterruptedSteps()).toBe(1);
    expect((await Commission.findById(id).lean())!.status).toBe('accepted');
    expect(await finishInterruptedSteps()).toBe(0);
    await expectFiguresMatchCommissions();
  });

  it('finishes a step claimed before its delta was recorded when the commission is next opened', async () => {
    const id = await request(schools[1]!, { days: 2 });
    await claimAccept(id, { recordDelta: false });
    await expectFiguresMatchCommissions();
    expect((await commissionVisibleTo(provider, id)).status).toBe('accepted');
    await expectFiguresMatchCommissions();
  });

  it('does not count a late duplicate of a delta already folded', async () => {
    await prepareFigures(() => undefined);
    await foldPendingFigures();
    const id = await request(schools[2]!, { days: 3 });
    await act(provider, id, 'accept');
    const [delta] = await pendingDeltas();
    expect(await foldPendingFigures()).toEqual({ folded: 1 });
    expect(await pendingDeltas()).toEqual([]);
    await recordFiguresChange(delta!.id, delta!.commission, delta!.version, delta!.change); // as a stalled roll-forward would
    await expectFiguresMatchCommissions();
    await foldPendingFigures();
    expect(await pendingDeltas()).toEqual([]);
    await expectFiguresMatchCommissions();
  });

  it('finishes feedback stored before a stop when the commission is next opened', async () => {
    const school = schools[0]!;
    const id = await request(school, { days: 1 });
    for (const [actor, action] of [
      [provider, 'accept'],
      [provider, 'mark_delivered'],
      [school, 'confirm_completion'],
    ] as const) {
      await act(actor, id, action);
    }
    const commission = (await Commission.findById(id).lean())!;
    await Feedback.create({ commission: commission._id, listing: commission.listing, school: commission.school, givenBy: school.id, listingName: commission.listingName, categories: commission.categories, termKey: commission.termKey, ratings: { quality: 1, impact: 1, value: 1, recommend: 1 }, whatChanged: 'Stored, then the app stopped' });
    expect((await commissionVisibleTo(school, id)).status).toBe('evaluated');
    await expect(giveFeedback(school, id, { quality: 5, impact: 5, value: 5, recommend: 5, whatChanged: 'Second try' }, undefined)).rejects.toThrow();
    expect((await Feedback.find({ commission: commission._id }).lean()).map((feedback) => feedback.whatChanged)).toEqual(['Stored, then the app stopped']);
    await expectFiguresMatchCommissions();
  });

  it('holds folds while a rebuild runs, and carries on past one abandoned', async () => {
    await foldPendingFigures();
    const head = (await latestHead())!;
    await insertHead(head.seq + 1, { sheets: head.sheets, consumed: head.consumed, rebuildingSince: new Date() });
    await act(provider, await request(schools[1]!), 'accept');
    expect(await foldPendingFigures()).toEqual({ folded: 0 });
    await expectFiguresMatchCommissions();
    expect((await foldPendingFigures({ now: new Date(Date.now() + 20 * 60_000) })).folded).toBe(1);
    await expectFiguresMatchCommissions();
  });

  it('leaves the figures out of backups, and restores into a database holding only figures', async () => {
    await readFigures({});
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-figures-backup-')), 'backup.ndjson.gz');
    const { collections } = await writeBackup(mongoose.connection.db!, file, { derived: FIGURE_COLLECTIONS });
    expect(collections.commissions).toBeGreaterThan(0);
    expect(Object.keys(collections).filter((name) => name.startsWith('report_figure'))).toEqual([]);
    const target = mongoose.connection.getClient().db(`restore_${Date.now()}`);
    await target.collection('report_figure_heads').insertOne({ _id: 'fold:1' as never, seq: 1 }); // as an app started on it would
    try {
      expect((await restoreBackup(target, file, { derived: FIGURE_COLLECTIONS })).counts.commissions).toBe(collections.commissions);
    } finally {
      await target.dropDatabase();
    }
  });

  it('rebuilds the figures by itself when they are missing, as after a restore', async () => {
    for (const name of FIGURE_COLLECTIONS) await mongoose.connection.collection(name).deleteMany({});
    expect(await latestHead()).toBeNull();
    await expectFiguresMatchCommissions();
    expect(await latestHead()).not.toBeNull();
  });
});
