import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { BusyError, NotAllowedError, NotFoundError } from '../lib/errors';
import { ForbiddenError } from './authentication';
import { CSRF_ERROR_CODE } from './csrf';

/** The database is known to be unreachable (the driver's last check of it failed). */
export class DatabaseUnavailableError extends Error {
  constructor() {
    super('The database is unavailable');
  }
}

/**
 * While the driver knows the database is unreachable, every request gets the "service unavailable" page
 * at once instead of waiting for a database that is not there. Mounted before sessions, which need it.
 */
export function failFastWhileDatabaseDown(connection: Connection): RequestHandler {
  return (_req, _res, next) => next(connection.readyState === 1 ? undefined : new DatabaseUnavailableError());
}

/** A restore is replacing the database (src/db/restore-state.ts): nothing may read or write it meanwhile. */
export class BeingRestoredError extends Error {
  constructor() {
    super('The database is being restored from a backup');
  }
}

/** While `npm run restore` replaces the database, every request gets the "being restored" page. */
export function refuseWhileRestoring(paused: () => boolean): RequestHandler {
  return (_req, _res, next) => next(paused() ? new BeingRestoredError() : undefined);
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('errors/not-found', { pageTitle: 'Page not found' });
};

/** Turns any error into a friendly page. Users never see stack traces or database messages. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // An error once the response has ended cannot change it (express-session saves or touches the session
      // after the page is written, and that fails while the database is down): log it and leave the
      // response whole, rather than let Express reset the connection.
      if (res.writableEnded) return logger.warn({ err: error, path: req.path }, 'error after the response was sent');
      return next(error);
    }
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;

    if ((error as { code?: string }).code === CSRF_ERROR_CODE) {
      return res.status(403).render('errors/csrf', { pageTitle: 'This page has expired' });
    }
    if (error instanceof ForbiddenError || error instanceof NotAllowedError) {
      return res.status(403).render('errors/forbidden', { pageTitle: 'You do not have permission to see this page' });
    }
    if (error instanceof NotFoundError) return notFound(req, res, next);
    if (status === 413) {
      return res.status(413).render('errors/too-large', { pageTitle: 'What you sent is too large' });
    }
    if (status && status >= 400 && status < 500) {
      return res.status(400).render('errors/bad-request', { pageTitle: 'Sorry, there is a problem with what was sent' });
    }
    if (error instanceof BusyError) {
      res.setHeader('Retry-After', '5');
      return res.status(503).render('errors/unavailable', { pageTitle: 'Sorry, the service is busy', busy: true });
    }
    if (error instanceof BeingRestoredError) {
      res.setHeader('Retry-After', '10');
      return res.status(503).render('errors/unavailable', { pageTitle: 'Sorry, the service is unavailable', beingRestored: true });
    }
    if (databaseUnavailable(error)) {
      // Requests refused up front are not logged one by one: server.ts logs the database going and coming back.
      if (!(error instanceof DatabaseUnavailableError)) logger.error({ err: error }, 'database unavailable');
      res.setHeader('Retry-After', '10');
      return res.status(503).render('errors/unavailable', { pageTitle: 'Sorry, the service is unavailable' });
    }
    logger.error({ err: error, path: req.path }, 'unhandled error');
    res.status(500).render('errors/server-error', { pageTitle: 'Sorry, there is a problem with the service' });
  };
}

function databaseUnavailable(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return (
    error instanceof DatabaseUnavailableError ||
    mongoose.connection.readyState !== 1 ||
    /^Mongo(Network|ServerSelection|NotConnected|PoolCleared|Topology)/.test(name)
  );
}
