import path from 'node:path';
import compression from 'compression';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from './config';
import { accountsRoutes, requirePasswordChangeFirst } from './features/accounts/accounts.routes';
import { authenticate, findActiveUser } from './features/accounts/accounts.service';
import { PasswordChecks } from './features/accounts/passwords';
import { ResetRequestLimits } from './features/accounts/reset-request-limits';
import { SignInThrottle } from './features/accounts/sign-in-throttle';
import { passwordLinksRoutes } from './features/accounts/password-links.routes';
import { usersRoutes } from './features/accounts/users.routes';
import { yourAccountRoutes } from './features/accounts/your-account.routes';
import { privacyRoutes } from './features/privacy/privacy.routes';
import { securityEventsRoutes } from './features/accounts/security-events.routes';
import { createMailer, type Mailer } from './features/mail/mailer';
import { notify } from './features/notifications/notifications.service';
import { emailNotificationsAfterChanges, NotificationEmails } from './features/notifications/notification-emails';
import { outboxRoutes } from './features/mail/outbox.routes';
import { commissionsRoutes } from './features/commissions/commissions.routes';
import { feedbackRoutes, parseFeedbackUpload } from './features/commissions/feedback/feedback.routes';
import { impactRowsForListing } from './features/commissions/feedback/feedback.service';
import { canAskForSupport } from './features/commissions/commission-access';
import { reportsRoutes } from './features/reports/reports.routes';
import { dashboardsRoutes } from './features/dashboards/dashboards.routes';
import { listingFormUploads, listingsRoutes } from './features/listings/listings.routes';
import { recommendationsRoutes } from './features/listings/recommendations.routes';
import { checkFormUploads, checksRoutes } from './features/listings/checks/checks.routes';
import { giasImportRoutes, giasUploadParser } from './features/schools/gias/import.routes';
import { schoolsRoutes } from './features/schools/schools.routes';
import { commissionSummariesFor } from './features/commissions/caseload-summaries';
import { findOpenSchoolByUrn, schoolNameOf } from './features/schools/schools.service';
import { actingSchoolRoutes } from './features/schools/acting-school.routes';
import { supportSchemeRoutes } from './features/schools/support-scheme.routes';
import { sipsRoutes } from './features/sips/sips.routes';
import { lapsedLicenceOf, licencesOf } from './features/sips/sips.service';
import { SIP_TEXT_LIMITS } from './features/sips/sip-vocabulary';
import { DirectoryIndexKeeper } from './features/directory/directory-index-keeper';
import { directoryRoutes } from './features/directory/directory.routes';
import { DirectoryService } from './features/directory/directory.service';
import { openDataRoutes } from './features/directory/open-data.routes';
import { shortlistsRoutes } from './features/directory/shortlists.routes';
import { canMakeShortlists } from './features/directory/shortlists.service';
import { helpRoutes } from './features/help/help.routes';
import { taxonomyRoutes } from './features/taxonomy/taxonomy.routes';
import { listingTermUsage } from './features/listings/term-usage';
import { projectRoot } from './lib/project-root';
import { paths } from './paths';
import { assetUrls, staticFiles } from './web/assets';
import { setUpAuthentication } from './web/authentication';
import { requireActingSchoolChoice, resolveActingSchool } from './web/acting-school';
import { BackgroundWork } from './web/background-work';
import { enterByFirstSegment } from './web/enter-by-first-segment';
import { setUpCsrf } from './web/csrf';
import { errorHandler, failFastWhileDatabaseDown, notFound, refuseWhileRestoring } from './web/errors';
import { pausedForRestore } from './db/restore-state';
import { parseQueryString, stripControlCharacters } from './web/form-text';
import { healthCheck } from './web/health';
import { setUpPageLocals, setUpUserLocals } from './web/locals';
import { setUpRequestLogging } from './web/logging';
import { noStore, setUpSecurityHeaders } from './web/security-headers';
import { saveSessionBeforeRedirect, setUpNotifications } from './web/flash';
import { setUpSession } from './web/session';
import { COMMISSION_TEXT_LIMITS } from './features/commissions/commissions.schemas';
import { FEEDBACK_TEXT_LIMITS } from './features/commissions/feedback/feedback.schemas';
import { SHORTLIST_TEXT_LIMITS } from './features/directory/shortlists.schemas';
import { SCHOOL_TEXT_LIMITS } from './features/schools/schools.schemas';
import { PLAN_TEXT_LIMITS } from './features/plans/plans.schemas';
import { plansRoutes } from './features/plans/plans.routes';
import { planSummaryFor } from './features/plans/plan-reads';
import { supportAgainstPlan } from './features/commissions/plan-support';
import { RECOMMENDATION_TEXT_LIMITS } from './features/listings/recommendations.schemas';
import { CONTACT_ROUTE_MAX, EXPERIENCE_MAX, REASON_MAX, SUMMARY_MAX } from './features/listings/listings.schemas';
import { CHECK_REASON_MAX } from './features/listings/checks/checks.schemas';
import { ERASURE_REASON_MAX } from './features/accounts/accounts.schemas';
import { NOMINATION_NOTE_LIMIT } from './features/nominations/nominations.schemas';
import { nominationsRoutes } from './features/nominations/nominations.routes';

/** The character limits the forms show (character count), from the constants their schemas check. */
const TEXT_LIMITS = {
  commission: COMMISSION_TEXT_LIMITS,
  feedback: FEEDBACK_TEXT_LIMITS,
  shortlist: SHORTLIST_TEXT_LIMITS,
  school: SCHOOL_TEXT_LIMITS,
  sip: SIP_TEXT_LIMITS,
  plan: PLAN_TEXT_LIMITS,
  recommendation: RECOMMENDATION_TEXT_LIMITS,
  listing: { summary: SUMMARY_MAX, experience: EXPERIENCE_MAX, contactRoute: CONTACT_ROUTE_MAX, reason: REASON_MAX },
  erasure: { reason: ERASURE_REASON_MAX },
  check: { reason: CHECK_REASON_MAX },
  nomination: { note: NOMINATION_NOTE_LIMIT },
} as const;

/** directoryIndex: pass one already built (server start-up does); otherwise it is built on first search. */
/** clock: what time it is, for sign-in lockouts (tests move it on instead of waiting). */
/** background: work requests start and do not wait for (tests wait for it with settled()). */
/** passwordChecks: where every password hash and check queues (tests pass a small one to fill). */
/** mailer: SMTP or the outbox, from the settings unless given; notificationEmails: what emails notifications (server.ts also runs it on a timer). */
export type AppDependencies = {
  config: Config;
  logger: Logger;
  connection: Connection;
  directoryIndex?: DirectoryIndexKeeper;
  clock?: () => Date;
  background?: BackgroundWork;
  passwordChecks?: PasswordChecks;
  mailer?: Mailer;
  notificationEmails?: NotificationEmails;
};

/** Builds the app around a connected database. Middleware runs in the order written here. */
export function createApp({
  config,
  logger,
  connection,
  directoryIndex,
  clock = () => new Date(),
  background = new BackgroundWork(logger),
  passwordChecks = new PasswordChecks(),
  mailer = createMailer(config.mail),
  notificationEmails = new NotificationEmails({ mailer, baseUrl: config.baseUrl, serviceName: config.serviceName }, logger),
}: AppDependencies): express.Express {
  const db = connection.db;
  if (!db) throw new Error('createApp needs a connected database');

  const keeper = directoryIndex ?? new DirectoryIndexKeeper({ graceDays: config.listings.reviewGraceDays, syncMs: config.directory.syncMs, logger });
  const directory = new DirectoryService(keeper);

  const publicDir = path.join(projectRoot, 'public');
  const app = express();
  app.set('views', path.join(projectRoot, 'views'));
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  // Templates include partials by paths from views/ ('/partials/csrf'): EJS looks a relative include up on
  // disk (a stat) every time a page is drawn, one from this root it does not.
  app.set('view options', { root: path.join(projectRoot, 'views') });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.set('query parser', parseQueryString);
  app.locals.textLimits = TEXT_LIMITS;

  app.get(paths.health, healthCheck);
  app.get('/favicon.ico', (_req, res) => res.redirect(301, paths.assets.favicon));
  app.use(compression());
  app.use(setUpSecurityHeaders({ https: config.session.cookieSecure }));
  app.use(setUpPageLocals({ serviceName: config.serviceName, organisationName: config.laName, assets: assetUrls(publicDir, logger) }));
  app.use(setUpRequestLogging(logger));
  app.use('/public', staticFiles(publicDir, config.env === 'production' ? '1d' : 0));
  app.use(failFastWhileDatabaseDown(connection));
  app.use(refuseWhileRestoring(pausedForRestore));
  app.use(enterByFirstSegment(openDataRoutes(directory, { laName: config.laName, serviceName: config.serviceName, baseUrl: config.baseUrl })));
  app.use(noStore);
  const sessions = setUpSession({ connection, secret: config.session.secret, idleMinutes: config.session.idleMinutes, secure: config.session.cookieSecure });
  app.use(sessions.middleware);
  app.use(saveSessionBeforeRedirect);
  app.use(setUpNotifications({ secret: config.session.secret }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 500 }));
  app.use(setUpAuthentication({ authenticate: (email, password) => authenticate(email, password, passwordChecks), findActiveUser }, sessions.store));
  app.use(resolveActingSchool({ schoolNameOf }));
  app.use(listingFormUploads(config.uploads)); // multipart: the CSRF token is in the body multer reads
  app.use(checkFormUploads(config.uploads));
  app.post(paths.schools.import, ...giasUploadParser(config.uploads.maxGiasBytes, config.uploads.tempDir)); // multipart: parsed before the CSRF check
  app.post(paths.commissions.feedback(':id'), ...parseFeedbackUpload(config.uploads.maxDocumentBytes));
  app.use(setUpCsrf());
  app.use(emailNotificationsAfterChanges(notificationEmails, background)); // after CSRF: a forged post sets nothing off
  app.use(stripControlCharacters);
  app.use(setUpUserLocals);
  app.use(requirePasswordChangeFirst);
  app.use(requireActingSchoolChoice);

  // Each feature's router is entered only by paths it serves (web/enter-by-first-segment.ts).
  const feature = (router: express.Router) => app.use(enterByFirstSegment(router));
  const accountLinks = { mailer, baseUrl: config.baseUrl, serviceName: config.serviceName, ...config.tokens };
  const throttle = new SignInThrottle(db, config.signIn, clock);
  feature(accountsRoutes(throttle, clock, notify, passwordChecks));
  feature(passwordLinksRoutes(accountLinks, throttle, { limits: new ResetRequestLimits(db, config.resetRequests.perIpPerHour), background }, passwordChecks));
  feature(yourAccountRoutes());
  feature(privacyRoutes(config, { forgetSignInAttempts: (email) => throttle.forget(email) }));
  feature(dashboardsRoutes({ rules: config.listings, directory: keeper, feedbackDueDays: config.feedbackDueDays, sips: config.sips }, clock));
  feature(listingsRoutes(config, keeper, { impactRows: impactRowsForListing, canAskForSupport, canMakeShortlists }));
  feature(recommendationsRoutes(config));
  feature(checksRoutes(config.uploads));
  const schoolLookup = { findOpenSchoolByUrn, schoolNameOf };
  feature(usersRoutes(accountLinks, schoolLookup, (sipIds) => licencesOf(sipIds, config.sips, clock())));
  feature(actingSchoolRoutes());
  feature(securityEventsRoutes());
  feature(outboxRoutes(mailer));
  feature(giasImportRoutes());
  feature(supportSchemeRoutes());
  feature(schoolsRoutes({ directory, commissionSummariesFor, planSummaryFor, lapsedSipLicence: (sipId) => lapsedLicenceOf(sipId, config.sips, clock()) }));
  feature(sipsRoutes(config.sips, clock));
  feature(nominationsRoutes(accountLinks, schoolLookup));
  feature(plansRoutes({ supportAgainstPlan, directory }));
  feature(directoryRoutes(directory, config.baseUrl));
  feature(shortlistsRoutes(directory, config.baseUrl));
  feature(taxonomyRoutes(listingTermUsage));
  feature(helpRoutes(config));
  feature(feedbackRoutes({ feedbackDueDays: config.feedbackDueDays, maxDocumentBytes: config.uploads.maxDocumentBytes }));
  feature(commissionsRoutes());
  feature(reportsRoutes(directory));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
