import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { errorHandler } from '../../src/web/errors';

const logger = () => ({ warn: jest.fn(), error: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

describe('an error after the response has gone out', () => {
  // express-session saves the session after a page is written; while the database is down that save fails.
  it('is logged and leaves a finished response alone, rather than resetting the connection', () => {
    const log = logger();
    const next = jest.fn() as NextFunction;
    errorHandler(log)(new Error('session store unavailable'), { path: '/help' } as Request, { headersSent: true, writableEnded: true } as Response, next);
    expect(next).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalled();
  });

  it('is passed on when the response is still being written, so Express ends it', () => {
    const error = new Error('stream broke');
    const next = jest.fn() as NextFunction;
    errorHandler(logger())(error, { path: '/directory/export.csv' } as Request, { headersSent: true, writableEnded: false } as Response, next);
    expect(next).toHaveBeenCalledWith(error);
  });
});
