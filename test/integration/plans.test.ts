import type { Express } from 'express';
import { Types } from 'mongoose';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { actOnCommission } from '../../src/features/commissions/commissions.service';
import { PlanReview } from '../../src/features/plans/plan-review.model';
import { SupportPlan } from '../../src/features/plans/support-plan.model';
import { School } from '../../src/features/schools/school.model';
import { SchoolSupport } from '../../src/features/schools/school-support.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { academicYearFor, academicYearLabel, termFor } from '../../src/lib/academic-calendar';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { createListing, requestAs } from '../support/commission-factories';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';
import { useSchemeWithEntitlements } from '../support/schemes';

useTestDatabase();

let app: Express;
const agents = {} as Record<'sip' | 'head' | 'tradedServices' | 'otherSip' | 'otherHead' | 'provider', Agent>;
let school: Awaited<ReturnType<typeof createSchool>>;
let providerUser: Awaited<ReturnType<typeof createUser>>;
let headUser: Awaited<ReturnType<typeof createUser>>;
let listingId: string;

const year = academicYearFor(new Date());
const yearLabel = academicYearLabel(year);
const startYear = Number(year.slice(0, 4));

beforeAll(async () => {
  app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0', UPLOAD_MAX_DOCUMENT_MB: '1' });
  await ensureDefaultTaxonomy();
  const admin = await createUser('traded_services');
  await useSchemeWithEntitlements(toSessionUser(admin));
  school = await createSchool({ urn: '710001', name: 'Planfield Primary' });
  const otherSchool = await createSchool({ urn: '710002', name: 'Elsewhere Primary' });
  const sip = await createUser('sip', { name: 'Sam SIP' });
  await School.updateOne({ _id: school._id }, { $set: { sip: sip._id } });
  headUser = await createUser('school', { school: school._id, name: 'Hana Head' });
  providerUser = await createUser('provider');
  agents.sip = await signedInAgent(app, sip.email);
  agents.head = await signedInAgent(app, headUser.email);
  agents.tradedServices = await signedInAgent(app, admin.email);
  agents.otherSip = await signedInAgent(app, (await createUser('sip')).email);
  agents.otherHead = await signedInAgent(app, (await createUser('school', { school: otherSchool._id })).email);
  agents.provider = await signedInAgent(app, providerUser.email);
  listingId = (await createListing([providerUser._id], { name: 'Numeracy Lead Practitioner', capacity: { days: 40, period: 'year' } })).id as string;
});

const planOf = () => SupportPlan.findOne({ school: school._id, academicYear: year }).lean();

/** What a browser would send back from the form posting to `action`, unchanged: its fields as the page fills them in. */
function formValuesFrom(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${action.replace(/&/g, '&amp;')}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const values: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const existing = values[name];
    values[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  };
  const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    const type = attribute(tag, 'type');
    if (!name || name === '_csrf') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    add(name, unescape(attribute(tag, 'value') ?? ''));
  }
  for (const match of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(match[1]!, unescape(match[2]!.replace(/^\n/, '')));
  for (const match of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) add(match[1]!, unescape(/<option value="([^"]*)" selected/.exec(match[2]!)?.[1] ?? ''));
  return values;
}
const unescape = (text: string) => text.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const milestone = (row: number, text: string, [d, m, y]: [number, number, number]) => ({
  [`milestone-${row}-text`]: text,
  [`milestone-${row}-dueOn-day`]: String(d),
  [`milestone-${row}-dueOn-month`]: String(m),
  [`milestone-${row}-dueOn-year`]: String(y),
});

describe('the termly cycle, through the pages', () => {
  it('SIP writes the plan with two priorities, arranges support against one without retyping, reviews it; the head agrees, gives feedback against the objectives; the plan shows the impact', async () => {
    // The SIP opens the caseload school and starts this year's plan.
    const schoolPage = await agents.sip.get(paths.schools.school(school.urn));
    expect(schoolPage.text).toContain(`No plan for ${yearLabel} yet`);
    const started = await submitForm(agents.sip, paths.plans.plan(school.urn), {}, paths.plans.start(school.urn));
    expect(started.headers.location).toBe(paths.plans.plan(school.urn));
    expect(await planOf()).toMatchObject({ academicYear: year, priorities: [], version: 0 });

    // Two priorities: one from the taxonomy in the school's words, one in its own words only; each with milestones.
    const first = await submitForm(agents.sip, paths.plans.newPriority(school.urn), {
      need: 'ks2-maths-progress-below-national',
      words: 'Year 6 reasoning is weak',
      objectives: 'Raise reasoning in Year 6 to national expectations',
      successCriteria: '75% of Year 6 on track by the summer',
      ...milestone(1, 'Maths audit shared with staff', [31, 10, startYear]),
      ...milestone(2, 'Reasoning programme running', [28, 2, startYear + 1]),
    });
    expect(first.status).toBe(302);
    const second = await submitForm(agents.sip, paths.plans.newPriority(school.urn), {
      words: 'Attendance of disadvantaged pupils',
      ...milestone(1, 'Attendance officer in post', [30, 11, startYear]),
    });
    expect(second.status).toBe(302);
    let plan = (await planOf())!;
    expect(plan.priorities.map((priority) => priority.words)).toEqual(['Year 6 reasoning is weak', 'Attendance of disadvantaged pupils']);
    expect(plan.milestones.map((m) => m.text)).toEqual(['Maths audit shared with staff', 'Attendance officer in post', 'Reasoning programme running']);
    expect(plan.version).toBe(2);
    const [maths] = plan.priorities;

    // Arranging support against the first priority: suggestions for it, each linking to a request that starts from it.
    const support = await agents.sip.get(paths.plans.prioritySupport(school.urn, maths!._id.toString()));
    expect(support.status).toBe(200);
    const requestHref = paths.commissions.newForPriority(listingId, plan._id.toString(), maths!._id.toString());
    expect(support.text).toContain(requestHref.replace(/&/g, '&amp;'));
    const form = await agents.sip.get(requestHref);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Year 6 reasoning is weak');
    const values = formValuesFrom(form.text, paths.commissions.new);
    expect(values).toMatchObject({
      plan: plan._id.toString(),
      priority: maths!._id.toString(),
      school: school.id as string,
      need: 'Year 6 reasoning is weak',
      objectives: 'Raise reasoning in Year 6 to national expectations',
      successCriteria: '75% of Year 6 on track by the summer',
      // The need's areas that the listing covers (its "assessment, tracking and data" is not among them).
      categories: 'mathematics-and-numeracy',
    });
    // The SIP types only what the priority cannot know: days, start and who pays.
    const sent = await agents.sip
      .post(paths.commissions.new)
      .type('form')
      .send({ ...values, days: '3', 'startOn-day': '12', 'startOn-month': '1', 'startOn-year': String(startYear + 1), funding: 'school', _csrf: csrfTokenFrom(form.text) });
    expect(sent.headers.location).toBe(paths.commissions.check);
    const check = await agents.sip.get(paths.commissions.check);
    expect(check.text).toContain('Priority in the support plan');
    expect(check.text).toContain(`Year 6 reasoning is weak (support plan ${yearLabel})`);
    const created = await submitForm(agents.sip, paths.commissions.check, {});
    const commissionId = /\/commissions\/([0-9a-f]{24})\/requested/.exec(created.headers.location as string)![1]!;
    expect(await Commission.findById(commissionId).lean()).toMatchObject({
      route: 'brokered',
      plan: plan._id,
      planPriority: maths!._id,
      planPriorityTitle: 'Year 6 reasoning is weak',
      objectives: 'Raise reasoning in Year 6 to national expectations',
      successCriteria: '75% of Year 6 on track by the summer',
    });

    // The termly review: a status per milestone, with a note; the school sees it.
    const reviewPage = await agents.sip.get(paths.plans.review(school.urn));
    const [auditMilestone, attendanceMilestone] = plan.milestones;
    const reviewed = await submitForm(agents.sip, paths.plans.review(school.urn), {
      [`status-${auditMilestone!._id.toString()}`]: 'on_track',
      [`note-${auditMilestone!._id.toString()}`]: 'Shared at the October staff meeting',
      [`status-${attendanceMilestone!._id.toString()}`]: 'off_track',
    });
    expect(reviewPage.status).toBe(200);
    expect(reviewed.headers.location).toBe(paths.plans.plan(school.urn));
    expect(await PlanReview.findOne({ plan: plan._id }).lean()).toMatchObject({ termKey: termFor(new Date()).key, entries: [{ status: 'on_track' }, { status: 'off_track' }] });

    // The head sees the plan with the review and the support arranged, and agrees it.
    let headView = await agents.head.get(paths.plans.plan(school.urn));
    expect(headView.text).toContain('Not agreed yet');
    expect(headView.text).toContain('Shared at the October staff meeting');
    expect(headView.text).toContain('Off track');
    expect(headView.text).toContain('Numeracy Lead Practitioner');
    expect(headView.text).toContain('Agree this plan');
    const agreed = await submitForm(agents.head, paths.plans.plan(school.urn), {}, paths.plans.agree(school.urn));
    expect(agreed.headers.location).toBe(paths.plans.plan(school.urn));
    plan = (await planOf())!;
    expect(plan.agreed).toMatchObject({ version: 2, by: headUser._id });
    headView = await agents.head.get(paths.plans.plan(school.urn));
    expect(headView.text).toContain('Agreed with the school by Hana Head');
    expect(headView.text).not.toContain('Agree this plan');

    // An edit after agreement shows until the head agrees again; a review does not count as an edit.
    const editing = await agents.sip.get(paths.plans.priority(school.urn, maths!._id.toString()));
    const asShown = formValuesFrom(editing.text, paths.plans.priority(school.urn, maths!._id.toString()));
    expect(asShown).toMatchObject({ need: 'ks2-maths-progress-below-national', words: 'Year 6 reasoning is weak', 'milestone-1-text': 'Maths audit shared with staff', 'milestone-2-dueOn-month': '2' });
    const changed = await agents.sip
      .post(paths.plans.priority(school.urn, maths!._id.toString()))
      .type('form')
      .send({ ...asShown, successCriteria: '80% of Year 6 on track by the summer', _csrf: csrfTokenFrom(editing.text) });
    expect(changed.status).toBe(302);
    expect((await agents.head.get(paths.plans.plan(school.urn))).text).toContain('Changed since agreed');
    await submitForm(agents.head, paths.plans.plan(school.urn), {}, paths.plans.agree(school.urn));
    expect((await planOf())!.agreed!.version).toBe(3);
    // The milestones kept their ids through the edit, so the review still stands against them.
    expect((await planOf())!.milestones.map((m) => m._id.toString())).toEqual(plan.milestones.map((m) => m._id.toString()));

    // The support runs its course; the head's feedback form shows what was agreed and asks against it.
    const head = toSessionUser(headUser);
    const provider = toSessionUser(providerUser);
    for (const [actor, action] of [[head, 'confirm'], [provider, 'accept'], [provider, 'mark_delivered'], [head, 'confirm_completion']] as const) {
      const result = await actOnCommission(actor, commissionId, action);
      if (!result.ok) throw new Error(result.message);
    }
    const feedbackForm = await agents.head.get(paths.commissions.feedback(commissionId));
    expect(feedbackForm.text).toContain('Raise reasoning in Year 6 to national expectations');
    expect(feedbackForm.text).toContain('75% of Year 6 on track by the summer');
    expect(feedbackForm.text).toContain('Year 6 reasoning is weak');
    expect(feedbackForm.text).toContain('were the objectives met?');
    const posted = await agents.head
      .post(paths.commissions.feedback(commissionId))
      .field('_csrf', csrfTokenFrom(feedbackForm.text))
      .field('objectivesMet', 'partly')
      .field('quality', '5')
      .field('impact', '4')
      .field('value', '4')
      .field('recommend', '5')
      .field('whatChanged', 'Reasoning scores rose in the spring assessment');
    expect(posted.status).toBe(302);

    // The plan shows the priority's support and its rated impact.
    const finalView = (await agents.sip.get(paths.plans.plan(school.urn))).text;
    const mathsSection = finalView.slice(finalView.indexOf('Priority 1: Year 6 reasoning is weak'), finalView.indexOf('Priority 2:'));
    expect(mathsSection).toContain('objectives partly met; impact on pupils’ outcomes rated 4 out of 5');
    expect(await AuditEntry.countDocuments({ subjectType: 'SupportPlan', action: { $in: ['support_plan_agreed', 'support_plan_reviewed', 'support_plan_priority_changed'] } })).toBe(4);
  });
});

describe('who may do what with a plan', () => {
  let priorityId: string;
  beforeAll(async () => {
    await submitForm(agents.head, paths.plans.plan(school.urn), {}, paths.plans.start(school.urn));
    priorityId = (await planOf())!.priorities[0]?._id.toString() ?? '';
    if (!priorityId) {
      await submitForm(agents.head, paths.plans.newPriority(school.urn), { words: 'Reading' });
      priorityId = (await planOf())!.priorities[0]!._id.toString();
    }
  });

  it('lets Traded Services read the plan but not write, agree or review it', async () => {
    const page = await agents.tradedServices.get(paths.plans.plan(school.urn));
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Add a priority');
    expect(page.text).not.toContain('Agree this plan');
    const version = (await planOf())!.version;
    const refused = await submitForm(agents.tradedServices, paths.plans.plan(school.urn), { words: 'Not theirs to write', version: String(version) }, paths.plans.newPriority(school.urn));
    expect(refused.status).toBe(403);
    expect((await submitForm(agents.tradedServices, paths.plans.plan(school.urn), {}, paths.plans.agree(school.urn))).status).toBe(403);
    expect((await agents.tradedServices.get(paths.plans.review(school.urn))).status).toBe(403);
    expect((await planOf())!.version).toBe(version);
  });

  it('refuses another school, another SIP and providers, on every page of the plan', async () => {
    for (const agent of [agents.otherHead, agents.otherSip, agents.provider]) {
      for (const url of [paths.plans.plan(school.urn), paths.plans.newPriority(school.urn), paths.plans.priority(school.urn, priorityId), paths.plans.prioritySupport(school.urn, priorityId), paths.plans.review(school.urn)]) {
        expect([url, (await agent.get(url)).status]).toEqual([url, 403]);
      }
    }
    const token = csrfTokenFrom((await agents.otherSip.get(paths.changePassword)).text);
    const forged = await agents.otherSip.post(paths.plans.newPriority(school.urn)).type('form').send({ words: 'Not my school', version: '0', _csrf: token });
    expect(forged.status).toBe(403);
  });

  it('refuses a request for support against a priority of a school outside the SIP’s caseload', async () => {
    const plan = (await planOf())!;
    const response = await agents.otherSip.get(paths.commissions.newForPriority(listingId, plan._id.toString(), priorityId));
    expect(response.status).toBe(403);
  });

  it('lets only the school agree its plan, and the SIP alone review it', async () => {
    const version = String((await planOf())!.version);
    expect((await submitForm(agents.sip, paths.plans.plan(school.urn), { version }, paths.plans.agree(school.urn))).status).toBe(403);
    const headReview = await agents.head.get(paths.plans.review(school.urn));
    expect(headReview.status).toBe(403);
  });
});

describe('writing a plan', () => {
  it('starts the year’s plan from the priorities the school recorded before plans, without losing its own words', async () => {
    const legacy = await createSchool({ urn: '710003', name: 'Oldrecords Primary' });
    await School.updateOne({ _id: legacy._id }, { $set: { priorities: { needs: ['phonics-outcomes-falling', 'persistent-absence-rising'], notes: 'Our Year 1 phonics check results dropped' } } });
    const head = await signedInAgent(app, (await createUser('school', { school: legacy._id })).email);
    const before = await head.get(paths.plans.plan(legacy.urn));
    expect(before.text).toContain('Phonics outcomes are falling');
    expect(await SupportPlan.exists({ school: legacy._id })).toBeNull();
    await submitForm(head, paths.plans.plan(legacy.urn), {}, paths.plans.start(legacy.urn));
    const plan = await SupportPlan.findOne({ school: legacy._id }).lean();
    expect(plan!.priorities.map((priority) => [priority.need ?? null, priority.words ?? null])).toEqual([
      ['phonics-outcomes-falling', null],
      ['persistent-absence-rising', null],
      [null, 'Our Year 1 phonics check results dropped'],
    ]);
    // Starting again changes nothing.
    await submitForm(head, paths.plans.plan(legacy.urn), {}, paths.plans.start(legacy.urn));
    expect(await SupportPlan.countDocuments({ school: legacy._id })).toBe(1);
    // The school page lists the plan's priorities, and they suggest support.
    const page = await head.get(paths.schools.yourSchool);
    expect(page.text).toContain('Persistent absence is rising');
  });

  it('refuses a save based on a version someone else has since changed, keeping what was typed', async () => {
    const version = String((await planOf())!.version);
    const first = await agents.sip.post(paths.plans.newPriority(school.urn)).type('form').send({ words: 'Governance', version, _csrf: csrfTokenFrom((await agents.sip.get(paths.changePassword)).text) });
    expect(first.status).toBe(302);
    const stale = await agents.head.post(paths.plans.newPriority(school.urn)).type('form').send({ words: 'Early reading', version, _csrf: csrfTokenFrom((await agents.head.get(paths.changePassword)).text) });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('Someone else changed the plan while you were working on it');
    expect(stale.text).toContain('Early reading');
    expect((await planOf())!.priorities.map((priority) => priority.words)).not.toContain('Early reading');
  });

  it('refuses a need not in the list and half a milestone, with the errors by the fields', async () => {
    const response = await submitForm(agents.head, paths.plans.newPriority(school.urn), { need: 'made-up-need', words: 'Something', 'milestone-1-text': 'No date given' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<a href="#milestone-1-dueOn">Enter when milestone 1 is due, for example 31 3 2027</a>');
    expect(response.text).toContain('No date given');
    const needRefused = await submitForm(agents.head, paths.plans.newPriority(school.urn), { need: 'made-up-need', words: 'Something' });
    expect(needRefused.status).toBe(400);
    expect(needRefused.text).toContain('<a href="#need">Select a need from the list</a>');
  });

  it('removes a priority with its milestones', async () => {
    const plan = (await planOf())!;
    const last = plan.priorities[plan.priorities.length - 1]!;
    const removed = await submitForm(agents.head, paths.plans.priority(school.urn, last._id.toString()), {}, paths.plans.removePriority(school.urn, last._id.toString()));
    expect(removed.headers.location).toBe(paths.plans.plan(school.urn));
    const after = (await planOf())!;
    expect(after.priorities.map((priority) => priority._id.toString())).not.toContain(last._id.toString());
    expect(after.milestones.some((m) => m.priority.equals(last._id))).toBe(false);
  });
});

describe('home pages', () => {
  it('tell the school its plan waits to be agreed, and the SIP a termly review is due', async () => {
    const fresh = await createSchool({ urn: '710004', name: 'Waiting Primary' });
    const sip = await createUser('sip');
    await School.updateOne({ _id: fresh._id }, { $set: { sip: sip._id } });
    const head = await signedInAgent(app, (await createUser('school', { school: fresh._id })).email);
    const sipAgent = await signedInAgent(app, sip.email);
    await submitForm(sipAgent, paths.plans.plan(fresh.urn), {}, paths.plans.start(fresh.urn));
    await submitForm(sipAgent, paths.plans.newPriority(fresh.urn), { words: 'Writing', ...milestone(1, 'Moderation with a partner school', [1, 3, startYear + 1]) });
    expect((await head.get(paths.dashboards.school)).text).toMatch(/Support plan to agree<\/dt>\s*<dd class="govuk-summary-list__value">1<\/dd>\s*<dd class="govuk-summary-list__actions"><a class="govuk-link" href="\/schools\/710004\/plan"/);
    expect((await sipAgent.get(paths.dashboards.sip)).text).toContain('Support plans due a termly review');
    const plan = (await SupportPlan.findOne({ school: fresh._id }).lean())!;
    await submitForm(sipAgent, paths.plans.review(fresh.urn), { [`status-${plan.milestones[0]!._id.toString()}`]: 'on_track' });
    await submitForm(head, paths.plans.plan(fresh.urn), {}, paths.plans.agree(fresh.urn));
    expect((await head.get(paths.dashboards.school)).text).not.toContain('Support plan to agree');
    expect((await sipAgent.get(paths.dashboards.sip)).text).not.toContain('Support plans due a termly review');
  });
});

describe('schools that moved up a level after support', () => {
  it('reports, per provider, the schools supported that moved up within 3 terms, with counts and no share of fewer than five', async () => {
    const listing = await createListing([providerUser._id], { name: 'Moved Up Literacy', capacity: { days: 50, period: 'year' } });
    const provider = toSessionUser(providerUser);
    const tradedServices = new Types.ObjectId();
    const decision = (level: string, iso: string) => ({ level, levelLabel: level === '3' ? 'Causing concern' : 'Vulnerable', setBy: tradedServices, setAt: new Date(`${iso}T00:00:00Z`), reason: 'Set', reviewDue: new Date() });
    const now = new Date();
    for (const [index, moved] of [true, false].entries()) {
      const supported = await createSchool({ urn: `71010${index}`, name: `Supported ${index}` });
      const headOf = await createUser('school', { school: supported._id });
      const history = [decision('3', '2020-07-01'), ...(moved ? [decision('2', '2021-01-15')] : [])];
      await SchoolSupport.create({ school: supported._id, current: history[history.length - 1], history });
      const { id } = await requestAs(toSessionUser(headOf), listing.id as string);
      for (const [actor, action] of [[provider, 'accept'], [provider, 'mark_delivered'], [toSessionUser(headOf), 'confirm_completion']] as const) {
        const result = await actOnCommission(actor, id, action);
        if (!result.ok) throw new Error(result.message);
      }
      // As if the support had run in autumn 2020: its three terms have ended.
      await Commission.updateOne({ _id: id }, { $set: { startOn: new Date('2020-09-14T00:00:00Z'), completedAt: new Date('2020-11-20T00:00:00Z') } });
    }
    expect(now.getTime()).toBeGreaterThan(new Date('2021-12-31').getTime());
    const report = await agents.tradedServices.get(paths.reports.commissions);
    const table = report.text.slice(report.text.indexOf('Schools supported that moved up a support level'));
    const row = table.slice(table.indexOf('Moved Up Literacy'), table.indexOf('</tr>', table.indexOf('Moved Up Literacy')));
    expect(row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()).toBe('Moved Up Literacy 2 1 Too few to show 0');
    const csv = await agents.tradedServices.get(paths.reports.csv('moved-up'));
    expect(csv.text).toContain('Moved Up Literacy,2,1,,0');
    // A SIP's report covers only their caseload: these schools are in nobody's.
    expect((await agents.sip.get(paths.reports.commissions)).text).not.toContain('Moved Up Literacy');
  });
});
