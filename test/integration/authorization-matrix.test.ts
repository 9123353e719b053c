import type { Express } from 'express';
import request from 'supertest';
import { Types } from 'mongoose';
import { ROLES, type Role } from '../../src/web/identity';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { CheckRequirements } from '../../src/features/listings/checks/check-requirements.model';
import { ProviderCheck } from '../../src/features/listings/checks/provider-check.model';
import { refreshCheckSummary } from '../../src/features/listings/checks/check-standing';
import { ImportJob } from '../../src/features/schools/gias/import-job.model';
import { School } from '../../src/features/schools/school.model';
import { Shortlist, ShortlistEntry } from '../../src/features/directory/shortlist.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { requestAs } from '../support/commission-factories';
import { chooseSchemePreset } from '../../src/features/schools/support-scheme.service';
import { savePriority, startPlan } from '../../src/features/plans/plans.service';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { toDirectoryDocument } from '../../src/features/directory/directory-document';
import { organizationId, serviceId, taxonomyId, taxonomyTermId } from '../../src/features/directory/open-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createSchool, createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';
import { listRoutes } from '../support/routes';

useTestDatabase();

/** A role, signed out, or a user of the right role who is not the record's (another provider, another school). */
type Who = Role | 'signedOut' | 'otherProvider' | 'otherSchool' | 'otherSip';
type Outcome = 'ok' | 'redirect' | 'signIn' | 'forbidden' | 'notFound' | 'badRequest' | 'conflict' | 'gone';

/** What each kind of visitor gets; a role missing from `as` gets the route's `others` outcome. */
type Entry = {
  route: string;
  url: (fixtures: Fixtures) => string;
  form?: (fixtures: Fixtures) => Record<string, string>;
  signedOut: Outcome;
  as: Partial<Record<Exclude<Who, 'signedOut'>, Outcome>>;
  others: Outcome;
  // Ends the session it runs in, so it gets a session of its own.
  endsSession?: true;
};

type Fixtures = {
  otherUserId: string;
  listingId: string;
  /** The listing's organisation in the open-data feed. */
  organizationId: string;
  fileId: string;
  /** The evidence of the fixture listing's verified DBS check. */
  checkFileId: string;
  schoolUrn: string;
  /** The fixture school's id, which only `school` may act for. */
  schoolId: string;
  /** A school user linked to two schools, and the second of them. */
  multiSchoolUserId: string;
  secondSchoolId: string;
  importJobId: string;
  sipUserId: string;
  shortlistId: string;
  commissionId: string;
  planPriorityId: string;
};

const TRADED_SERVICES_ONLY = { as: { traded_services: 'ok' as Outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome };
const OWNER_ONLY = (owner: Outcome) => ({ as: { provider: owner }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const SCHOOLS_ONLY = (school: Outcome) => ({ as: { school, otherSchool: school }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const SIGNED_IN = { as: {}, others: 'ok' as Outcome, signedOut: 'signIn' as Outcome };
/** The fixture school's own users, its SIP and Traded Services; nobody else. */
const NO_SUCH_ID = '0000000000000000000000aa';
const SCHOOL_RECORD = (outcome: Outcome) => ({ as: { school: outcome, sip: outcome, traded_services: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const REPORT_TABLE = 'terms';
const PUBLIC = { as: {}, others: 'ok' as Outcome, signedOut: 'ok' as Outcome };
/** SIPs, schools and Traded Services make shortlists; providers do not. */
const SHORTLISTERS = (outcome: Outcome) => ({ as: { sip: outcome, school: outcome, traded_services: outcome, otherSip: outcome, otherSchool: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
/** The fixture shortlist: its author (the fixture school's SIP) and, to read it, that school's users. */
const SHORTLIST_READERS = { as: { sip: 'ok' as Outcome, school: 'ok' as Outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome };
/** The fixture commission's school, provider, the school's SIP and Traded Services. */
const COMMISSION_PARTIES = (outcome: Outcome) => ({ as: { school: outcome, provider: outcome, sip: outcome, traded_services: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const SCHOOL_ONLY_RECORD = (outcome: Outcome) => ({ as: { school: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
/** A SIP's profile: the SIP themself and Traded Services (another SIP is refused). */
const SIP_PROFILE = (outcome: Outcome) => ({ as: { sip: outcome, traded_services: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
/** The fixture school's plan: written by the school and its SIP (Traded Services read it); reviewed by the SIP alone. */
const PLAN_WRITERS = (outcome: Outcome) => ({ as: { school: outcome, sip: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const SIP_ONLY_RECORD = (outcome: Outcome) => ({ as: { sip: outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome });
const SHORTLIST_AUTHOR = { as: { sip: 'redirect' as Outcome }, others: 'forbidden' as Outcome, signedOut: 'signIn' as Outcome };

/**
 * Every route × every role and signed out. A route the app serves that is missing here fails the
 * suite, so nobody adds a page without deciding who may use it.
 */
const MATRIX: Entry[] = [
  { route: 'GET /healthz', url: () => paths.health, signedOut: 'ok', as: {}, others: 'ok' },
  { route: 'GET /favicon.ico', url: () => '/favicon.ico', signedOut: 'redirect', as: {}, others: 'redirect' },
  { route: 'GET /', url: () => paths.root, signedOut: 'signIn', as: {}, others: 'redirect' },
  { route: 'GET /sign-in', url: () => paths.signIn, signedOut: 'ok', as: {}, others: 'redirect' },
  { route: 'POST /sign-in', url: () => paths.signIn, form: () => ({ email: '', password: '' }), signedOut: 'badRequest', as: {}, others: 'badRequest' },
  { route: 'POST /sign-out', url: () => paths.signOut, signedOut: 'signIn', as: {}, others: 'signIn', endsSession: true },
  { route: 'GET /account/password', url: () => paths.changePassword, signedOut: 'signIn', as: {}, others: 'ok' },
  { route: 'POST /account/password', url: () => paths.changePassword, form: () => ({}), signedOut: 'signIn', as: {}, others: 'badRequest' },
  { route: 'GET /sip', url: () => paths.dashboards.sip, signedOut: 'signIn', as: { sip: 'ok', otherSip: 'ok' }, others: 'forbidden' },
  { route: 'GET /school', url: () => paths.dashboards.school, signedOut: 'signIn', as: { school: 'ok', otherSchool: 'ok' }, others: 'forbidden' },
  { route: 'GET /provider', url: () => paths.dashboards.provider, signedOut: 'signIn', as: { provider: 'ok', otherProvider: 'ok' }, others: 'forbidden' },
  { route: 'GET /traded-services', url: () => paths.dashboards.traded_services, signedOut: 'signIn', as: { traded_services: 'ok' }, others: 'forbidden' },
  { route: 'GET /admin/users', url: () => paths.admin.users, ...TRADED_SERVICES_ONLY },
  { route: 'GET /admin/users/new', url: () => paths.admin.newUser, ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/users/new', url: () => paths.admin.newUser, form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /admin/users/:id', url: (f) => paths.admin.user(f.otherUserId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/users/:id/deactivate', url: (f) => paths.admin.deactivateUser(f.otherUserId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  { route: 'POST /admin/users/:id/reactivate', url: (f) => paths.admin.reactivateUser(f.otherUserId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  // The fixture user has set a password: there is no invitation to send again.
  { route: 'POST /admin/users/:id/invitation', url: (f) => paths.admin.resendInvitation(f.otherUserId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'notFound' } },
  // Linking a school user to schools: the fixture multi-school user is linked to two; unlinking one leaves one.
  { route: 'POST /admin/users/:id/schools', url: (f) => paths.admin.linkSchool(f.multiSchoolUserId), form: () => ({ urn: '' }), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /admin/users/:id/schools/:schoolId/unlink', url: (f) => paths.admin.unlinkSchool(f.multiSchoolUserId, f.secondSchoolId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  { route: 'GET /admin/outbox', url: () => paths.admin.outbox, ...TRADED_SERVICES_ONLY },
  { route: 'GET /admin/security-events', url: () => `${paths.admin.securityEvents}?type=signed_in`, ...TRADED_SERVICES_ONLY },
  { route: 'GET /admin/retention', url: () => paths.admin.retention, ...TRADED_SERVICES_ONLY },
  // Erasure: confirmed with a reason (an empty form is refused). Erasing oneself is refused in erasure.test.ts.
  { route: 'GET /admin/users/:id/erase', url: (f) => paths.admin.eraseUser(f.otherUserId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/users/:id/erase', url: (f) => paths.admin.eraseUser(f.otherUserId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // Everyone's own account page and data; the data is always the signed-in person's own (personal-data.test.ts).
  { route: 'GET /account', url: () => paths.account, ...SIGNED_IN },
  { route: 'GET /account/your-data.json', url: () => paths.yourData, ...SIGNED_IN },

  // One-time links: without a valid token the page explains the link is not valid (410), to anyone.
  { route: 'GET /account/set-password', url: () => paths.setPassword, signedOut: 'gone', as: {}, others: 'gone' },
  { route: 'POST /account/set-password', url: () => paths.setPassword, form: () => ({ token: 'not-a-token' }), signedOut: 'gone', as: {}, others: 'gone' },
  { route: 'GET /account/forgotten-password', url: () => paths.forgottenPassword, ...PUBLIC },
  { route: 'POST /account/forgotten-password', url: () => paths.forgottenPassword, form: () => ({ email: 'nobody@test.example' }), ...PUBLIC },

  // Schools: the fixture school belongs to `school` and is in `sip`'s caseload.
  { route: 'GET /schools', url: () => paths.schools.list, ...TRADED_SERVICES_ONLY },
  { route: 'GET /your-school', url: () => paths.schools.yourSchool, ...SCHOOLS_ONLY('ok') },
  // Choosing the school to act for: each school user among their own schools; another school is refused (multi-school.test.ts).
  { route: 'GET /acting-for', url: () => paths.actingFor, ...SCHOOLS_ONLY('ok') },
  { route: 'POST /acting-for', url: () => paths.actingFor, form: (f) => ({ school: f.schoolId }), ...SCHOOLS_ONLY('redirect'), as: { school: 'redirect', otherSchool: 'forbidden' } },
  { route: 'GET /your-schools', url: () => paths.schools.yourSchools, signedOut: 'signIn', as: { sip: 'ok', otherSip: 'ok' }, others: 'forbidden' },
  { route: 'GET /schools/:urn', url: (f) => paths.schools.school(f.schoolUrn), ...SCHOOL_RECORD('ok') },
  { route: 'GET /schools/:urn/level', url: (f) => paths.schools.level(f.schoolUrn), ...SCHOOL_RECORD('forbidden'), as: { sip: 'ok', traded_services: 'ok' } },
  { route: 'POST /schools/:urn/level', url: (f) => paths.schools.level(f.schoolUrn), form: () => ({}), ...SCHOOL_RECORD('forbidden'), as: { sip: 'badRequest', traded_services: 'badRequest' } },
  // Support plans: the fixture school's plan for this year has a priority with a milestone. Empty forms are refused.
  { route: 'GET /schools/:urn/plan', url: (f) => paths.plans.plan(f.schoolUrn), ...SCHOOL_RECORD('ok') },
  { route: 'POST /schools/:urn/plan/start', url: (f) => paths.plans.start(f.schoolUrn), ...PLAN_WRITERS('redirect') },
  { route: 'GET /schools/:urn/plan/priorities/new', url: (f) => paths.plans.newPriority(f.schoolUrn), ...PLAN_WRITERS('ok') },
  { route: 'POST /schools/:urn/plan/priorities/new', url: (f) => paths.plans.newPriority(f.schoolUrn), form: () => ({}), ...PLAN_WRITERS('badRequest') },
  { route: 'GET /schools/:urn/plan/priorities/:id', url: (f) => paths.plans.priority(f.schoolUrn, f.planPriorityId), ...PLAN_WRITERS('ok') },
  { route: 'POST /schools/:urn/plan/priorities/:id', url: (f) => paths.plans.priority(f.schoolUrn, f.planPriorityId), form: () => ({}), ...PLAN_WRITERS('badRequest') },
  // Without the version the page carries, nothing is removed: the form answers with its error.
  { route: 'POST /schools/:urn/plan/priorities/:id/remove', url: (f) => paths.plans.removePriority(f.schoolUrn, f.planPriorityId), ...PLAN_WRITERS('badRequest') },
  { route: 'GET /schools/:urn/plan/priorities/:id/support', url: (f) => paths.plans.prioritySupport(f.schoolUrn, f.planPriorityId), ...SCHOOL_RECORD('ok') },
  { route: 'POST /schools/:urn/plan/agree', url: (f) => paths.plans.agree(f.schoolUrn), ...SCHOOL_ONLY_RECORD('badRequest') },
  { route: 'GET /schools/:urn/plan/review', url: (f) => paths.plans.review(f.schoolUrn), ...SIP_ONLY_RECORD('ok') },
  { route: 'POST /schools/:urn/plan/review', url: (f) => paths.plans.review(f.schoolUrn), form: () => ({}), ...SIP_ONLY_RECORD('badRequest') },
  { route: 'GET /schools/:urn/sip', url: (f) => paths.schools.sip(f.schoolUrn), ...TRADED_SERVICES_ONLY },
  { route: 'POST /schools/:urn/sip', url: (f) => paths.schools.sip(f.schoolUrn), form: (f) => ({ sip: f.sipUserId }), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  { route: 'GET /schools/:urn/capacity', url: (f) => paths.schools.capacity(f.schoolUrn), ...SCHOOL_RECORD('forbidden'), as: { sip: 'ok', traded_services: 'ok' } },
  { route: 'POST /schools/:urn/capacity', url: (f) => paths.schools.capacity(f.schoolUrn), form: () => ({}), ...SCHOOL_RECORD('forbidden'), as: { sip: 'badRequest', traded_services: 'badRequest' } },
  { route: 'GET /schools/:urn/good-practice', url: (f) => paths.schools.goodPractice(f.schoolUrn), ...SCHOOL_RECORD('ok') },
  { route: 'POST /schools/:urn/good-practice', url: (f) => paths.schools.goodPractice(f.schoolUrn), form: () => ({}), ...SCHOOL_RECORD('forbidden'), as: { sip: 'badRequest', traded_services: 'badRequest' } },
  // No such nomination: those who may see the school's good practice are told so; nobody else learns even that.
  { route: 'POST /schools/:urn/good-practice/:id/contact', url: (f) => paths.schools.nominationContact(f.schoolUrn, NO_SUCH_ID), form: () => ({ contactName: 'Jo', contactEmail: 'jo@example.org' }), ...SCHOOL_RECORD('notFound') },
  { route: 'POST /schools/:urn/good-practice/:id/invite', url: (f) => paths.schools.nominationInvite(f.schoolUrn, NO_SUCH_ID), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'notFound' } },
  { route: 'GET /admin/nominations', url: () => paths.admin.nominations, ...TRADED_SERVICES_ONLY },

  // SIPs: the fixture SIP's profile is theirs and Traded Services'; the licence and the SIPs page are Traded Services'.
  { route: 'GET /sips', url: () => paths.sips.list, ...TRADED_SERVICES_ONLY },
  { route: 'POST /sips/days-per-school', url: () => paths.sips.daysPerSchool, form: () => ({ daysPerSchool: 'lots' }), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /sips/:id', url: (f) => paths.sips.profile(f.sipUserId), ...SIP_PROFILE('ok') },
  { route: 'GET /sips/:id/edit', url: (f) => paths.sips.edit(f.sipUserId), ...SIP_PROFILE('ok') },
  { route: 'POST /sips/:id/edit', url: (f) => paths.sips.edit(f.sipUserId), form: () => ({ phases: 'no-such-phase' }), ...SIP_PROFILE('badRequest') },
  { route: 'GET /sips/:id/licence', url: (f) => paths.sips.licence(f.sipUserId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /sips/:id/licence', url: (f) => paths.sips.licence(f.sipUserId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // A school's feedback on its own SIP (`otherSchool` has none: the page says so, and an empty form is refused first).
  { route: 'GET /your-school/sip-feedback', url: () => paths.sips.feedback, ...SCHOOLS_ONLY('ok') },
  { route: 'POST /your-school/sip-feedback', url: () => paths.sips.feedback, form: () => ({}), ...SCHOOLS_ONLY('badRequest') },
  { route: 'GET /schools/import', url: () => paths.schools.import, ...TRADED_SERVICES_ONLY },
  { route: 'POST /schools/import', url: () => paths.schools.import, form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /schools/import/:id', url: (f) => paths.schools.importJob(f.importJobId), ...TRADED_SERVICES_ONLY },
  { route: 'GET /schools/support-levels', url: () => paths.schools.scheme, ...TRADED_SERVICES_ONLY },
  { route: 'POST /schools/support-levels', url: () => paths.schools.scheme, form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /schools/support-levels/:code', url: () => paths.schools.schemeLevel('1'), ...TRADED_SERVICES_ONLY },
  { route: 'GET /schools/support-levels/add-level', url: () => paths.schools.schemeLevelNew, ...TRADED_SERVICES_ONLY },
  { route: 'GET /schools/support-levels/:code/remove', url: () => paths.schools.schemeLevelRemove('1'), ...TRADED_SERVICES_ONLY },
  // Directory: every signed-in user searches; the open-data export is public.
  { route: 'GET /directory', url: () => `${paths.directory.search}?q=maths`, ...SIGNED_IN },
  { route: 'GET /directory/export.csv', url: () => paths.directory.export, ...SIGNED_IN },
  { route: 'GET /directory/print', url: () => paths.directory.print, ...SIGNED_IN },
  { route: 'GET /directory/suggest', url: () => `${paths.directory.suggest}?need=phonics-outcomes-falling`, ...SIGNED_IN },
  { route: 'GET /help', url: () => paths.help, ...SIGNED_IN },
  // The pages a council must publish: readable by anyone, signed in or not.
  { route: 'GET /accessibility', url: () => paths.accessibility, ...PUBLIC },
  { route: 'GET /privacy', url: () => paths.privacyNotice, ...PUBLIC },
  { route: 'GET /cookies', url: () => paths.cookies, ...PUBLIC },
  { route: 'GET /open-data/directory.json', url: () => paths.openData.directory, ...PUBLIC },
  { route: 'GET /open-data/hsds', url: () => paths.openData.hsds.root, ...PUBLIC },
  { route: 'GET /open-data/hsds/services', url: () => paths.openData.hsds.services, ...PUBLIC },
  { route: 'GET /open-data/hsds/services/:id', url: (f) => paths.openData.hsds.service(serviceId({ id: f.listingId })), ...PUBLIC },
  { route: 'GET /open-data/hsds/organizations', url: () => paths.openData.hsds.organizations, ...PUBLIC },
  { route: 'GET /open-data/hsds/organizations/:id', url: (f) => paths.openData.hsds.organization(f.organizationId), ...PUBLIC },
  { route: 'GET /open-data/hsds/taxonomies', url: () => paths.openData.hsds.taxonomies, ...PUBLIC },
  { route: 'GET /open-data/hsds/taxonomies/:id', url: () => paths.openData.hsds.taxonomy(taxonomyId('type')), ...PUBLIC },
  { route: 'GET /open-data/hsds/taxonomy_terms', url: () => paths.openData.hsds.taxonomyTerms, ...PUBLIC },
  { route: 'GET /open-data/hsds/taxonomy_terms/:id', url: () => paths.openData.hsds.taxonomyTerm(taxonomyTermId('type', 'sle')), ...PUBLIC },
  { route: 'GET /directory/providers/:listingId/shortlist', url: (f) => paths.directory.addToShortlist(f.listingId), ...SHORTLISTERS('ok') },
  { route: 'POST /directory/providers/:listingId/shortlist', url: (f) => paths.directory.addToShortlist(f.listingId), form: () => ({}), ...SHORTLISTERS('badRequest') },
  { route: 'GET /shortlists', url: () => paths.shortlists.index, ...SHORTLISTERS('ok') },
  { route: 'GET /shortlists/new', url: () => paths.shortlists.new, ...SHORTLISTERS('ok') },
  { route: 'POST /shortlists/new', url: () => paths.shortlists.new, form: () => ({}), ...SHORTLISTERS('badRequest') },
  { route: 'GET /shortlists/:id', url: (f) => paths.shortlists.show(f.shortlistId), ...SHORTLIST_READERS },
  { route: 'GET /shortlists/:id/print', url: (f) => paths.shortlists.print(f.shortlistId), ...SHORTLIST_READERS },
  { route: 'GET /shortlists/:id/export.csv', url: (f) => paths.shortlists.export(f.shortlistId), ...SHORTLIST_READERS },
  { route: 'POST /shortlists/:id/entries/:listingId/note', url: (f) => paths.shortlists.entryNote(f.shortlistId, f.listingId), form: () => ({ note: 'Strong on KS2' }), ...SHORTLIST_AUTHOR },
  { route: 'POST /shortlists/:id/entries/:listingId/remove', url: (f) => paths.shortlists.removeEntry(f.shortlistId, f.listingId), ...SHORTLIST_AUTHOR },

  // Commissions: the fixture commission was asked for by `school` from `provider`'s listing; the school is in `sip`'s caseload.
  { route: 'GET /commissions', url: () => paths.commissions.list, ...SIGNED_IN },
  { route: 'GET /commissions/new', url: (f) => paths.commissions.newFor(f.listingId), ...SHORTLISTERS('ok') },
  { route: 'POST /commissions/new', url: () => paths.commissions.new, form: (f) => ({ listing: f.listingId }), ...SHORTLISTERS('badRequest') },
  // Without a request in progress, the check page sends anyone back to their commissions.
  { route: 'GET /commissions/new/check', url: () => paths.commissions.check, signedOut: 'signIn', as: {}, others: 'redirect' },
  { route: 'POST /commissions/new/check', url: () => paths.commissions.check, signedOut: 'signIn', as: {}, others: 'redirect' },
  { route: 'GET /commissions/:id', url: (f) => paths.commissions.commission(f.commissionId), ...COMMISSION_PARTIES('ok') },
  { route: 'GET /commissions/:id/requested', url: (f) => paths.commissions.requested(f.commissionId), ...COMMISSION_PARTIES('ok') },
  { route: 'GET /commissions/:id/:action', url: (f) => paths.commissions.action(f.commissionId, 'decline'), ...OWNER_ONLY('ok') },
  { route: 'POST /commissions/:id/:action', url: (f) => paths.commissions.action(f.commissionId, 'decline'), form: () => ({}), ...OWNER_ONLY('badRequest') },
  // Feedback opens once the support is complete: until then nobody may give it.
  { route: 'GET /commissions/:id/feedback', url: (f) => paths.commissions.feedback(f.commissionId), ...SCHOOL_ONLY_RECORD('forbidden') },
  { route: 'POST /commissions/:id/feedback', url: (f) => paths.commissions.feedback(f.commissionId), form: () => ({}), ...SCHOOL_ONLY_RECORD('forbidden') },
  { route: 'GET /commissions/:id/feedback/evidence', url: (f) => paths.commissions.evidence(f.commissionId), ...COMMISSION_PARTIES('notFound') },
  { route: 'GET /feedback/attention', url: () => paths.feedbackAttention, ...TRADED_SERVICES_ONLY },
  { route: 'GET /reports', url: () => paths.reports.commissions, signedOut: 'signIn', as: { sip: 'ok', otherSip: 'ok', traded_services: 'ok' }, others: 'forbidden' },
  { route: 'GET /reports/:table.csv', url: () => paths.reports.csv(REPORT_TABLE), signedOut: 'signIn', as: { sip: 'ok', otherSip: 'ok', traded_services: 'ok' }, others: 'forbidden' },

  // Taxonomy administration: Traded Services only. Retire comes before reinstate, so the term ends as it began.
  { route: 'GET /admin/taxonomy', url: () => paths.taxonomyAdmin.index, ...TRADED_SERVICES_ONLY },
  { route: 'GET /admin/taxonomy/:kind', url: () => paths.taxonomyAdmin.list('context'), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/taxonomy/:kind', url: () => paths.taxonomyAdmin.list('context'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /admin/taxonomy/:kind/:slug', url: () => paths.taxonomyAdmin.term('context', 'rural'), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/taxonomy/:kind/:slug', url: () => paths.taxonomyAdmin.term('context', 'rural'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'GET /admin/taxonomy/:kind/:slug/merge', url: () => paths.taxonomyAdmin.merge('context', 'rural'), ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/taxonomy/:kind/:slug/merge', url: () => paths.taxonomyAdmin.merge('context', 'rural'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /admin/taxonomy/:kind/:slug/retire', url: () => paths.taxonomyAdmin.retire('context', 'rural'), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },
  { route: 'POST /admin/taxonomy/:kind/:slug/reinstate', url: () => paths.taxonomyAdmin.reinstate('context', 'rural'), ...TRADED_SERVICES_ONLY, as: { traded_services: 'redirect' } },

  { route: 'POST /schools/support-levels/:code', url: () => paths.schools.schemeLevel('1'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // Without the version the page carries, nothing changes: each answers with the form and its error.
  { route: 'POST /schools/support-levels/add-level', url: () => paths.schools.schemeLevelNew, form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /schools/support-levels/:code/remove', url: () => paths.schools.schemeLevelRemove('1'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /schools/support-levels/:code/move', url: () => paths.schools.schemeLevelMove('1'), form: () => ({ direction: 'down' }), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },

  // Listings: the fixture listing is published and owned by `provider`; `otherProvider` owns nothing.
  { route: 'GET /your-listings', url: () => paths.listings.own, ...OWNER_ONLY('ok'), as: { provider: 'ok', otherProvider: 'ok' } },
  { route: 'GET /your-listings/new', url: () => paths.listings.new, ...OWNER_ONLY('ok'), as: { provider: 'ok', otherProvider: 'ok' } },
  { route: 'POST /your-listings/new', url: () => paths.listings.new, form: () => ({}), ...OWNER_ONLY('badRequest'), as: { provider: 'badRequest', otherProvider: 'badRequest' } },
  { route: 'GET /listings', url: () => paths.listings.queue, ...TRADED_SERVICES_ONLY },
  { route: 'GET /listings/:id', url: (f) => paths.listings.listing(f.listingId), ...SIGNED_IN },
  { route: 'GET /listings/:id/edit', url: (f) => paths.listings.edit(f.listingId), ...OWNER_ONLY('ok') },
  { route: 'POST /listings/:id/edit', url: (f) => paths.listings.edit(f.listingId), form: () => ({}), ...OWNER_ONLY('badRequest') },
  { route: 'GET /listings/:id/status', url: (f) => paths.listings.status(f.listingId), ...OWNER_ONLY('ok'), as: { provider: 'ok', traded_services: 'ok' } },
  { route: 'GET /listings/:id/history', url: (f) => paths.listings.history(f.listingId), ...OWNER_ONLY('ok'), as: { provider: 'ok', traded_services: 'ok' } },
  { route: 'GET /listings/:id/files/:fileId', url: (f) => paths.listings.file(f.listingId, f.fileId), ...SIGNED_IN },
  { route: 'POST /listings/:id/files/:fileId/remove', url: (f) => paths.listings.removeFile(f.listingId, f.fileId), ...OWNER_ONLY('redirect') },
  // Provider checks: the LA requires a DBS check of the fixture's type, and it holds a verified one. Only the owner
  // and Traded Services see them (a school, a SIP or another provider never does); the owner records, Traded Services verify.
  { route: 'GET /listings/:id/checks', url: (f) => paths.listings.checks(f.listingId), ...OWNER_ONLY('ok'), as: { provider: 'ok', traded_services: 'ok' } },
  { route: 'GET /listings/:id/checks/:kind', url: (f) => paths.listings.recordCheck(f.listingId, 'dbs'), ...OWNER_ONLY('ok') },
  { route: 'POST /listings/:id/checks/:kind', url: (f) => paths.listings.recordCheck(f.listingId, 'dbs'), form: () => ({}), ...OWNER_ONLY('badRequest') },
  { route: 'GET /listings/:id/checks/files/:fileId', url: (f) => paths.listings.checkFile(f.listingId, f.checkFileId), ...OWNER_ONLY('ok'), as: { provider: 'ok', traded_services: 'ok' } },
  { route: 'GET /listings/:id/checks/:kind/decision', url: (f) => paths.listings.decideCheck(f.listingId, 'dbs'), ...TRADED_SERVICES_ONLY },
  { route: 'POST /listings/:id/checks/:kind/decision', url: (f) => paths.listings.decideCheck(f.listingId, 'dbs'), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // The LA's rules: a form that is refused, so the run never changes them.
  { route: 'GET /admin/provider-checks', url: () => paths.admin.checkRequirements, ...TRADED_SERVICES_ONLY },
  { route: 'POST /admin/provider-checks', url: () => paths.admin.checkRequirements, form: () => ({ dbsMonths: 'three years' }), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // Only a draft can be sent for approval: the published fixture refuses even its owner.
  { route: 'POST /listings/:id/submit', url: (f) => paths.listings.submit(f.listingId), ...OWNER_ONLY('forbidden') },
  { route: 'GET /listings/:id/decision', url: (f) => paths.listings.decide(f.listingId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /listings/:id/decision', url: (f) => paths.listings.decide(f.listingId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /listings/:id/suspend', url: (f) => paths.listings.suspend(f.listingId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  { route: 'POST /listings/:id/arrangement', url: (f) => paths.listings.arrangement(f.listingId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },
  // The fixture is published, not suspended or overdue, and has no waiting revision: the actions say so.
  { route: 'POST /listings/:id/reinstate', url: (f) => paths.listings.reinstate(f.listingId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'conflict' } },
  { route: 'POST /listings/:id/reviewed', url: (f) => paths.listings.reviewed(f.listingId), ...TRADED_SERVICES_ONLY, as: { traded_services: 'conflict' } },
  { route: 'GET /listings/:id/revision', url: (f) => paths.listings.revision(f.listingId), ...TRADED_SERVICES_ONLY },
  { route: 'POST /listings/:id/revision', url: (f) => paths.listings.revision(f.listingId), form: () => ({}), ...TRADED_SERVICES_ONLY, as: { traded_services: 'badRequest' } },

  // Recommendations: schools recommend; the owner asks.
  { route: 'GET /recommendations', url: () => paths.recommendations.inbox, ...SCHOOLS_ONLY('ok') },
  { route: 'GET /listings/:id/recommendations/request', url: (f) => paths.recommendations.request(f.listingId), ...OWNER_ONLY('ok') },
  { route: 'POST /listings/:id/recommendations/request', url: (f) => paths.recommendations.request(f.listingId), form: () => ({}), ...OWNER_ONLY('badRequest') },
  { route: 'GET /listings/:id/recommend', url: (f) => paths.recommendations.recommend(f.listingId), ...SCHOOLS_ONLY('ok') },
  { route: 'POST /listings/:id/recommend', url: (f) => paths.recommendations.recommend(f.listingId), form: () => ({}), ...SCHOOLS_ONLY('badRequest') },
  { route: 'POST /listings/:id/recommend/decline', url: (f) => paths.recommendations.decline(f.listingId), ...SCHOOLS_ONLY('redirect') },
  { route: 'POST /listings/:id/recommend/withdraw', url: (f) => paths.recommendations.withdraw(f.listingId), ...SCHOOLS_ONLY('redirect') },
];

/** Public, the same for everyone: the only answers a browser or proxy may keep. */
/** The public open-data feed (directory.json and the HSDS API under /open-data/hsds) is cacheable, like the health check. */
const CACHEABLE = ['GET /healthz', 'GET /favicon.ico', ...MATRIX.map((entry) => entry.route).filter((route) => route.startsWith('GET /open-data/'))];

const STATUS: Record<Outcome, (status: number, location: string | undefined) => boolean> = {
  ok: (status) => status === 200,
  redirect: (status, location) => [301, 302, 303].includes(status) && location !== paths.signIn,
  signIn: (status, location) => status === 302 && location === paths.signIn,
  forbidden: (status) => status === 403,
  notFound: (status) => status === 404,
  badRequest: (status) => status === 400,
  conflict: (status) => status === 409,
  gone: (status) => status === 410,
};

/** Someone of the right role but not the record's gets what the route gives everyone else, unless stated. */
function outcomeFor(entry: Entry, who: Who): Outcome {
  if (who === 'signedOut') return entry.signedOut;
  if (who === 'otherProvider') return entry.as.otherProvider ?? (entry.as.provider && entry.as.provider !== 'forbidden' ? 'forbidden' : entry.others);
  if (who === 'otherSchool') return entry.as.otherSchool ?? (entry.as.school && entry.as.school !== 'forbidden' ? 'forbidden' : entry.others);
  if (who === 'otherSip') return entry.as.otherSip ?? (entry.as.sip && entry.as.sip !== 'forbidden' ? 'forbidden' : entry.others);
  return entry.as[who] ?? entry.others;
}

describe('authorization matrix', () => {
  let app: Express;
  const agents = new Map<Who, Agent>();
  let fixtures: Fixtures;
  const emails = new Map<Exclude<Who, 'signedOut'>, string>();

  beforeAll(async () => {
    app = buildTestApp();
    const users = new Map<Exclude<Who, 'signedOut'>, Awaited<ReturnType<typeof createUser>>>();
    for (const role of ROLES) users.set(role, await createUser(role));
    users.set('otherProvider', await createUser('provider'));
    users.set('otherSchool', await createUser('school'));
    users.set('otherSip', await createUser('sip'));
    for (const [who, user] of users) {
      emails.set(who, user.email);
      agents.set(who, await signedInAgent(app, user.email));
    }
    agents.set('signedOut', request.agent(app));
    const listing = await Listing.create({
      name: 'Matrix listing',
      providerType: 'sle',
      owners: [users.get('provider')!._id],
      status: 'approved',
      publishedAt: new Date(),
      reviewDueOn: new Date(Date.now() + 365 * 86_400_000),
    });
    const file = await StoredFile.create({ listing: listing._id, kind: 'evidence', filename: 'case-study.pdf', contentType: 'application/pdf', size: 9, data: Buffer.from('%PDF-1.7\n') });
    await Listing.updateOne({ _id: listing._id }, { $set: { evidence: [file._id] } });
    await CheckRequirements.create({ key: 'current', requiredFor: { dbs: ['sle'] }, acceptedMonths: { dbs: 36 } });
    const checkFile = await StoredFile.create({ listing: listing._id, kind: 'check', filename: 'dbs.pdf', contentType: 'application/pdf', size: 9, data: Buffer.from('%PDF-1.7\n') });
    const sent = { datedOn: new Date(), updateService: false, evidence: checkFile._id, submittedAt: new Date(), verifiedAt: new Date() };
    await ProviderCheck.create({ listing: listing._id, kind: 'dbs', verified: sent });
    await refreshCheckSummary(listing._id);
    const school = await School.findByIdAndUpdate(users.get('school')!.schools![0], { $set: { sip: users.get('sip')!._id } }, { new: true });
    const job = await ImportJob.create({ fileName: 'edubasealldata.csv', totalBytes: 100, startedBy: users.get('traded_services')!._id });
    fixtures = {
      otherUserId: (await createUser('provider')).id as string,
      listingId: listing.id as string,
      organizationId: organizationId(toDirectoryDocument(listing.toObject())),
      fileId: file.id as string,
      checkFileId: checkFile.id as string,
      schoolUrn: school!.urn,
      schoolId: school!.id as string,
      multiSchoolUserId: '',
      secondSchoolId: (await createSchool({ name: 'Second Matrix School' })).id as string,
      importJobId: job.id as string,
      sipUserId: users.get('sip')!.id as string,
      commissionId: '',
      planPriorityId: '',
      shortlistId: (await Shortlist.create({ title: 'For the visit', school: school!._id, author: users.get('sip')!._id })).id as string,
    };
    await ShortlistEntry.create({ shortlist: fixtures.shortlistId, listing: listing._id, note: '' });
    fixtures.multiSchoolUserId = (await createUser('school', { schools: [school!._id, new Types.ObjectId(fixtures.secondSchoolId)] })).id as string;
    await Listing.updateOne({ _id: listing._id }, { $set: { capacity: { days: 10, period: 'term' }, dailyRatePence: 40_000, expertise: ['mathematics-and-numeracy'] } });
    fixtures.commissionId = (await requestAs(toSessionUser(users.get('school')!), fixtures.listingId)).id;
    await ensureDefaultTaxonomy();
    await chooseSchemePreset(toSessionUser(users.get('traded_services')!), 'south_gloucestershire');
    const head = toSessionUser(users.get('school')!);
    await startPlan(head, school!.urn);
    const priority = await savePriority(head, school!.urn, undefined, {
      need: '',
      words: 'Matrix priority',
      objectives: '',
      successCriteria: '',
      version: 0,
      milestones: [{ text: 'A milestone', dueOn: new Date(Date.now() + 30 * 86_400_000) }],
    });
    if (!priority.ok) throw new Error(priority.message);
    fixtures.planPriorityId = priority.priorityId!;
  });
  beforeEach(resetSignInLimits);

  it('covers every route the app serves', () => {
    expect(listRoutes(app)).toEqual(MATRIX.map((entry) => entry.route).sort());
  });

  const cases = MATRIX.flatMap((entry) =>
    (['signedOut', ...ROLES, 'otherProvider', 'otherSchool', 'otherSip'] as Who[]).map((who) => [entry.route, who, outcomeFor(entry, who), entry] as const),
  );

  it.each(cases)('%s as %s → %s', async (route, who, expected, entry) => {
    const agent = entry.endsSession && who !== 'signedOut' ? await signedInAgent(app, emails.get(who)!) : agents.get(who)!;
    const url = entry.url(fixtures);
    let response;
    if (route.startsWith('POST')) {
      const page = await agent.get(who === 'signedOut' ? paths.signIn : paths.changePassword);
      response = await agent.post(url).type('form').send({ ...(entry.form?.(fixtures) ?? {}), _csrf: csrfTokenFrom(page.text) });
    } else {
      response = await agent.get(url);
    }
    const ok = STATUS[expected](response.status, response.headers.location as string | undefined);
    if (!ok) throw new Error(`${route} as ${who}: expected ${expected}, got ${response.status} ${response.headers.location ?? ''}`);
    // Nothing made for a signed-in person may be kept by a browser or a proxy (only the public feed and health check are).
    if (who !== 'signedOut' && !CACHEABLE.includes(route) && response.headers['cache-control'] !== 'no-store') {
      throw new Error(`${route} as ${who}: Cache-Control is ${String(response.headers['cache-control'])}, not no-store`);
    }
  });
});
