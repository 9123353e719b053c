import type { Express } from 'express';
import pino from 'pino';
import { Types } from 'mongoose';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { createMailer } from '../../src/features/mail/mailer';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { NotificationEmails } from '../../src/features/notifications/notification-emails';
import { Notification } from '../../src/features/notifications/notification.model';
import { School } from '../../src/features/schools/school.model';
import { sendLicenceReminders } from '../../src/features/sips/licence-reminders';
import { SipFeedback } from '../../src/features/sips/sip-feedback.model';
import { SipProfile, SipSettings } from '../../src/features/sips/sip-profile.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { academicYearFor, termFor } from '../../src/lib/academic-calendar';
import { SupportPlan } from '../../src/features/plans/support-plan.model';
import { paths } from '../../src/paths';
import { buildTestApp, testClock, testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-05-10T10:00:00Z');
const dayFromStart = (days: number) => new Date(Date.UTC(2026, 4, 10) + days * DAY);
const clock = testClock(START);

let app: Express;
let admin: Agent;
let adminId: Types.ObjectId;
type Sip = { id: string; agent: Agent; email: string };
const sips = {} as Record<'literacy' | 'leader' | 'lapsed' | 'unrecorded', Sip>;
let school: Awaited<ReturnType<typeof createSchool>>;
let lapsedSchool: Awaited<ReturnType<typeof createSchool>>;
let head: Agent;
let otherHead: Agent;
let provider: Agent;

async function sipWithProfile(name: string, profile: { phases: string[]; specialisms: string[]; capacityDays?: number; renewalInDays?: number }): Promise<Sip> {
  const user = await createUser('sip', { name });
  const licence = profile.renewalInDays === undefined ? undefined : { renewalDate: dayFromStart(profile.renewalInDays), recordedBy: adminId, recordedAt: START };
  await SipProfile.create({ user: user._id, phases: profile.phases, specialisms: profile.specialisms, capacityDays: profile.capacityDays, licence });
  return { id: user.id as string, agent: await signedInAgent(app, user.email), email: user.email };
}

beforeAll(async () => {
  app = buildTestApp({}, pino({ level: 'silent' }), clock.now);
  await ensureDefaultTaxonomy();
  const adminUser = await createUser('traded_services');
  adminId = adminUser._id;
  admin = await signedInAgent(app, adminUser.email);
  await SipSettings.create({ key: 'current', daysPerSchool: 5 });
  sips.literacy = await sipWithProfile('Lee Literacy', { phases: ['primary'], specialisms: ['english-and-literacy'], capacityDays: 20, renewalInDays: 300 });
  sips.leader = await sipWithProfile('Lou Leader', { phases: ['primary', 'secondary'], specialisms: ['leadership-and-management'], capacityDays: 10, renewalInDays: 200 });
  sips.lapsed = await sipWithProfile('Liz Lapsed', { phases: ['primary'], specialisms: ['english-and-literacy', 'early-years'], capacityDays: 30, renewalInDays: -1 });
  sips.unrecorded = await sipWithProfile('Uma Unrecorded', { phases: ['secondary'], specialisms: [] });
  school = await createSchool({ urn: '610001', name: 'Phonics Primary' });
  await School.updateOne({ _id: school._id }, { $set: { priorities: { needs: ['phonics-outcomes-falling'], notes: '' } } });
  lapsedSchool = await createSchool({ urn: '610002', name: 'Kept Primary' });
  await School.updateOne({ _id: lapsedSchool._id }, { $set: { sip: new Types.ObjectId(sips.lapsed.id) } });
  head = await signedInAgent(app, (await createUser('school', { school: school._id })).email);
  otherHead = await signedInAgent(app, (await createUser('school', { school: lapsedSchool._id })).email);
  provider = await signedInAgent(app, (await createUser('provider')).email);
});

describe('a SIP profile', () => {
  it('is kept by the SIP: phases, specialisms and experience, checked against the taxonomy', async () => {
    const page = await sips.unrecorded.agent.get(paths.sips.edit(sips.unrecorded.id));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phases you work in');
    const wrong = await submitForm(sips.unrecorded.agent, paths.sips.edit(sips.unrecorded.id), { phases: ['secondary', 'made-up-phase'], experience: 'Head of two secondaries' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Select phases from the list');
    expect(wrong.text).toContain('Head of two secondaries');
    const saved = await submitForm(sips.unrecorded.agent, paths.sips.edit(sips.unrecorded.id), { phases: ['secondary', 'special'], specialisms: ['send-and-inclusion'], experience: 'Head of two secondaries' });
    expect(saved.status).toBe(302);
    const profile = await sips.unrecorded.agent.get(paths.sips.profile(sips.unrecorded.id));
    expect(profile.text).toContain('Secondary, Special');
    expect(profile.text).toContain('SEND and inclusion');
    expect(profile.text).toContain('Licence to practise not recorded');
    // The licence is Traded Services' to record: no link for the SIP.
    expect(profile.text).not.toContain(`href="${paths.sips.licence(sips.unrecorded.id)}"`);
    expect(await AuditEntry.countDocuments({ action: 'sip_profile_updated', subjectId: new Types.ObjectId(sips.unrecorded.id) })).toBe(1);
  });

  it('is the SIP’s own: another SIP, a school or a provider is refused it, and Traded Services may edit any', async () => {
    for (const agent of [sips.literacy.agent, head, provider]) {
      expect((await agent.get(paths.sips.profile(sips.unrecorded.id))).status).toBe(403);
      expect((await agent.get(paths.sips.edit(sips.unrecorded.id))).status).toBe(403);
      expect((await submitForm(agent, paths.sips.edit(sips.literacy.id), { phases: 'primary' }, paths.sips.edit(sips.unrecorded.id))).status).toBe(403);
    }
    expect((await SipProfile.findOne({ user: sips.unrecorded.id }).lean())!.phases).toEqual(['secondary', 'special']);
    expect((await submitForm(admin, paths.sips.edit(sips.unrecorded.id), { phases: ['secondary'], specialisms: [], experience: '' })).status).toBe(302);
    expect((await SipProfile.findOne({ user: sips.unrecorded.id }).lean())!.phases).toEqual(['secondary']);
    // Not a SIP: no profile.
    expect((await admin.get(paths.sips.profile(new Types.ObjectId().toString()))).status).toBe(404);
  });

  it('has its licence to practise and capacity recorded by Traded Services only', async () => {
    for (const agent of [sips.unrecorded.agent, head, provider]) {
      expect((await agent.get(paths.sips.licence(sips.unrecorded.id))).status).toBe(403);
    }
    const wrong = await submitForm(admin, paths.sips.licence(sips.unrecorded.id), { reference: 'LTP-9', 'renewalDate-day': '31', 'renewalDate-month': '2', 'renewalDate-year': '2027', capacityDays: 'lots' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Enter the licence’s real renewal date, for example 31 8 2027');
    expect(wrong.text).toContain('Enter a number of days from 0 to 365, or leave it empty');
    expect(wrong.text).toContain('value="LTP-9"');
    expect(wrong.text).toContain('href="#renewalDate"');
    const saved = await submitForm(admin, paths.sips.licence(sips.unrecorded.id), { reference: 'LTP-9', 'renewalDate-day': '31', 'renewalDate-month': '8', 'renewalDate-year': '2027', capacityDays: '12' });
    expect(saved.status).toBe(302);
    const profile = (await SipProfile.findOne({ user: sips.unrecorded.id }).lean())!;
    expect(profile.licence).toMatchObject({ reference: 'LTP-9', renewalDate: new Date('2027-08-31T00:00:00Z') });
    expect(profile.capacityDays).toBe(12);
    expect(profile.phases).toEqual(['secondary']);
    expect((await sips.unrecorded.agent.get(paths.sips.profile(sips.unrecorded.id))).text).toContain('Licence to practise current to 31 August 2027');
  });
});

describe('choosing a SIP for a school', () => {
  it('ranks suggested SIPs by phase, the school’s priorities and capacity, with reasons, and never suggests a lapsed licence', async () => {
    const page = await admin.get(paths.schools.sip(school.urn));
    expect(page.status).toBe(200);
    const radios = [...page.text.matchAll(/name="sip" type="radio" value="([^"]*)"/g)].map((match) => match[1]);
    expect(radios).toEqual([sips.literacy.id, sips.leader.id, sips.unrecorded.id, '']);
    expect(page.text).toContain('Specialism for “Phonics outcomes are falling”: English and literacy');
    expect(page.text).toContain('Works in the primary phase');
    expect(page.text).toContain('20 days left of 20 a year (0 schools × 5 days)');
    expect(page.text).toContain('Does not work in the primary phase (works in secondary)');
    // Liz knows phonics best of all, but her licence lapsed yesterday.
    expect(page.text).toContain('Not offered for new schools');
    expect(page.text).toContain('Liz Lapsed</a>: Licence to practise lapsed: its renewal date, 9 May 2026, has passed, so they are not offered for new schools');
    expect(radios).not.toContain(sips.lapsed.id);
  });

  it('matches against this year’s support plan once the school has one, rather than the needs recorded before', async () => {
    const planned = await createSchool({ urn: '610005', name: 'Planned Primary' });
    await School.updateOne({ _id: planned._id }, { $set: { priorities: { needs: ['phonics-outcomes-falling'], notes: '' } } });
    const plan = await SupportPlan.create({ school: planned._id, academicYear: academicYearFor(START), priorities: [{ _id: new Types.ObjectId(), need: 'new-headteacher-needs-mentoring' }] });
    const page = await admin.get(paths.schools.sip(planned.urn));
    expect([...page.text.matchAll(/name="sip" type="radio" value="([^"]*)"/g)][0]![1]).toBe(sips.leader.id);
    expect(page.text).toContain('Specialism for “New headteacher needs mentoring”: Leadership and management');
    expect(page.text).not.toContain('Phonics outcomes are falling');
    // Last year's plan is not this year's: the recorded needs stand again.
    await SupportPlan.updateOne({ _id: plan._id }, { $set: { academicYear: '2024-25' } });
    expect((await admin.get(paths.schools.sip(planned.urn))).text).toContain('Specialism for “Phonics outcomes are falling”: English and literacy');
  });

  it('refuses a SIP whose licence has lapsed, saying why, and changes nothing', async () => {
    const refused = await submitForm(admin, paths.schools.sip(school.urn), { sip: sips.lapsed.id });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Licence to practise lapsed: its renewal date, 9 May 2026, has passed, so this SIP cannot be given a new school.');
    expect(refused.text).toContain('href="#sip"');
    expect((await School.findById(school._id).lean())!.sip).toBeUndefined();
  });

  it('assigns any eligible SIP Traded Services choose, once, and refuses other roles', async () => {
    for (const agent of [sips.literacy.agent, head, provider]) {
      expect((await agent.get(paths.schools.sip(school.urn))).status).toBe(403);
      expect((await submitForm(agent, paths.sips.profile(sips.literacy.id), { sip: sips.literacy.id }, paths.schools.sip(school.urn))).status).toBe(403);
    }
    expect((await submitForm(admin, paths.schools.sip(school.urn), { sip: sips.leader.id })).status).toBe(302);
    expect((await submitForm(admin, paths.schools.sip(school.urn), { sip: sips.leader.id })).status).toBe(302);
    expect((await School.findById(school._id).lean())!.sip!.toString()).toBe(sips.leader.id);
    expect(await AuditEntry.countDocuments({ action: 'sip_assigned', subjectId: school._id })).toBe(1);
    // Now Lou has one school: 5 of his 10 days are committed, and the page says so.
    expect((await admin.get(paths.schools.sip(school.urn))).text).toContain('The school’s SIP now');
    expect((await admin.get(paths.sips.list)).text).toContain('5 days left of 10 a year (1 school × 5 days)');
  });

  it('leaves a lapsed SIP their existing schools, flagged to Traded Services everywhere they look', async () => {
    // Choosing Liz again for the school she already has changes nothing and is not refused.
    expect((await submitForm(admin, paths.schools.sip(lapsedSchool.urn), { sip: sips.lapsed.id })).status).toBe(302);
    expect((await School.findById(lapsedSchool._id).lean())!.sip!.toString()).toBe(sips.lapsed.id);
    expect((await admin.get(paths.schools.school(lapsedSchool.urn))).text).toContain('Licence lapsed');
    const home = await admin.get(paths.dashboards.traded_services);
    expect(home.text).toMatch(/SIPs whose licence to practise has lapsed<\/dt>\s*<dd class="govuk-summary-list__value">1<\/dd>/);
    const users = await admin.get(paths.admin.users);
    expect(users.text).toContain(`href="${paths.sips.profile(sips.lapsed.id)}"><strong class="govuk-tag govuk-tag--red">Licence lapsed</strong>`);
    expect((await admin.get(paths.admin.user(sips.lapsed.id))).text).toContain('Licence to practise lapsed');
    const own = await sips.lapsed.agent.get(paths.sips.profile(sips.lapsed.id));
    expect(own.text).toContain('You stay the SIP for your schools, but cannot be given new ones');
    expect(own.text).toContain('Kept Primary');
    expect((await sips.lapsed.agent.get(paths.dashboards.sip)).text).toContain('Your licence to practise, to renew');
  });

  it('takes a school out of any caseload with no SIP', async () => {
    const other = await createSchool({ urn: '610003' });
    await School.updateOne({ _id: other._id }, { $set: { sip: new Types.ObjectId(sips.literacy.id) } });
    expect((await submitForm(admin, paths.schools.sip(other.urn), { sip: '' })).status).toBe(302);
    expect((await School.findById(other._id).lean())!.sip).toBeUndefined();
    const missing = await submitForm(admin, paths.schools.sip(other.urn), {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Select a School Improvement Partner, or no SIP');
  });
});

describe('termly feedback from the head on their SIP', () => {
  const ratings = { challenge: '4', evaluation: '5', brokering: '2' };

  it('is given once a term by the school, on its own SIP, and asked for on its home page until then', async () => {
    expect((await head.get(paths.dashboards.school)).text).toContain('Feedback on your SIP this term');
    const form = await head.get(paths.sips.feedback);
    expect(form.status).toBe(200);
    expect(form.text).toContain('How has Lou Leader worked with your school this term?');
    const missing = await submitForm(head, paths.sips.feedback, { challenge: '4', comment: 'Useful visits' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Select a rating for evaluation and priorities');
    expect(missing.text).toContain('Useful visits');
    // A SIP named in the form is ignored: the feedback is on the school's own SIP.
    const given = await submitForm(head, paths.sips.feedback, { ...ratings, comment: 'Challenging and kind.', sip: sips.literacy.id });
    expect(given.status).toBe(302);
    const again = await submitForm(head, paths.sips.feedback, { ...ratings, comment: 'Twice?' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('only one is kept each term');
    const saved = await SipFeedback.find({ school: school._id }).lean();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ sip: new Types.ObjectId(sips.leader.id), term: termFor(START).key, ratings: { challenge: 4, evaluation: 5, brokering: 2 }, comment: 'Challenging and kind.' });
    expect((await head.get(paths.dashboards.school)).text).not.toContain('Feedback on your SIP this term');
  });

  it('opens again next term', async () => {
    clock.advanceMinutes(60 * 24 * 120);
    try {
      expect((await submitForm(head, paths.sips.feedback, { ...ratings, comment: '' })).status).toBe(302);
      expect(await SipFeedback.countDocuments({ school: school._id })).toBe(2);
    } finally {
      clock.advanceMinutes(-60 * 24 * 120);
    }
  });

  it('is refused to other roles, and to a school without a SIP', async () => {
    for (const agent of [sips.leader.agent, admin, provider]) {
      expect((await agent.get(paths.sips.feedback)).status).toBe(403);
      expect((await submitForm(agent, paths.sips.profile(sips.leader.id), ratings, paths.sips.feedback)).status).toBe(403);
    }
    const noSip = await createSchool({ urn: '610004' });
    const noSipHead = await signedInAgent(app, (await createUser('school', { school: noSip._id })).email);
    expect((await noSipHead.get(paths.sips.feedback)).text).toContain('Your school has no School Improvement Partner at the moment');
    expect((await submitForm(noSipHead, paths.dashboards.school, ratings, paths.sips.feedback)).status).toBe(403);
    expect(await SipFeedback.countDocuments({ school: noSip._id })).toBe(0);
  });

  it('from someone who works across schools, is on the SIP of the school they act for', async () => {
    const both = await createUser('school', { schools: [school._id, lapsedSchool._id] });
    const agent = await signedInAgent(app, both.email);
    await submitForm(agent, paths.actingFor, { school: lapsedSchool.id as string });
    expect((await agent.get(paths.sips.feedback)).text).toContain('How has Liz Lapsed worked with your school this term?');
    expect((await submitForm(agent, paths.sips.feedback, ratings)).status).toBe(302);
    expect(await SipFeedback.findOne({ school: lapsedSchool._id }).lean()).toMatchObject({ sip: new Types.ObjectId(sips.lapsed.id), givenBy: both._id });
    // Phonics Primary's feedback this term was given already, by its head.
    expect(await SipFeedback.countDocuments({ school: school._id, givenBy: both._id })).toBe(0);
  });

  it('is read by Traded Services on the SIP’s profile, and not by the SIP or other schools', async () => {
    const profile = await admin.get(paths.sips.profile(sips.leader.id));
    expect(profile.text).toContain('Feedback from heads');
    expect(profile.text).toContain('Challenging and kind.');
    expect(profile.text).toContain('Phonics Primary');
    expect(profile.text).toMatch(/Challenge and support<\/dt>\s*<dd class="govuk-summary-list__value">4\.0 on average/);
    const own = await sips.leader.agent.get(paths.sips.profile(sips.leader.id));
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('Feedback from heads');
    expect(own.text).not.toContain('Challenging and kind.');
    expect((await otherHead.get(paths.sips.feedback)).text).not.toContain('Challenging and kind.');
    expect((await admin.get(paths.sips.profile(sips.lapsed.id))).text).toContain('Kept Primary');
  });
});

describe('licence reminders', () => {
  it('remind a SIP once, before the renewal date, in the service and by email; a renewed licence is reminded in its turn', async () => {
    const sip = await createUser('sip', { name: 'Rita Renewal' });
    await SipProfile.create({ user: sip._id, licence: { renewalDate: dayFromStart(45), recordedBy: adminId, recordedAt: START } });
    expect(await sendLicenceReminders(30, START)).toBe(0);
    const soon = new Date(START.getTime() + 20 * DAY);
    expect((await Promise.all([sendLicenceReminders(30, soon), sendLicenceReminders(30, soon)])).sort()).toEqual([0, 1]);
    expect(await sendLicenceReminders(30, soon)).toBe(0);
    expect(await Notification.countDocuments({ recipient: sip._id, subject: /^Your licence to practise is due for renewal by 24 June 2026/ })).toBe(1);
    await new NotificationEmails({ mailer: createMailer(testConfig().mail), baseUrl: 'https://support.example', serviceName: 'Test' }, pino({ level: 'silent' })).send();
    const emails = await OutboxMessage.find({ to: sip.email, subject: /licence to practise/ }).lean();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(paths.sips.profile(sip.id as string));

    await SipProfile.updateOne({ user: sip._id }, { $set: { 'licence.renewalDate': dayFromStart(400) } });
    expect(await sendLicenceReminders(30, new Date(START.getTime() + 380 * DAY))).toBe(1);
    expect(await Notification.countDocuments({ recipient: sip._id, subject: /licence to practise/ })).toBe(2);
  });

  it('do not remind a SIP whose licence has already lapsed, or a deactivated one', async () => {
    const deactivated = await createUser('sip', { active: false });
    await SipProfile.create({ user: deactivated._id, licence: { renewalDate: dayFromStart(10), recordedBy: adminId, recordedAt: START } });
    await sendLicenceReminders(30, START);
    expect(await Notification.countDocuments({ recipient: { $in: [deactivated._id, new Types.ObjectId(sips.lapsed.id)] } })).toBe(0);
  });
});

describe('the help page', () => {
  it('tells everyone how licences, matching and feedback work, with the LA’s reminder period', async () => {
    const help = await head.get(paths.help);
    expect(help.text).toContain('A SIP is reminded once, 30 days before their licence is due for renewal.');
    expect(help.text).toContain('Only Traded Services read it');
  });
});

describe('a SIP’s personal data', () => {
  it('is in their download, and their profile and heads’ comments about them go when it is erased', async () => {
    const download = await sips.leader.agent.get(paths.yourData);
    const data = JSON.parse(download.text) as { sipProfile: { phases: string[] }; sipFeedback: { aboutYou: { comment?: string }[] } };
    expect(data.sipProfile.phases).toEqual(['primary', 'secondary']);
    expect(data.sipFeedback.aboutYou.map((feedback) => feedback.comment)).toContain('Challenging and kind.');
    expect(JSON.stringify(data.sipFeedback.aboutYou)).not.toContain('Phonics Primary');

    const erased = await submitForm(admin, paths.admin.eraseUser(sips.leader.id), { reason: 'Left the LA' });
    expect(erased.status).toBe(302);
    expect(await SipProfile.countDocuments({ user: sips.leader.id })).toBe(0);
    const kept = await SipFeedback.find({ sip: sips.leader.id }).lean();
    expect(kept).toHaveLength(2);
    expect(kept.every((feedback) => feedback.comment === undefined && feedback.ratings.challenge === 4)).toBe(true);
  });
});
