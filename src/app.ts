import path from 'node:path';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from './config';
import { accountsRoutes, requirePasswordChangeFirst } from './features/accounts/accounts.routes';
import { SignInThrottle } from './features/accounts/sign-in-throttle';
import { usersRoutes } from './features/accounts/users.routes';
import { commissionsRoutes } from './features/commissions/commissions.routes';
import { feedbackRoutes, parseFeedbackUpload } from './features/feedback/feedback.routes';
import { reportsRoutes } from './features/reports/reports.routes';
import { dashboardsRoutes } from './features/dashboards/dashboards.routes';
import { projectRoot } from './lib/project-root';
import { paths } from './paths';
import { setUpAuthentication } from './web/authentication';
import { setUpCsrf } from './web/csrf';
import { errorHandler, notFound } from './web/errors';
import { healthCheck } from './web/health';
import { setUpPageLocals, setUpUserLocals } from './web/locals';
import { setUpRequestLogging } from './web/logging';
import { setUpSecurityHeaders } from './web/security-headers';
import { setUpSession } from './web/session';

export type AppDependencies = { config: Config; logger: Logger; connection: Connection };

/** Builds the app around a connected database. Middleware runs in the order written here. */
export function createApp({ config, logger, connection }: AppDependencies): express.Express {
  const db = connection.db;
  if (!db) throw new Error('createApp needs a connected database');

  const app = express();
  app.set('views', path.join(projectRoot, 'views'));
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  app.get(paths.health, healthCheck);
  app.get('/favicon.ico', (_req, res) => res.redirect(301, paths.assets.favicon));
  app.use(setUpSecurityHeaders({ https: config.session.cookieSecure }));
  app.use(setUpPageLocals({ serviceName: config.serviceName, organisationName: config.laName }));
  app.use(setUpRequestLogging(logger));
  app.use('/public', express.static(path.join(projectRoot, 'public'), { maxAge: config.env === 'production' ? '1d' : 0 }));
  app.use(setUpSession({ connection, secret: config.session.secret, idleMinutes: config.session.idleMinutes, secure: config.session.cookieSecure }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 500 }));
  app.use(setUpAuthentication());
  app.post(paths.commissions.feedback(':id'), parseFeedbackUpload(config.uploads.maxDocumentBytes));
  app.use(setUpCsrf());
  app.use(setUpUserLocals);
  app.use(requirePasswordChangeFirst);

  app.use(accountsRoutes(new SignInThrottle(db, config.signIn)));
  app.use(dashboardsRoutes());
  app.use(usersRoutes());
  app.use(feedbackRoutes({ feedbackDueDays: config.feedbackDueDays, maxDocumentBytes: config.uploads.maxDocumentBytes }));
  app.use(commissionsRoutes());
  app.use(reportsRoutes());

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
