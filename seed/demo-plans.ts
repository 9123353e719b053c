import { Types } from 'mongoose';
import { Commission } from '../src/features/commissions/commission.model';
import { PlanReview } from '../src/features/plans/plan-review.model';
import { SupportPlan } from '../src/features/plans/support-plan.model';
import { academicYearFor, termFor } from '../src/lib/academic-calendar';

/**
 * Oakfield's support plan for the current academic year, so the demo shows the termly cycle: two
 * priorities with objectives, success criteria and milestones, agreed by the head; support its SIP arranged
 * against the second (SUP-DEMO-0010, waiting for the school to confirm); and this term's review by the SIP.
 * Dates fall in whichever academic year the demo is loaded in.
 */
const OAKFIELD = '900001';

export async function seedDemoPlans(schoolIds: Map<string, Types.ObjectId>, userIds: Map<string, Types.ObjectId>): Promise<void> {
  const school = schoolIds.get(OAKFIELD);
  const head = userIds.get('head.oakfield@demo.example');
  const sip = userIds.get('sip@demo.example');
  if (!school || !head || !sip) return;
  const now = new Date();
  const academicYear = academicYearFor(now);
  const start = Number(academicYear.slice(0, 4));
  const on = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));

  const maths = new Types.ObjectId();
  const mentoring = new Types.ObjectId();
  const milestones = [
    { _id: new Types.ObjectId(), priority: maths, text: 'Maths lead’s audit of KS2 teaching shared with staff', dueOn: on(start, 10, 31) },
    { _id: new Types.ObjectId(), priority: mentoring, text: 'Mentor matched and first meeting held', dueOn: on(start, 11, 30) },
    { _id: new Types.ObjectId(), priority: maths, text: 'Daily arithmetic programme running in Years 5 and 6', dueOn: on(start + 1, 2, 28) },
    { _id: new Types.ObjectId(), priority: mentoring, text: 'Head presents the plan’s progress to governors', dueOn: on(start + 1, 3, 31) },
    { _id: new Types.ObjectId(), priority: maths, text: 'Spring assessment: 70% of Year 6 on track in maths', dueOn: on(start + 1, 4, 30) },
  ];
  const priorities = [
    {
      _id: maths,
      need: 'ks2-maths-progress-below-national',
      words: 'Year 5 and 6 arithmetic and reasoning are below national',
      objectives: 'Raise arithmetic and reasoning in Years 5 and 6 to national expectations, with consistent maths teaching across KS2.',
      successCriteria: 'Year 6 pupils on track for the expected standard in maths rise from 58% to 75% by the summer.',
    },
    {
      _id: mentoring,
      need: 'new-headteacher-needs-mentoring',
      words: 'Our new headteacher wants a mentor in the first year',
      objectives: 'Mentoring for the new head in leading the school improvement plan and reporting to governors.',
      successCriteria: 'The head leads the spring governors’ review of the plan; staff survey shows confidence in leadership.',
    },
  ];
  const agreedAt = on(start, 9, 24);
  const saved = await SupportPlan.updateOne(
    { school, academicYear },
    {
      $setOnInsert: {
        school,
        academicYear,
        priorities,
        milestones,
        version: 1,
        editedAt: on(start, 9, 17),
        editedBy: sip,
        agreed: { version: 1, by: head, at: agreedAt },
      },
    },
    { upsert: true },
  );
  if (saved.upsertedCount === 0) return;
  const plan = (await SupportPlan.findOne({ school, academicYear }, { _id: 1 }).lean())!;

  // This term's review, so the demo's home pages show nothing overdue for it.
  const reviewedAt = now.getTime() > agreedAt.getTime() ? now : agreedAt;
  await PlanReview.create({
    plan: plan._id,
    school,
    termKey: termFor(reviewedAt).key,
    reviewedBy: sip,
    reviewedAt,
    entries: [
      { milestone: milestones[0]!._id, status: 'on_track', note: 'Audit done; shared at the October staff meeting.' },
      { milestone: milestones[1]!._id, status: 'some_concern', note: 'Mentor named; the school has still to confirm the support.' },
      { milestone: milestones[2]!._id, status: 'some_concern', note: 'Programme chosen; Year 5 start moved to January.' },
    ],
  });

  // The SIP arranged the LLE's mentoring against the second priority: it starts from the priority's text.
  await Commission.updateOne(
    { reference: 'SUP-DEMO-0010', school, plan: { $exists: false } },
    { $set: { plan: plan._id, planPriority: mentoring, planPriorityTitle: priorities[1]!.words, need: priorities[1]!.words, objectives: priorities[1]!.objectives, successCriteria: priorities[1]!.successCriteria } },
  );
}
