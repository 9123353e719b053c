import type { Express } from 'express';
import request from 'supertest';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { Feedback, FeedbackEvidence } from '../../src/features/commissions/feedback/feedback.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { User } from '../../src/features/accounts/user.model';
import { PERSONAL_DATA_MAP } from '../../src/features/privacy/data-map';
import { RetentionPurge } from '../../src/features/privacy/retention-purge.model';
import { REMOVED_TEXT, runRetentionPurge } from '../../src/features/privacy/retention.service';
import { paths } from '../../src/paths';
import { buildTestApp, testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';
import { providerAndSchoolWorld } from '../support/personal-data-fixtures';

useTestDatabase();

const DAY = 24 * 60 * 60 * 1000;
const periods = testConfig().retention;
const monthsAgo = (months: number, plusDays = 0) => {
  const date = new Date();
  date.setUTCMonth(date.getUTCMonth() - months);
  return new Date(date.getTime() - plusDays * DAY);
};

describe('the retention schedule', () => {
  let app: Express;
  let tradedServices: Agent;

  beforeAll(async () => {
    app = buildTestApp();
    tradedServices = await signedInAgent(app, (await createUser('traded_services')).email);
  });

  it('lists what the purge would remove (the dry run), removes only what has been listed for the notice period, and records the purge', async () => {
    // Closed a year past the period: removed at the next purge.
    const old = await providerAndSchoolWorld('Aged', '01632 960 101');
    const evidence = await FeedbackEvidence.create({ filename: 'aged-evidence.pdf', data: Buffer.from('%PDF-1.7'), size: 8 });
    await Commission.updateOne({ _id: old.commission.id }, { $set: { status: 'evaluated', completedAt: monthsAgo(periods.closedCommissionMonths + 12), statusReason: 'Aged reason' } });
    await Feedback.updateOne({ commission: old.commission.id }, { $set: { evidence: evidence._id } });
    // Past the period by 3 days only: listed, with its date, but kept for now.
    const recent = await providerAndSchoolWorld('Recent', '01632 960 102');
    await Commission.updateOne({ _id: recent.commission.id }, { $set: { status: 'evaluated', completedAt: monthsAgo(periods.closedCommissionMonths, 3) } });
    const notice = await Notification.create({ recipient: old.provider._id, subject: 'Aged notice', text: 'x', href: '/', createdAt: monthsAgo(periods.notificationMonths + 1) });
    // An erased user's security event still carries an address.
    const erased = await createUser('sip');
    await User.updateOne({ _id: erased._id }, { $set: { erasedAt: new Date(Date.now() - (periods.noticeDays + 1) * DAY), name: 'Former user abc123' } });
    const trace = await AuditEntry.create({ actor: erased._id, action: 'signed_in', subjectType: 'User', subjectId: erased._id, ip: '203.0.113.9', userAgent: 'Firefox 128 on Windows' });

    const [oldReference, recentReference] = await Promise.all(
      [old, recent].map(async (world) => (await Commission.findById(world.commission.id).lean())!.reference),
    );
    const dryRun = (await tradedServices.get(paths.admin.retention)).text;
    expect(dryRun).toContain(`Commission ${oldReference}`);
    expect(dryRun).toContain(`Commission ${recentReference}`);
    expect(dryRun.split(`Commission ${recentReference}`)[1]!.split('</tr>')[0]).not.toContain('At the next purge');
    expect(dryRun.split(`Commission ${oldReference}`)[1]!.split('</tr>')[0]).toContain('At the next purge');
    expect(dryRun).toContain(`Feedback on commission ${oldReference}, with an evidence file`);
    expect(dryRun).toContain('“Aged notice”');
    expect(dryRun).toContain('A security event of Former user abc123');
    // A dry run changes nothing.
    expect((await Commission.findById(old.commission.id).lean())!.objectives).not.toBe(REMOVED_TEXT);

    expect(await runRetentionPurge(periods)).toBe(4);

    const aged = (await Commission.findById(old.commission.id).lean())!;
    expect(aged).toMatchObject({ need: REMOVED_TEXT, objectives: REMOVED_TEXT, successCriteria: REMOVED_TEXT, status: 'evaluated', days: expect.any(Number) });
    expect(aged.statusReason).toBeUndefined();
    const agedFeedback = (await Feedback.findOne({ commission: old.commission.id }).lean())!;
    expect(agedFeedback.whatChanged).toBe(REMOVED_TEXT);
    expect(agedFeedback.evidence).toBeUndefined();
    expect(agedFeedback.ratings).toMatchObject({ quality: 5 });
    expect(await FeedbackEvidence.exists({ _id: evidence._id })).toBeNull();
    expect(await Notification.exists({ _id: notice._id })).toBeNull();
    const cleaned = (await AuditEntry.findById(trace._id).lean())!;
    expect(cleaned.ip).toBeUndefined();
    expect(cleaned.action).toBe('signed_in');

    const kept = (await Commission.findById(recent.commission.id).lean())!;
    expect(kept.objectives).not.toBe(REMOVED_TEXT);
    expect((await Feedback.findOne({ commission: recent.commission.id }).lean())!.whatChanged).toContain('Recent feedback words');

    const purge = (await RetentionPurge.findOne().lean())!;
    expect(purge.removed).toEqual({ commissionText: 1, feedbackEvidence: 1, notifications: 1, erasedUserTraces: 1 });
    expect(await AuditEntry.countDocuments({ action: 'retention_purge', subjectId: purge._id })).toBe(1);
    expect((await tradedServices.get(paths.admin.retention)).text).toContain('1 × free text of closed commissions');

    // Nothing more is due this hour, and a second purge in the same hour does not run at all.
    expect(await runRetentionPurge(periods)).toBe(0);
  });
});

describe('the pages a council must publish', () => {
  let app: Express;

  beforeAll(() => {
    app = buildTestApp();
  });

  it.each([paths.accessibility, paths.privacyNotice, paths.cookies])('serves %s to anyone, linked from every page’s footer', async (path) => {
    const page = await request(app).get(path);
    expect(page.status).toBe(200);
    const signIn = (await request(app).get(paths.signIn)).text;
    expect(signIn).toContain(`href="${path}"`);
  });

  it('lists in the privacy notice every kind of personal data the download holds, with the periods set', async () => {
    const notice = (await request(app).get(paths.privacyNotice)).text;
    for (const kind of Object.values(PERSONAL_DATA_MAP)) expect(notice).toContain(kind.heading);
    expect(notice).toContain(`${periods.closedCommissionMonths} months after the commission closed`);

    const user = await createUser('school');
    const agent = await signedInAgent(app, user.email);
    const download = JSON.parse((await agent.get(paths.yourData)).text) as Record<string, unknown>;
    expect(Object.keys(download).filter((key) => key !== 'about' && key !== 'downloadedAt')).toEqual(Object.keys(PERSONAL_DATA_MAP));
  });

  it('names on the cookies page every cookie the service sets', async () => {
    const cookiesPage = (await request(app).get(paths.cookies)).text;
    const user = await createUser('provider');
    const agent = request.agent(app);
    const names = new Set<string>();
    const note = (response: request.Response) => {
      for (const cookie of ([] as string[]).concat(response.headers['set-cookie'] ?? [])) names.add(cookie.split('=')[0]!);
    };
    note(await agent.get(paths.listings.own));
    const signInPage = await agent.get(paths.signIn);
    note(signInPage);
    note(await agent.post(paths.signIn).type('form').send({ _csrf: csrfTokenFrom(signInPage.text), email: user.email, password: TEST_PASSWORD }));
    note(await agent.get(paths.listings.new));
    expect(names.size).toBeGreaterThanOrEqual(2);
    for (const name of names) expect(cookiesPage).toContain(`The ${name} cookie`);
  });
});
