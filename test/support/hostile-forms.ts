import { Types } from 'mongoose';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { type SessionUser } from '../../src/web/identity';
import { issueToken } from '../../src/features/accounts/account-tokens';
import { actOnCommission, requestCommission } from '../../src/features/commissions/commissions.service';
import { Shortlist, ShortlistEntry } from '../../src/features/directory/shortlist.model';
import { Listing } from '../../src/features/listings/listing.model';
import { listingFormSchema } from '../../src/features/listings/listings.schemas';
import { updateListing } from '../../src/features/listings/listings.service';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { CheckRequirements } from '../../src/features/listings/checks/check-requirements.model';
import { submitCheck } from '../../src/features/listings/checks/checks.service';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { Nomination } from '../../src/features/nominations/nomination.model';
import { School } from '../../src/features/schools/school.model';
import { SipFeedback } from '../../src/features/sips/sip-feedback.model';
import { SupportPlan } from '../../src/features/plans/support-plan.model';
import { academicYearFor } from '../../src/lib/academic-calendar';
import { chooseSchemePreset } from '../../src/features/schools/support-scheme.service';
import { addTerm } from '../../src/features/taxonomy/taxonomy-admin.service';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { requestAs, requestForm } from './commission-factories';
import { createListedListing } from './directory';
import { createSchool, createUser } from './factories';

/**
 * Every POST route of the app, with the form (if any) each one reads and a valid value for every
 * field. hostile-input.test.ts sends hostile values field by field, checks each row's fields against
 * the form as the page renders it, and fails on a POST route without a row.
 */

export type Who = 'signedOut' | 'sip' | 'traded_services' | 'provider' | 'school';

/**
 * How a field is filled in, which decides what it must do with hostile values:
 * - text: free text (names, reasons, notes): any characters are kept and shown as text; only too long is refused.
 * - typed: typed into a text box but has a format (email, URN, phone, codes): anything else is refused.
 * - choice / choices: radios or a select / checkboxes: anything not offered is refused.
 * - number / datePart: a number, or one box of a GOV.UK date: non-numbers, negatives and absurd values are refused.
 * - secret: a password; never shown again, so only "no crash" and "too long refused" apply.
 * - hidden: set by the page (versions, tokens, ids): tampering must get a clear answer, nothing more.
 * - file: a file input; hostile file names are tested separately (hostile-output.test.ts).
 */
export type FieldKind = 'text' | 'typed' | 'choice' | 'choices' | 'number' | 'datePart' | 'secret' | 'hidden' | 'file';

export type Field = {
  kind: FieldKind;
  /** A valid value; a function for values that depend on the fixtures or must differ per post. Hidden fields default to the page's. */
  value?: string | string[] | ((world: World) => string | string[]);
  /** The id the error summary links to, when it is not the field's name (a date's three boxes share one). */
  errorKey?: string | ((world: World) => string);
  /** May be left out: a mangled name (`field[$ne]`) just leaves it empty. */
  optional?: true;
  /** A choice of numbers (ratings): number payloads apply too. */
  numeric?: true;
  /** Values of the hostile number lists that are valid for this field. */
  accepts?: string[];
};

export type Target = { page: string; action: string };

export type HostileForm = {
  route: string;
  name: string;
  as: Who;
  multipart?: true;
  /** The page with the form and where it posts, for a record made for it. */
  target: (world: World) => Promise<Target> | Target;
  /** A successful post uses the record up (a decision, a one-time token): the next post gets a new one. */
  oneShot?: true;
  fields: Record<string, Field>;
  /** Fields whose errors the valid values get anyway (a wrong password, an empty upload), so they prove nothing. */
  baselineErrors?: string[];
};

export type World = {
  users: Record<Exclude<Who, 'signedOut'>, SessionUser & { email: string }> & { unfundedSchool: SessionUser; passwordReset: SessionUser };
  schoolUrn: string;
  schoolId: string;
  spareSchoolUrn: string;
  listingId: string;
  draftListingId: string;
  fileId: string;
  shortlistId: string;
  needSlug: string;
  commissionIds: { awaitingSchool: string };
  nominationId: string;
  /** The school's plan this year: a priority the forms change, and one whose milestone is reviewed. */
  plan: { id: string; priorityId: string; reviewedPriorityId: string };
};

/** The reviewed milestone's id, fixed so the review form's field names are known in advance. */
const REVIEWED_MILESTONE = '0000000000000000000000a1';

/** A plan priority as its form sends it; milestone rows left empty (each row is a description and a date). */
const PRIORITY_FORM: Record<string, Field> = {
  version: { kind: 'hidden' },
  need: { kind: 'choice', value: (world) => world.needSlug, optional: true },
  words: { kind: 'text', value: 'Reading for pleasure in KS2', optional: true },
  objectives: { kind: 'text', value: 'Every class reads a whole book each half term', optional: true },
  successCriteria: { kind: 'text', value: 'Library borrowing doubles', optional: true },
  ...Object.fromEntries(
    [1, 2].flatMap((row) => [
      [`milestone-${row}-text`, { kind: 'text', value: '', optional: true } as Field],
      ...['day', 'month', 'year'].map((part) => [`milestone-${row}-dueOn-${part}`, { kind: 'datePart', value: '', optional: true, errorKey: `milestone-${row}-dueOn` } as Field]),
    ]),
  ),
};

let addedLevels = 0;

const session = async (role: Exclude<Who, 'signedOut'>, overrides: Parameters<typeof createUser>[1] = {}) => {
  const user = await createUser(role, overrides);
  return { ...toSessionUser(user), email: user.email };
};

/** A valid pen portrait as the form sends it. */
export const LISTING_FORM: Record<string, Field> = {
  name: { kind: 'text', value: 'Alex Example' },
  providerType: { kind: 'choice', value: 'sle' },
  organisation: { kind: 'text', value: 'Anyshire Teaching School', optional: true },
  employingSchool: { kind: 'choice', value: '', optional: true },
  summary: { kind: 'text', value: 'Specialist in KS2 maths.' },
  experience: { kind: 'text', value: 'Ten years leading maths across three primary schools.' },
  expertise: { kind: 'choices', value: ['mathematics-and-numeracy'] },
  phases: { kind: 'choices', value: ['primary'] },
  subjects: { kind: 'choices', value: [], optional: true },
  contexts: { kind: 'choices', value: [], optional: true },
  offers: { kind: 'choices', value: ['coaching'] },
  areas: { kind: 'text', value: 'North Anyshire, Riverside', optional: true },
  capacityDays: { kind: 'number', value: '10', accepts: ['0'] },
  capacityPeriod: { kind: 'choice', value: 'term' },
  fundedByLa: { kind: 'choice', value: 'no' },
  dailyRate: { kind: 'number', value: '450', accepts: ['0'], optional: true },
  contactName: { kind: 'text', value: 'Alex Example', optional: true },
  contactEmail: { kind: 'typed', value: 'alex@example.org' },
  contactPhone: { kind: 'typed', value: '01632 960 001', optional: true },
  contactRoute: { kind: 'text', value: 'Email first, please', optional: true },
  contactOpenData: { kind: 'choices', value: ['email'], optional: true },
  'designationAwarded-day': { kind: 'datePart', value: '28', errorKey: 'designationAwarded' },
  'designationAwarded-month': { kind: 'datePart', value: '2', errorKey: 'designationAwarded' },
  'designationAwarded-year': { kind: 'datePart', value: '2025', errorKey: 'designationAwarded' },
  'designationExpires-day': { kind: 'datePart', value: '28', errorKey: 'designationExpires' },
  'designationExpires-month': { kind: 'datePart', value: '2', errorKey: 'designationExpires' },
  'designationExpires-year': { kind: 'datePart', value: '2029', errorKey: 'designationExpires' },
  photo: { kind: 'file' },
  evidence: { kind: 'file' },
};

/** The listing form's valid values as a browser sends them. */
export const LISTING_BODY: Record<string, string | string[]> = Object.fromEntries(
  Object.entries(LISTING_FORM).flatMap(([name, field]) => (typeof field.value === 'string' || Array.isArray(field.value) ? [[name, field.value]] : [])),
);

/** The listing form's valid values as the server reads them, for listings made through the service. */
export const listingFormValues = (overrides: Record<string, string | string[]> = {}) => listingFormSchema.parse({ ...LISTING_BODY, ...overrides });

const REASON: Record<string, Field> = { reason: { kind: 'text', value: 'The dates clash with our inspection window.' } };
const START_ON = (prefix: string): Record<string, Field> => ({
  [`${prefix}-day`]: { kind: 'datePart', value: '28', errorKey: prefix },
  [`${prefix}-month`]: { kind: 'datePart', value: '2', errorKey: prefix },
  [`${prefix}-year`]: { kind: 'datePart', value: '2027', errorKey: prefix },
});

let unique = 0;
const uniqueSuffix = () => `${Date.now().toString(36)}${(unique++).toString(36)}`;

/** A commission the school asked for directly, paid by the school: waiting for the provider. */
const requestedCommission = async (world: World) => (await requestAs(world.users.school, world.listingId, { days: 1 })).id;
/** LA-funded days for a school with no entitlement: waiting for Traded Services' approval. */
const awaitingApproval = async (world: World) => (await requestAs(world.users.unfundedSchool, world.listingId, { days: 1, funding: 'la' })).id;

export async function completedCommission(world: World): Promise<string> {
  const id = await requestedCommission(world);
  for (const [actor, action] of [[world.users.provider, 'accept'], [world.users.provider, 'mark_delivered'], [world.users.school, 'confirm_completion']] as const) {
    const result = await actOnCommission(actor, id, action);
    if (!result.ok) throw new Error(result.message);
  }
  return id;
}

const ownedListing = (world: World, overrides: Record<string, unknown> = {}) =>
  createListedListing({ owners: [new Types.ObjectId(world.users.provider.id)], reviewDueOn: new Date(Date.now() + 365 * 86_400_000), ...overrides });

/** A published AST listing of the provider's, and the rules that make it need a DBS check (no other type is affected). */
async function listingNeedingDbs(world: World) {
  await CheckRequirements.updateOne({ key: 'current' }, { $set: { 'requiredFor.dbs': ['ast'], 'acceptedMonths.dbs': 36 } }, { upsert: true });
  return ownedListing(world, { providerType: 'ast' });
}

/** A DBS check the provider sent for an AST listing, waiting for Traded Services. */
async function dbsCheckWaiting(world: World): Promise<string> {
  const id = (await listingNeedingDbs(world)).id as string;
  const evidence = { filename: 'dbs.pdf', contentType: 'application/pdf' as const, data: Buffer.from('%PDF-1.7\n') };
  await submitCheck(world.users.provider, id, 'dbs', { datedOn: new Date(Date.now() - 30 * 86_400_000), updateService: false }, evidence);
  return id;
}

const commissionAction = (action: string, make: (world: World) => Promise<string>) => async (world: World) => {
  const url = paths.commissions.action(await make(world), action);
  return { page: url, action: url };
};

const same = (url: string): Target => ({ page: url, action: url });

/** The pen portrait, new and edit. */
export const LISTING_FORMS: HostileForm[] = [
  { route: 'POST /your-listings/new', name: 'create a listing', as: 'provider', multipart: true, target: () => same(paths.listings.new), fields: LISTING_FORM },
  { route: 'POST /listings/:id/edit', name: 'edit a listing', as: 'provider', multipart: true, target: (world) => same(paths.listings.edit(world.draftListingId)), fields: LISTING_FORM },
];

/** What a school asks for, or a SIP arranges for one: the same form. */
const SUPPORT_REQUEST: Record<string, Field> = {
  need: { kind: 'text', value: 'KS2 maths progress is below national' },
  categories: { kind: 'choices', value: ['mathematics-and-numeracy'] },
  objectives: { kind: 'text', value: 'Improve arithmetic fluency in Year 5 and 6' },
  successCriteria: { kind: 'text', value: 'Arithmetic scores up 10% by summer' },
  days: { kind: 'number', value: '3' },
  ...START_ON('startOn'),
  funding: { kind: 'choice', value: 'school' },
};

export const FORMS: HostileForm[] = [
  // Accounts
  { route: 'POST /sign-in', name: 'sign in', as: 'signedOut', target: () => same(paths.signIn), fields: { email: { kind: 'typed', value: 'nobody@test.example' }, password: { kind: 'secret', value: 'not the password' } }, baselineErrors: ['email', 'password'] },
  {
    route: 'POST /account/password',
    name: 'change password',
    as: 'sip',
    target: () => same(paths.changePassword),
    fields: { currentPassword: { kind: 'secret', value: 'not my current password' }, newPassword: { kind: 'secret', value: 'a long new passphrase' }, confirmPassword: { kind: 'secret', value: 'a long new passphrase' } },
    baselineErrors: ['currentPassword'],
  },
  {
    route: 'POST /account/set-password',
    name: 'set password from a link',
    as: 'signedOut',
    target: async (world) => ({
      page: `${paths.setPassword}?token=${await issueToken(new Types.ObjectId(world.users.passwordReset.id), 'password_reset', 3_600_000)}`,
      action: paths.setPassword,
    }),
    oneShot: true,
    fields: { token: { kind: 'hidden' }, newPassword: { kind: 'secret', value: 'violet tractor harbour lamp' }, confirmPassword: { kind: 'secret', value: 'violet tractor harbour lamp' } },
  },
  { route: 'POST /account/forgotten-password', name: 'forgotten password', as: 'signedOut', target: () => same(paths.forgottenPassword), fields: { email: { kind: 'typed', value: 'nobody@test.example' } } },
  {
    route: 'POST /admin/users/:id/erase',
    name: 'erase a departed user',
    as: 'traded_services',
    oneShot: true,
    target: async () => same(paths.admin.eraseUser((await createUser('sip')).id as string)),
    fields: { reason: { kind: 'text', value: 'Left the authority in March and asked for erasure' } },
  },
  {
    route: 'POST /admin/users/new',
    name: 'invite a user',
    as: 'traded_services',
    target: () => same(paths.admin.newUser),
    fields: {
      name: { kind: 'text', value: 'Hostile Test' },
      email: { kind: 'typed', value: () => `invited.${uniqueSuffix()}@test.example` },
      role: { kind: 'choice', value: 'school' },
      school: { kind: 'typed', value: (world) => world.schoolUrn },
    },
  },

  {
    route: 'POST /admin/users/:id/schools',
    name: 'link a school to a school user',
    as: 'traded_services',
    target: async () => {
      const id = (await createUser('school')).id as string;
      return { page: paths.admin.user(id), action: paths.admin.linkSchool(id) };
    },
    fields: { urn: { kind: 'typed', value: (world) => world.spareSchoolUrn } },
  },
  { route: 'POST /acting-for', name: 'choose the school to act for', as: 'school', target: () => same(paths.actingFor), fields: { school: { kind: 'choice', value: (world) => world.schoolId } } },

  // Schools and support levels
  {
    route: 'POST /schools/:urn/level',
    name: 'support level',
    as: 'sip',
    target: (world) => same(paths.schools.level(world.schoolUrn)),
    fields: { level: { kind: 'choice', value: '2' }, reason: { kind: 'text', value: 'Termly review' }, ...START_ON('reviewDue'), basedOn: { kind: 'hidden' } },
  },
  {
    route: 'POST /schools/:urn/plan/priorities/new',
    name: 'add a plan priority',
    as: 'sip',
    // Each saved priority is replaced by a plan with room for another (a plan holds six).
    oneShot: true,
    target: async (world) => {
      await SupportPlan.updateOne({ _id: world.plan.id }, { $pull: { priorities: { _id: { $nin: [world.plan.priorityId, world.plan.reviewedPriorityId].map((id) => new Types.ObjectId(id)) } } } });
      return same(paths.plans.newPriority(world.schoolUrn));
    },
    fields: PRIORITY_FORM,
  },
  { route: 'POST /schools/:urn/plan/priorities/:id', name: 'change a plan priority', as: 'school', target: (world) => same(paths.plans.priority(world.schoolUrn, world.plan.priorityId)), fields: PRIORITY_FORM },
  {
    route: 'POST /schools/:urn/plan/review',
    name: 'termly review of a plan',
    as: 'sip',
    target: (world) => same(paths.plans.review(world.schoolUrn)),
    fields: {
      [`status-${REVIEWED_MILESTONE}`]: { kind: 'choice', value: 'on_track' },
      [`note-${REVIEWED_MILESTONE}`]: { kind: 'text', value: 'Audit shared with staff', optional: true },
    },
  },
  {
    route: 'POST /schools/:urn/sip',
    name: 'assign a SIP',
    as: 'traded_services',
    // Another school: taking this one out of the SIP's caseload would lock the SIP out of the other forms.
    target: (world) => same(paths.schools.sip(world.spareSchoolUrn)),
    fields: { sip: { kind: 'choice', value: (world) => world.users.sip.id } },
  },
  // SIPs
  {
    route: 'POST /sips/days-per-school',
    name: 'days per school',
    as: 'traded_services',
    target: () => ({ page: paths.sips.list, action: paths.sips.daysPerSchool }),
    fields: { daysPerSchool: { kind: 'number', value: '5', accepts: ['0', '1.5'], optional: true } },
  },
  {
    route: 'POST /sips/:id/edit',
    name: 'SIP profile',
    as: 'sip',
    target: (world) => same(paths.sips.edit(world.users.sip.id)),
    fields: {
      phases: { kind: 'choices', value: ['primary'], optional: true },
      specialisms: { kind: 'choices', value: ['english-and-literacy'], optional: true },
      experience: { kind: 'text', value: 'Headteacher of two primary schools.', optional: true },
    },
  },
  {
    route: 'POST /sips/:id/licence',
    name: 'SIP licence',
    as: 'traded_services',
    target: (world) => same(paths.sips.licence(world.users.sip.id)),
    fields: {
      reference: { kind: 'typed', value: 'SIP-0142', optional: true },
      'renewalDate-day': { kind: 'datePart', value: '31', errorKey: 'renewalDate' },
      'renewalDate-month': { kind: 'datePart', value: '8', errorKey: 'renewalDate' },
      'renewalDate-year': { kind: 'datePart', value: '2031', errorKey: 'renewalDate' },
      capacityDays: { kind: 'number', value: '20', accepts: ['0', '1.5'], optional: true },
    },
  },
  {
    route: 'POST /your-school/sip-feedback',
    name: 'feedback on the SIP',
    as: 'school',
    // Once a term: each saved post uses the term up, so the next one starts from a school with none given.
    oneShot: true,
    target: async (world) => {
      await SipFeedback.deleteMany({ school: new Types.ObjectId(world.schoolId) });
      return same(paths.sips.feedback);
    },
    fields: {
      challenge: { kind: 'choice', numeric: true, value: '4' },
      evaluation: { kind: 'choice', numeric: true, value: '5' },
      brokering: { kind: 'choice', numeric: true, value: '3' },
      comment: { kind: 'text', value: 'Sharp on our data.', optional: true },
    },
  },
  {
    route: 'POST /schools/import',
    name: 'GIAS import',
    as: 'traded_services',
    multipart: true,
    target: () => same(paths.schools.import),
    // An empty file: every post is refused, so no import starts, but the codes are still checked.
    fields: { file: { kind: 'file' }, laCodes: { kind: 'typed', value: '803, 878', optional: true } },
    baselineErrors: ['file'],
  },
  { route: 'POST /schools/support-levels', name: 'support level scheme', as: 'traded_services', target: () => same(paths.schools.scheme), fields: { preset: { kind: 'choice', value: 'south_gloucestershire' } } },
  {
    route: 'POST /schools/support-levels/:code',
    name: 'support level in the scheme',
    as: 'traded_services',
    target: () => same(paths.schools.schemeLevel('3')),
    fields: {
      version: { kind: 'hidden' },
      label: { kind: 'text', value: 'Causing concern' },
      description: { kind: 'text', value: 'Intensive LA-brokered support.', optional: true },
      entitlementDays: { kind: 'number', value: '30', accepts: ['0', '1.5'], optional: true },
      visitsPerYear: { kind: 'number', value: '3', accepts: ['0'], optional: true },
      visitsWithoutPackage: { kind: 'number', value: '1', accepts: ['0'], optional: true },
    },
  },
  {
    route: 'POST /schools/support-levels/add-level',
    name: 'add a support level',
    as: 'traded_services',
    target: () => same(paths.schools.schemeLevelNew),
    fields: {
      version: { kind: 'hidden' },
      // Each level added needs a code of its own.
      code: { kind: 'typed', value: () => `H${(addedLevels += 1)}` },
      label: { kind: 'text', value: 'Intensive' },
      description: { kind: 'text', value: 'Weekly visits for a term.', optional: true },
      entitlementDays: { kind: 'number', value: '40', accepts: ['0', '1.5'], optional: true },
      visitsPerYear: { kind: 'number', value: '6', accepts: ['0'], optional: true },
      visitsWithoutPackage: { kind: 'number', value: '2', accepts: ['0'], optional: true },
    },
  },
  {
    route: 'POST /schools/:urn/capacity',
    name: 'capacity to support other schools',
    as: 'sip',
    target: (world) => same(paths.schools.capacity(world.schoolUrn)),
    fields: { capacity: { kind: 'choice', value: 'yes' }, capacityNote: { kind: 'text', value: 'Two SLEs in maths', optional: true } },
  },
  {
    route: 'POST /schools/:urn/good-practice',
    name: 'nominate a school as good practice',
    as: 'sip',
    target: (world) => same(paths.schools.goodPractice(world.schoolUrn)),
    fields: {
      areas: { kind: 'choices', value: ['english-and-literacy'] },
      note: { kind: 'text', value: 'Phonics in Reception', optional: true },
      contactName: { kind: 'text', value: '', optional: true },
      contactEmail: { kind: 'typed', value: '', optional: true },
    },
  },
  {
    route: 'POST /schools/:urn/good-practice/:id/contact',
    name: 'name who will lead a good-practice listing',
    as: 'school',
    target: (world) => ({ page: paths.schools.goodPractice(world.schoolUrn), action: paths.schools.nominationContact(world.schoolUrn, world.nominationId) }),
    fields: {
      contactName: { kind: 'text', value: 'Priya Patel', errorKey: (world) => `contactName-${world.nominationId}` },
      contactEmail: { kind: 'typed', value: 'priya.patel@school.example', errorKey: (world) => `contactEmail-${world.nominationId}` },
    },
  },

  // Directory and shortlists
  {
    route: 'POST /directory/providers/:listingId/shortlist',
    name: 'add to a shortlist',
    as: 'sip',
    target: (world) => same(paths.directory.addToShortlist(world.listingId)),
    fields: { shortlist: { kind: 'choice', value: (world) => world.shortlistId }, note: { kind: 'text', value: 'Strong on KS2', optional: true } },
  },
  {
    route: 'POST /shortlists/new',
    name: 'new shortlist',
    as: 'sip',
    target: (world) => ({ page: `${paths.shortlists.new}?listing=${world.listingId}`, action: paths.shortlists.new }),
    fields: {
      title: { kind: 'text', value: 'Autumn visit' },
      // A SIP picks one of their caseload's schools by name (radios); Traded Services type a URN.
      schoolUrn: { kind: 'choice', value: (world) => world.schoolUrn },
      listing: { kind: 'hidden' },
      note: { kind: 'text', value: 'Ask about KS2', optional: true },
    },
  },
  {
    route: 'POST /shortlists/:id/entries/:listingId/note',
    name: 'shortlist note',
    as: 'sip',
    target: (world) => ({ page: paths.shortlists.show(world.shortlistId), action: paths.shortlists.entryNote(world.shortlistId, world.listingId) }),
    fields: { note: { kind: 'text', value: 'Ring before half term', optional: true, errorKey: (world) => `note-${world.listingId}` } },
  },

  // Commissions
  {
    route: 'POST /commissions/new',
    name: 'ask for support (school)',
    as: 'school',
    target: (world) => ({ page: paths.commissions.newFor(world.listingId), action: paths.commissions.new }),
    fields: {
      listing: { kind: 'hidden' },
      ...SUPPORT_REQUEST,
    },
  },
  {
    route: 'POST /commissions/new',
    name: 'arrange support (SIP)',
    as: 'sip',
    target: (world) => ({ page: paths.commissions.newFor(world.listingId), action: paths.commissions.new }),
    fields: {
      listing: { kind: 'hidden' },
      school: { kind: 'choice', value: (world) => world.schoolId },
      ...SUPPORT_REQUEST,
    },
  },
  { route: 'POST /commissions/:id/:action', name: 'decline a request', as: 'provider', oneShot: true, target: commissionAction('decline', requestedCommission), fields: REASON },
  { route: 'POST /commissions/:id/:action', name: 'cancel with a reason', as: 'school', oneShot: true, target: commissionAction('cancel', requestedCommission), fields: REASON },
  { route: 'POST /commissions/:id/:action', name: 'refuse days beyond entitlement', as: 'traded_services', oneShot: true, target: commissionAction('refuse', awaitingApproval), fields: REASON },
  { route: 'POST /commissions/:id/:action', name: 'approve days beyond entitlement', as: 'traded_services', oneShot: true, target: commissionAction('approve', awaitingApproval), fields: REASON },
  {
    route: 'POST /commissions/:id/:action',
    name: 'propose a change',
    as: 'provider',
    oneShot: true,
    target: commissionAction('propose_change', requestedCommission),
    fields: { days: { kind: 'number', value: '2' }, ...START_ON('startOn'), note: { kind: 'text', value: 'Two days suit us better' } },
  },
  {
    route: 'POST /commissions/:id/feedback',
    name: 'impact feedback',
    as: 'school',
    multipart: true,
    oneShot: true,
    target: async (world) => same(paths.commissions.feedback(await completedCommission(world))),
    fields: {
      objectivesMet: { kind: 'choice', value: 'partly', optional: true },
      quality: { kind: 'choice', numeric: true, value: '4' },
      impact: { kind: 'choice', numeric: true, value: '4' },
      value: { kind: 'choice', numeric: true, value: '3' },
      recommend: { kind: 'choice', numeric: true, value: '5' },
      whatChanged: { kind: 'text', value: 'Phonics pass rate rose from 62% to 81%' },
      evidence: { kind: 'file' },
    },
  },

  // Taxonomy
  {
    route: 'POST /admin/taxonomy/:kind',
    name: 'add a taxonomy term',
    as: 'traded_services',
    target: () => same(paths.taxonomyAdmin.list('context')),
    fields: { label: { kind: 'text', value: () => `Seaside towns ${uniqueSuffix()}` }, synonyms: { kind: 'text', value: 'coast, seaside', optional: true } },
  },
  {
    route: 'POST /admin/taxonomy/:kind/:slug',
    name: 'rename a taxonomy term',
    as: 'traded_services',
    target: (world) => same(paths.taxonomyAdmin.term('need', world.needSlug)),
    fields: {
      label: { kind: 'text', value: 'Reading for pleasure is low' },
      synonyms: { kind: 'text', value: 'library, books', optional: true },
      categories: { kind: 'choices', value: ['english-and-literacy'] },
    },
  },
  {
    route: 'POST /admin/taxonomy/:kind/:slug/merge',
    name: 'merge taxonomy terms',
    as: 'traded_services',
    oneShot: true,
    target: async (world) => {
      const made = await addTerm(world.users.traded_services, 'need', { label: `Duplicate need ${uniqueSuffix()}`, synonyms: [], categories: ['english-and-literacy'] });
      if (!made.ok) throw new Error(made.message);
      return same(paths.taxonomyAdmin.merge('need', made.slug));
    },
    fields: { target: { kind: 'choice', value: (world) => world.needSlug } },
  },

  // Listings
  ...LISTING_FORMS,
  {
    route: 'POST /listings/:id/decision',
    name: 'decide on a listing',
    as: 'traded_services',
    oneShot: true,
    target: async (world) => same(paths.listings.decide((await ownedListing(world, { status: 'submitted', publishedAt: undefined })).id as string)),
    fields: { decision: { kind: 'choice', value: 'changes_requested' }, reason: { kind: 'text', value: 'Add a case study from a secondary school.' } },
  },
  {
    route: 'POST /listings/:id/arrangement',
    name: 'how schools ask for a listing',
    as: 'traded_services',
    target: (world) => ({ page: paths.listings.status(world.listingId), action: paths.listings.arrangement(world.listingId) }),
    fields: { arrangedByLa: { kind: 'choice', value: 'no' } },
  },
  {
    route: 'POST /listings/:id/suspend',
    name: 'suspend a listing',
    as: 'traded_services',
    oneShot: true,
    target: async (world) => {
      const id = (await ownedListing(world)).id as string;
      return { page: paths.listings.status(id), action: paths.listings.suspend(id) };
    },
    fields: { reason: { kind: 'text', value: 'Complaint under investigation' } },
  },
  {
    route: 'POST /listings/:id/revision',
    name: 'decide on changes to a live listing',
    as: 'traded_services',
    oneShot: true,
    target: async (world) => {
      const id = (await ownedListing(world, { ...listingFormValues(), capacity: { days: 10, period: 'term' } })).id as string;
      const saved = await updateListing(world.users.provider, id, listingFormValues({ providerType: 'lle' }), { evidence: [], problems: {} });
      if (!saved.ok || saved.outcome !== 'revision_pending') throw new Error('No revision to decide on');
      return same(paths.listings.revision(id));
    },
    fields: { submittedAt: { kind: 'hidden' }, decision: { kind: 'choice', value: 'reject' }, reason: { kind: 'text', value: 'Keep the SLE designation until it lapses.' } },
  },

  // Provider checks: an AST listing's DBS check (the rules never touch the other forms' SLE listings)
  {
    route: 'POST /listings/:id/checks/:kind',
    name: 'record a check',
    as: 'provider',
    multipart: true,
    target: async (world) => same(paths.listings.recordCheck((await listingNeedingDbs(world)).id as string, 'dbs')),
    // No file: every post is refused for want of the evidence, so nothing is sent, but each field is still checked.
    fields: {
      'datedOn-day': { kind: 'datePart', value: '15', errorKey: 'datedOn' },
      'datedOn-month': { kind: 'datePart', value: '1', errorKey: 'datedOn' },
      'datedOn-year': { kind: 'datePart', value: '2025', errorKey: 'datedOn' },
      updateService: { kind: 'choice', value: 'yes' },
      'updateServiceRenewsOn-day': { kind: 'datePart', value: '15', errorKey: 'updateServiceRenewsOn', optional: true },
      'updateServiceRenewsOn-month': { kind: 'datePart', value: '1', errorKey: 'updateServiceRenewsOn', optional: true },
      'updateServiceRenewsOn-year': { kind: 'datePart', value: '2027', errorKey: 'updateServiceRenewsOn', optional: true },
      evidence: { kind: 'file' },
    },
    baselineErrors: ['evidence'],
  },
  {
    route: 'POST /listings/:id/checks/:kind/decision',
    name: 'verify or return a check',
    as: 'traded_services',
    oneShot: true,
    target: async (world) => same(paths.listings.decideCheck(await dbsCheckWaiting(world), 'dbs')),
    fields: { submittedAt: { kind: 'hidden' }, decision: { kind: 'choice', value: 'return' }, reason: { kind: 'text', value: 'The certificate is not an enhanced one.' } },
  },
  {
    route: 'POST /admin/provider-checks',
    name: 'which checks providers need',
    as: 'traded_services',
    target: () => same(paths.admin.checkRequirements),
    fields: {
      version: { kind: 'hidden' },
      // Ticking no type is valid (nothing required), so a mangled name that leaves it empty may be saved.
      dbs: { kind: 'choices', value: ['ast'], optional: true },
      safeguarding: { kind: 'choices', value: [], optional: true },
      insurance: { kind: 'choices', value: [], optional: true },
      dpa: { kind: 'choices', value: [], optional: true },
      dbsMonths: { kind: 'number', value: '36', optional: true },
      safeguardingMonths: { kind: 'number', value: '24', optional: true },
    },
  },

  // Recommendations
  {
    route: 'POST /listings/:id/recommendations/request',
    name: 'ask schools to recommend',
    as: 'provider',
    target: (world) => same(paths.recommendations.request(world.draftListingId)),
    fields: { schools: { kind: 'choices', value: (world) => [world.schoolId] } },
  },
  {
    route: 'POST /listings/:id/recommend',
    name: 'recommend a listing',
    as: 'school',
    oneShot: true,
    target: async (world) => same(paths.recommendations.recommend((await ownedListing(world)).id as string)),
    fields: { statement: { kind: 'text', value: 'Saw excellent coaching in our Year 6 team.' }, workSeen: { kind: 'text', value: 'Spring 2025' } },
  },
];

/** POST routes that are buttons: no fields to attack, but each must refuse a forged request. */
export const BUTTONS: { route: string; as: Who; action: (world: World) => string }[] = [
  { route: 'POST /schools/:urn/plan/start', as: 'sip', action: (world) => paths.plans.start(world.schoolUrn) },
  { route: 'POST /schools/:urn/plan/agree', as: 'school', action: (world) => paths.plans.agree(world.schoolUrn) },
  { route: 'POST /schools/:urn/plan/priorities/:id/remove', as: 'sip', action: (world) => paths.plans.removePriority(world.schoolUrn, world.plan.priorityId) },
  { route: 'POST /sign-out', as: 'sip', action: () => paths.signOut },
  { route: 'POST /admin/users/:id/deactivate', as: 'traded_services', action: (world) => paths.admin.deactivateUser(world.users.provider.id) },
  { route: 'POST /admin/users/:id/reactivate', as: 'traded_services', action: (world) => paths.admin.reactivateUser(world.users.provider.id) },
  { route: 'POST /admin/users/:id/invitation', as: 'traded_services', action: (world) => paths.admin.resendInvitation(world.users.provider.id) },
  { route: 'POST /admin/users/:id/schools/:schoolId/unlink', as: 'traded_services', action: (world) => paths.admin.unlinkSchool(world.users.school.id, world.schoolId) },
  { route: 'POST /shortlists/:id/entries/:listingId/remove', as: 'sip', action: (world) => paths.shortlists.removeEntry(world.shortlistId, world.listingId) },
  { route: 'POST /commissions/new/check', as: 'school', action: () => paths.commissions.check },
  { route: 'POST /commissions/:id/:action', as: 'school', action: (world) => paths.commissions.action(world.commissionIds.awaitingSchool, 'confirm') },
  { route: 'POST /admin/taxonomy/:kind/:slug/retire', as: 'traded_services', action: (world) => paths.taxonomyAdmin.retire('need', world.needSlug) },
  { route: 'POST /admin/taxonomy/:kind/:slug/reinstate', as: 'traded_services', action: (world) => paths.taxonomyAdmin.reinstate('need', world.needSlug) },
  { route: 'POST /listings/:id/files/:fileId/remove', as: 'provider', action: (world) => paths.listings.removeFile(world.draftListingId, world.fileId) },
  { route: 'POST /listings/:id/submit', as: 'provider', action: (world) => paths.listings.submit(world.draftListingId) },
  { route: 'POST /listings/:id/reinstate', as: 'traded_services', action: (world) => paths.listings.reinstate(world.listingId) },
  { route: 'POST /listings/:id/reviewed', as: 'traded_services', action: (world) => paths.listings.reviewed(world.listingId) },
  { route: 'POST /schools/support-levels/:code/move', as: 'traded_services', action: () => paths.schools.schemeLevelMove('2') },
  { route: 'POST /schools/support-levels/:code/remove', as: 'traded_services', action: () => paths.schools.schemeLevelRemove('2') },
  { route: 'POST /schools/:urn/good-practice/:id/invite', as: 'traded_services', action: (world) => paths.schools.nominationInvite(world.schoolUrn, world.nominationId) },
  { route: 'POST /listings/:id/recommend/decline', as: 'school', action: (world) => paths.recommendations.decline(world.draftListingId) },
  { route: 'POST /listings/:id/recommend/withdraw', as: 'school', action: (world) => paths.recommendations.withdraw(world.listingId) },
];

const SEARCH_PARAMETERS = ['q', 'type', 'category', 'phase', 'subject', 'context', 'area', 'capacity', 'funded', 'from', 'within', 'sort', 'page'];

/** Every page that reads its query string, and the parameters it reads. */
export const QUERIES: { route: string; as: Who; url: (world: World) => string; parameters: string[] }[] = [
  { route: 'GET /directory', as: 'sip', url: () => paths.directory.search, parameters: SEARCH_PARAMETERS },
  { route: 'GET /directory/export.csv', as: 'sip', url: () => paths.directory.export, parameters: SEARCH_PARAMETERS },
  { route: 'GET /directory/suggest', as: 'school', url: () => paths.directory.suggest, parameters: ['need', 'text', 'phase', 'from', 'within', 'sort'] },
  { route: 'GET /schools', as: 'traded_services', url: () => paths.schools.list, parameters: ['q', 'status', 'page'] },
  { route: 'GET /reports', as: 'traded_services', url: () => paths.reports.commissions, parameters: ['term', 'level'] },
  { route: 'GET /reports/:table.csv', as: 'sip', url: () => paths.reports.csv('levels'), parameters: ['term', 'level'] },
  { route: 'GET /commissions/new', as: 'school', url: () => paths.commissions.new, parameters: ['listing', 'plan', 'priority'] },
  { route: 'GET /acting-for', as: 'school', url: () => paths.actingFor, parameters: ['returnTo'] },
  { route: 'GET /schools/:urn/plan', as: 'sip', url: (world) => paths.plans.plan(world.schoolUrn), parameters: ['year'] },
  { route: 'GET /shortlists/new', as: 'sip', url: () => paths.shortlists.new, parameters: ['listing'] },
  { route: 'GET /listings/:id', as: 'sip', url: (world) => paths.listings.listing(world.listingId), parameters: ['version'] },
  { route: 'GET /account/set-password', as: 'signedOut', url: () => paths.setPassword, parameters: ['token'] },
  { route: 'GET /admin/security-events', as: 'traded_services', url: () => paths.admin.securityEvents, parameters: ['type', 'email', 'page'] },
  {
    route: 'GET /open-data/hsds/services',
    as: 'signedOut',
    url: () => paths.openData.hsds.services,
    parameters: ['page', 'per_page', 'search', 'full', 'taxonomy_term_id', 'taxonomy_id', 'organization_id', 'modified_after'],
  },
  { route: 'GET /open-data/hsds/organizations', as: 'signedOut', url: () => paths.openData.hsds.organizations, parameters: ['page', 'per_page', 'search', 'full'] },
  { route: 'GET /open-data/hsds/taxonomy_terms', as: 'signedOut', url: () => paths.openData.hsds.taxonomyTerms, parameters: ['page', 'per_page', 'search', 'taxonomy_id', 'parent_id'] },
];

/** This year's plan of the world's school: two priorities (the first for the world's need), the second with a milestone to review. */
async function planFor(school: Types.ObjectId, sip: SessionUser, needSlug: string) {
  const [priorityId, reviewedPriorityId] = [new Types.ObjectId(), new Types.ObjectId()];
  const plan = await SupportPlan.create({
    school,
    academicYear: academicYearFor(new Date()),
    priorities: [
      { _id: priorityId, need: needSlug, words: 'Reading for pleasure in KS2' },
      { _id: reviewedPriorityId, words: 'Attendance' },
    ],
    milestones: [{ _id: new Types.ObjectId(REVIEWED_MILESTONE), priority: reviewedPriorityId, text: 'Attendance officer in post', dueOn: new Date(Date.now() + 60 * 86_400_000) }],
    editedBy: new Types.ObjectId(sip.id),
  });
  return { id: plan.id as string, priorityId: priorityId.toString(), reviewedPriorityId: reviewedPriorityId.toString() };
}

/** The records the forms act on: a school in a SIP's caseload, its user, a provider's listings, a shortlist. */
export async function buildWorld(): Promise<World> {
  await ensureDefaultTaxonomy();
  const [sip, tradedServices, provider] = [await session('sip'), await session('traded_services'), await session('provider')];
  const school = await createSchool({ name: 'Hostile Input Primary' });
  await School.updateOne({ _id: school._id }, { $set: { sip: new Types.ObjectId(sip.id) } });
  const schoolUser = await session('school', { school: school._id });
  const unfundedSchool = await session('school');
  const passwordReset = await session('sip');
  await chooseSchemePreset(tradedServices, 'south_gloucestershire');
  const owners = [new Types.ObjectId(provider.id)];
  const listing = await createListedListing({
    ...listingFormValues(),
    owners,
    capacity: { days: 365, period: 'year' },
    dailyRatePence: 45_000,
    reviewDueOn: new Date(Date.now() + 365 * 86_400_000),
  });
  const draft = await Listing.create({ ...listingFormValues(), owners, status: 'draft' });
  const file = await StoredFile.create({ listing: draft._id, kind: 'evidence', filename: 'case-study.pdf', contentType: 'application/pdf', size: 9, data: Buffer.from('%PDF-1.7\n') });
  await Listing.updateOne({ _id: draft._id }, { $set: { evidence: [file._id] } });
  await Recommendation.create({ listing: draft._id, school: school._id, status: 'requested', requestedBy: owners[0], requestedAt: new Date() });
  const shortlist = await Shortlist.create({ title: 'For the visit', school: school._id, author: new Types.ObjectId(sip.id) });
  await ShortlistEntry.create({ shortlist: shortlist._id, listing: listing._id, note: '' });
  const need = await addTerm(tradedServices, 'need', { label: 'Reading for pleasure is low', synonyms: [], categories: ['english-and-literacy'] });
  if (!need.ok) throw new Error(need.message);
  const world: World = {
    users: { sip, traded_services: tradedServices, provider, school: schoolUser, unfundedSchool, passwordReset },
    schoolUrn: school.urn,
    schoolId: school.id as string,
    spareSchoolUrn: (await createSchool({ name: 'Spare Primary' })).urn,
    listingId: listing.id as string,
    draftListingId: draft.id as string,
    fileId: file.id as string,
    shortlistId: shortlist.id as string,
    needSlug: need.slug,
    commissionIds: { awaitingSchool: '' },
    nominationId: (await Nomination.create({ school: school._id, areas: ['english-and-literacy'], nominatedBy: new Types.ObjectId(sip.id) })).id as string,
    plan: await planFor(school._id, sip, need.slug),
  };
  const brokered = await requestCommission(sip, requestForm(world.listingId, { school: world.schoolId }));
  if (!brokered.ok) throw new Error(brokered.message);
  world.commissionIds.awaitingSchool = brokered.id;
  return world;
}
