import type { RequestHandler } from 'express';
import { databaseAnswers } from '../db/connect';

/** For load balancers and uptime checks: 200 when the database answers, 503 when it does not. */
export const healthCheck: RequestHandler = async (_req, res) => {
  const database = await databaseAnswers();
  res
    .status(database ? 200 : 503)
    .set('Cache-Control', 'no-store')
    .json({ status: database ? 'ok' : 'unavailable', database: database ? 'up' : 'down' });
};
