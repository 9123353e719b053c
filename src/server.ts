import cluster from 'node:cluster';
import type { Server } from 'node:http';
import mongoose from 'mongoose';
import { createApp } from './app';
import { startAppWorkers, type AppWorkers } from './app-workers';
import { ConfigError, loadConfig, type Config } from './config';
import { connectAtStart } from './db/connect';
import { ensureIndexes } from './db/indexes';
import { schedulePurge } from './db/maintenance';
import { readRestoreState, RestoreWatch, unfinishedRestore } from './db/restore-state';
import { appIndexSpecs, purgeTasks } from './housekeeping';
import { openDatabase, type OpenDatabase } from './db/open-database';
import { scheduleAbandonedHoldRelease } from './features/commissions/abandoned-holds';
import { scheduleFeedbackReminders } from './features/commissions/feedback/feedback-reminders';
import { scheduleLicenceReminders } from './features/sips/licence-reminders';
import { createMailer } from './features/mail/mailer';
import { NotificationEmails, scheduleNotificationEmails } from './features/notifications/notification-emails';
import { DirectoryIndexKeeper } from './features/directory/directory-index-keeper';
import { ensureOwnershipRecorded } from './features/listings/listing-ownership';
import { convertSingleSchoolLinks } from './features/accounts/school-links-conversion';
import { markWaitingRevisionsOnce } from './features/listings/revision-markers';
import { markLowRatedFeedbackOnce } from './features/commissions/feedback/low-rating-markers';
import { markCommissionCreatedKeysOnce } from './features/commissions/recent-commissions';
import { countSchoolsAhead } from './features/dashboards/dashboards.service';
import { scheduleClosedSchoolCheck } from './features/listings/recommendation-standing';
import { scheduleCheckReminders } from './features/listings/checks/check-reminders';
import { scheduleRetentionPurge } from './features/privacy/retention.service';
import { Listing } from './features/listings/listing.model';
import { scheduleFigureFolding } from './features/commissions/figures/figure-folding';
import { prepareFigures } from './features/commissions/figures/figure-rebuild';
import { ensureDefaultTaxonomy } from './features/taxonomy/taxonomy.service';
import type { Logger } from 'pino';
import { createLogger } from './web/logging';
import { seedDemoDataIfEmpty } from '../seed/demo-data';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // WEB_CONCURRENCY above 1: this first process opens the database, does the start-up work once and runs
  // the scheduled jobs; its workers (this program again, node:cluster) serve the requests.
  const role: 'single' | 'primary' | 'worker' = config.webConcurrency <= 1 ? 'single' : cluster.isPrimary ? 'primary' : 'worker';

  // Filled in as start-up proceeds, so a shutdown at any point stops exactly what has started.
  const running: { database?: OpenDatabase; server?: Server; workers?: AppWorkers; stopTimers?: () => void } = {};
  let stopping = false;
  const shutDown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    await running.workers?.stop();
    running.stopTimers?.();
    await new Promise((resolve) => (running.server ? running.server.close(resolve) : resolve(undefined)));
    await mongoose.disconnect().catch(() => undefined);
    await running.database?.close();
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutDown(0));
  process.once('SIGTERM', () => void shutDown(0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; stopping');
    void shutDown(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection; stopping');
    void shutDown(1);
  });

  running.database = await openDatabase(config);
  await connectAtStart(running.database.uri, (line) => logger.warn(line));
  mongoose.connection.on('disconnected', () => {
    if (!stopping) logger.error('the database is unreachable: requests get the "service unavailable" page until it is back');
  });
  mongoose.connection.on('reconnected', () => logger.warn('the database is reachable again'));
  const db = mongoose.connection.db!;
  const mailer = createMailer(config.mail);
  const notificationEmails = new NotificationEmails({ mailer, baseUrl: config.baseUrl, serviceName: config.serviceName }, logger);
  if (role !== 'worker') {
    const started = await startOnce(config, logger, notificationEmails);
    if (!started) return shutDown(1);
    running.stopTimers = started.stopTimers;
  }
  if (role === 'primary') {
    running.workers = startAppWorkers(config.webConcurrency, {
      // The database this process opened (or was given): a worker never starts one of its own.
      env: { MONGODB_URI: running.database.uri, FERRETDB_POSTGRESQL_URL: '' },
      logger,
      ready: () => console.log(`${config.serviceName} is running at http://localhost:${config.port} (${config.webConcurrency} workers)`),
      failed: () => {
        console.error('The app workers keep stopping as soon as they start: stopping.');
        void shutDown(1);
      },
    });
    return;
  }

  const directoryIndex = new DirectoryIndexKeeper({ graceDays: config.listings.reviewGraceDays, syncMs: config.directory.syncMs, logger });
  await directoryIndex.build();
  countSchoolsAhead((error) => logger.warn({ err: error }, 'Counting the schools for the Traded Services home failed'));
  // `npm run restore` may replace the data under us: answer "being restored" meanwhile, then reload the directory.
  const restoreWatch = new RestoreWatch(db, {
    logger,
    onRestored: async () => {
      await upgradeOlderData(); // a backup an older version made
      await directoryIndex.build();
    },
  });
  await restoreWatch.start();
  const stopTimers = running.stopTimers;
  running.stopTimers = () => {
    restoreWatch.stop();
    stopTimers?.();
  };
  const app = createApp({ config, logger, connection: mongoose.connection, directoryIndex, mailer, notificationEmails });
  running.server = app.listen(config.port, () => {
    if (role === 'single') console.log(`${config.serviceName} is running at http://localhost:${config.port}`);
  });
  running.server.on('error', (error) => {
    console.error(`Could not listen on port ${config.port}: ${error.message}`);
    void shutDown(1);
  });
}

/**
 * What one process does at start for the whole app, however many serve requests: refuses to start on a
 * restore left unfinished, builds indexes, starts the scheduled jobs, and brings the data up to date.
 * Null when it may not start (said why).
 */
async function startOnce(config: Config, logger: Logger, notificationEmails: NotificationEmails): Promise<{ stopTimers: () => void } | null> {
  const db = mongoose.connection.db!;
  try {
    const unfinished = unfinishedRestore(await readRestoreState(db));
    if (unfinished) throw new Error(unfinished);
    const indexes = await ensureIndexes(db, appIndexSpecs());
    if (indexes.created.length) console.log(`Built ${indexes.created.length} database indexes (${indexes.present} were there already).`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return null;
  }
  const stopPurge = schedulePurge(
    db,
    logger,
    purgeTasks({ securityEventsKept: config.securityEvents.kept, lockoutMemoryMs: config.signIn.maxLockoutMinutes * 60_000 }),
  );
  const stopReminders = scheduleFeedbackReminders(config.feedbackDueDays, logger);
  const stopLicenceReminders = scheduleLicenceReminders(config.sips.licenceReminderDays, logger);
  const stopFolding = scheduleFigureFolding(logger);
  const stopHoldRelease = scheduleAbandonedHoldRelease(logger);
  const stopEmails = scheduleNotificationEmails(notificationEmails, logger);
  const stopClosedSchoolCheck = scheduleClosedSchoolCheck(logger);
  const stopCheckReminders = scheduleCheckReminders(logger);
  const stopRetentionPurge = scheduleRetentionPurge(config.retention, logger);
  const stopTimers = () => {
    stopEmails();
    stopPurge();
    stopReminders();
    stopLicenceReminders();
    stopFolding();
    stopHoldRelease();
    stopClosedSchoolCheck();
    stopCheckReminders();
    stopRetentionPurge();
  };

  await ensureDefaultTaxonomy();
  if (config.seedDemoData && (await seedDemoDataIfEmpty())) {
    console.log('Loaded demo data into an empty database (accounts are listed in the README).');
  }
  await upgradeOlderData();
  await prepareFigures((line) => console.log(line));
  return { stopTimers };
}

/**
 * Brings data an older version wrote up to what this one reads, at start and after `npm run restore` has
 * replaced the data. Each step does nothing on data already up to date (the markers remember, in claims
 * that backups keep, that they ran).
 */
async function upgradeOlderData(): Promise<void> {
  const converted = await convertSingleSchoolLinks();
  if (converted > 0) console.log(`Moved ${converted} school users' school into their list of schools.`);
  await ensureOwnershipRecorded(() => Listing.find({}, { owners: 1 }).lean());
  await markWaitingRevisionsOnce();
  await markLowRatedFeedbackOnce();
  await markCommissionCreatedKeysOnce();
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
