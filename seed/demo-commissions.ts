import type { Types } from 'mongoose';
import { User } from '../src/features/accounts/user.model';
import { AuditEntry } from '../src/features/audit/audit.model';
import { Commission, createdAtKeyOf } from '../src/features/commissions/commission.model';
import type { CommissionAction, CommissionStatus } from '../src/features/commissions/commission-status';
import { attentionFor, Feedback } from '../src/features/commissions/feedback/feedback.model';
import { Listing } from '../src/features/listings/listing.model';
import { School } from '../src/features/schools/school.model';
import { academicYearFor, termFor } from '../src/lib/academic-calendar';

/** Demo school users beyond the two in DEMO_USERS, so one listing has feedback from three schools. */
export const DEMO_COMMISSION_USERS = [
  { email: 'head.stannes@demo.example', name: 'Grace Okafor', role: 'school' as const, schoolUrns: ['900003'] },
  { email: 'head.meadowview@demo.example', name: 'Tom Hughes', role: 'school' as const, schoolUrns: ['900005'] },
];

const LITERACY = 'Anyshire Literacy Team';
const LLE = 'Priya Shah, Local Leader of Education';

type DemoCommission = {
  reference: string;
  school: string;
  listing: string;
  status: CommissionStatus;
  steps: CommissionAction[];
  days: number;
  startOn: string;
  need: string;
  categories: string[];
  reason?: string;
  ratings?: [number, number, number, number];
  whatChanged?: string;
  brokeredBySip?: boolean;
  funding?: 'school' | 'la';
};

const DEMO_COMMISSIONS: DemoCommission[] = [
  { reference: 'SUP-DEMO-0001', school: '900001', listing: LITERACY, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 4, startOn: '2025-09-15', need: 'Phonics outcomes falling', categories: ['english-and-literacy'], ratings: [4, 5, 4, 5], whatChanged: 'Year 1 phonics check pass rate rose from 68% to 84%.' },
  { reference: 'SUP-DEMO-0002', school: '900002', listing: LITERACY, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 3, startOn: '2025-10-06', need: 'New English lead needs support', categories: ['english-and-literacy', 'curriculum-and-subject-leadership'], ratings: [5, 4, 4, 5], whatChanged: 'Our new English lead now runs moderation confidently.' },
  { reference: 'SUP-DEMO-0003', school: '900003', listing: LITERACY, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 2, startOn: '2026-01-12', need: 'Reading for pleasure is weak in KS2', categories: ['english-and-literacy'], ratings: [3, 4, 3, 4], whatChanged: 'Library borrowing doubled; too early to see results.' },
  { reference: 'SUP-DEMO-0004', school: '900002', listing: LLE, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 5, startOn: '2025-11-03', need: 'New headteacher needs mentoring', categories: ['leadership-and-management'], ratings: [5, 4, 5, 5], whatChanged: 'Clear school improvement plan agreed with governors.' },
  { reference: 'SUP-DEMO-0005', school: '900003', listing: LLE, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 3, startOn: '2026-02-02', need: 'Leadership capacity after restructure', categories: ['leadership-and-management'], ratings: [4, 3, 4, 4], whatChanged: 'Middle leaders now own their action plans.' },
  { reference: 'SUP-DEMO-0006', school: '900005', listing: LLE, status: 'completed', steps: ['accept', 'mark_delivered', 'confirm_completion'], days: 2, startOn: '2026-03-02', need: 'Preparing for inspection', categories: ['leadership-and-management'] },
  { reference: 'SUP-DEMO-0007', school: '900001', listing: LITERACY, status: 'in_progress', steps: ['accept', 'start'], days: 3, startOn: '2026-09-21', need: 'Writing at greater depth is low', categories: ['english-and-literacy'] },
  { reference: 'SUP-DEMO-0008', school: '900002', listing: LLE, status: 'declined', steps: ['decline'], days: 6, startOn: '2026-09-07', need: 'Attendance strategy', categories: ['behaviour-and-attendance'], reason: 'Attendance is outside my expertise; the LA attendance team is a better fit.' },
  { reference: 'SUP-DEMO-0009', school: '900005', listing: LITERACY, status: 'requested', steps: [], days: 2, startOn: '2026-11-02', need: 'Communication-friendly reading approaches', categories: ['english-and-literacy', 'send-and-inclusion'] },
  // Waiting: Oakfield to confirm support its SIP arranged; Riverside's feedback; Traded Services to approve
  // LA-funded days beyond Meadow View's entitlement (it has none); a low rating to look into.
  { reference: 'SUP-DEMO-0010', school: '900001', listing: LLE, status: 'awaiting_school', steps: [], days: 4, startOn: '2027-01-11', need: 'New headteacher needs mentoring', categories: ['leadership-and-management'], brokeredBySip: true, funding: 'la' },
  { reference: 'SUP-DEMO-0011', school: '900002', listing: LLE, status: 'completed', steps: ['accept', 'mark_delivered', 'confirm_completion'], days: 2, startOn: '2026-10-12', need: 'Teaching quality inconsistent', categories: ['teaching-and-learning'] },
  { reference: 'SUP-DEMO-0012', school: '900005', listing: LITERACY, status: 'awaiting_approval', steps: ['confirm'], days: 3, startOn: '2027-01-18', need: 'Early reading for pupils with SEND', categories: ['english-and-literacy'], funding: 'la' },
  { reference: 'SUP-DEMO-0013', school: '900005', listing: LITERACY, status: 'evaluated', steps: ['accept', 'mark_delivered', 'confirm_completion', 'record_feedback'], days: 2, startOn: '2026-01-19', need: 'Early reading for pupils with complex needs', categories: ['english-and-literacy', 'send-and-inclusion'], ratings: [2, 2, 3, 2], whatChanged: 'Little changed: the sessions did not fit a special school.' },
];

/**
 * Idempotent: each demo commission is inserted once (by its reference) with its history and any feedback.
 * Returns how many were inserted (inserted directly, so the report figures must be rebuilt after).
 */
export async function seedDemoCommissions(schoolIds: Map<string, Types.ObjectId>, heads: Map<string, Types.ObjectId>): Promise<number> {
  let inserted = 0;
  const listings = new Map((await Listing.find({ name: { $in: [LITERACY, LLE] } }).lean()).map((listing) => [listing.name, listing]));
  const schools = new Map((await School.find({ _id: { $in: [...schoolIds.values()] } }).lean()).map((school) => [school.urn, school]));
  const sip = (await User.findOne({ role: 'sip' }, { _id: 1 }).lean())?._id;

  for (const demo of DEMO_COMMISSIONS) {
    const listing = listings.get(demo.listing);
    const school = schools.get(demo.school);
    const head = school && heads.get(school._id.toString());
    if (!listing || !school || !head) continue;
    const startOn = new Date(`${demo.startOn}T00:00:00Z`);
    const rate = listing.dailyRatePence ?? 0;
    const broker = demo.brokeredBySip ? sip : undefined;
    const result = await Commission.updateOne(
      { reference: demo.reference },
      {
        $setOnInsert: {
          reference: demo.reference,
          school: school._id,
          schoolName: school.name,
          listing: listing._id,
          listingName: listing.name,
          providerType: listing.providerType,
          owners: listing.owners,
          route: broker ? 'brokered' : 'direct',
          requestedBy: broker ?? head,
          brokeredBy: broker,
          need: demo.need,
          categories: demo.categories,
          objectives: `Support for: ${demo.need.toLowerCase()}`,
          successCriteria: 'Agreed with the provider at the first visit',
          days: demo.days,
          startOn,
          termKey: termFor(startOn).key,
          academicYear: academicYearFor(startOn),
          dailyRatePence: rate,
          costPence: demo.days * rate,
          funding: demo.funding ?? 'school',
          status: demo.status,
          statusReason: demo.reason,
          version: demo.steps.length,
          createdAtKey: createdAtKeyOf(new Date()),
          completedAt: demo.steps.includes('confirm_completion') ? new Date(startOn.getTime() + 30 * 86_400_000) : undefined,
        },
      },
      { upsert: true },
    );
    if (result.upsertedCount === 0) continue;
    inserted += 1;
    const commission = (await Commission.findOne({ reference: demo.reference }).lean())!;
    const provider = listing.owners[0];
    await AuditEntry.insertMany([
      { at: startOn, actor: broker ?? head, action: 'commission_requested', subjectType: 'Commission', subjectId: commission._id },
      ...demo.steps.map((step, index) => ({
        at: new Date(startOn.getTime() + (index + 1) * 7 * 86_400_000),
        actor: ['confirm', 'confirm_completion', 'record_feedback'].includes(step) ? head : provider,
        action: `commission_${step}`,
        subjectType: 'Commission',
        subjectId: commission._id,
        reason: step === 'decline' ? demo.reason : undefined,
      })),
    ]);
    if (demo.ratings) {
      const [quality, impact, value, recommend] = demo.ratings;
      await Feedback.updateOne(
        { commission: commission._id },
        {
          $setOnInsert: {
            commission: commission._id,
            listing: listing._id,
            school: school._id,
            givenBy: head,
            listingName: listing.name,
            categories: demo.categories,
            termKey: commission.termKey,
            ratings: { quality, impact, value, recommend },
            attention: attentionFor({ quality, impact, value, recommend }),
            whatChanged: demo.whatChanged,
          },
        },
        { upsert: true },
      );
    }
  }
  return inserted;
}
