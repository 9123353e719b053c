import { Router } from 'express';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import type { Mailer } from './mailer';
import { outboxMessages } from './outbox.service';

/** Traded Services read the mail the service would have sent when no SMTP server is configured. */
export function outboxRoutes(mailer: Mailer): Router {
  const router = Router();
  router.get(paths.admin.outbox, requireRole('traded_services'), async (req, res) => {
    res.render('mail/outbox', { pageTitle: 'Outbox', messages: await outboxMessages(req.user!), sendsForReal: mailer.via === 'smtp' });
  });
  return router;
}
