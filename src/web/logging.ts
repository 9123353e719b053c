import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: ['req.headers.cookie', 'res.headers["set-cookie"]'], remove: true } });
}

/**
 * One structured line per request. Only method, path (no query string, which can carry tokens),
 * status and timing are logged: never bodies, so never passwords, and never cookies or session ids.
 */
export function setUpRequestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // 503: the database is unreachable, which server.ts logs once as an error when it happens.
    customLogLevel: (_req, res, error) => (res.statusCode === 503 ? 'warn' : error || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/public/') },
  });
}
