import { Router } from 'express';
import { formatDateTime } from '../../lib/format';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { SECURITY_EVENT_LABELS, SECURITY_EVENT_TYPES } from './security-events';
import { securityEventsQuerySchema, type SecurityEventsQuery } from './security-events.schemas';
import { securityEventsPage } from './security-events.service';

/** Traded Services' list of recent security events: a GET form, so every filter and page is a link. */
export function securityEventsRoutes(): Router {
  const router = Router();
  router.get(paths.admin.securityEvents, requireRole('traded_services'), async (req, res) => {
    const query = securityEventsQuerySchema.parse(req.query);
    const result = await securityEventsPage(req.user!, query);
    res.render('audit/security-events', {
      pageTitle: 'Security events',
      backLink: paths.admin.users,
      backLinkText: 'Users',
      ...result,
      rows: result.rows.map((row) => ({ ...row, when: formatDateTime(row.at) })),
      values: { type: query.type ?? '', email: query.email ?? '' },
      types: [{ value: '', text: 'All events' }, ...SECURITY_EVENT_TYPES.map((type) => ({ value: type, text: SECURITY_EVENT_LABELS[type] }))],
      newerHref: query.page > 1 ? pageHref(query, query.page - 1) : undefined,
      olderHref: result.hasOlder ? pageHref(query, query.page + 1) : undefined,
      clearHref: paths.admin.securityEvents,
      filtered: Boolean(query.type || query.email || query.user),
    });
  });
  return router;
}

function pageHref(query: SecurityEventsQuery, page: number): string {
  const parameters = new URLSearchParams();
  for (const name of ['type', 'email', 'user'] as const) if (query[name]) parameters.set(name, query[name]);
  if (page > 1) parameters.set('page', String(page));
  const search = parameters.toString();
  return search ? `${paths.admin.securityEvents}?${search}` : paths.admin.securityEvents;
}
