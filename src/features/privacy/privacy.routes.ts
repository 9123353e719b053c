import { Router, type Request, type Response } from 'express';
import { plural } from '../../lib/format';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { requestContext } from '../../web/request-context';
import { eraseUserSchema } from '../accounts/accounts.schemas';
import { eraseUser, SUSPENDED_ON_ERASURE, userToErase, type ErasureDependencies } from './erasure.service';
import { personalDataOf } from './personal-data.service';
import { privacyNoticeRows } from './data-map';
import { retentionPage, RETENTION_KINDS } from './retention.service';
import type { Config } from '../../config';

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/**
 * Personal data across every feature: the privacy notice (public, from the data map), anyone's download
 * of what the service holds about them, Traded Services' retention schedule with its dry run, and
 * erasing a departed user (pages under the user's own admin page).
 */
export function privacyRoutes(config: Pick<Config, 'serviceName' | 'retention'>, erasure: ErasureDependencies): Router {
  const router = Router();
  const serviceName = config.serviceName;

  router.get(paths.privacyNotice, (_req, res) => {
    res.render('privacy/notice', {
      pageTitle: 'Privacy notice',
      kinds: privacyNoticeRows(config.retention),
      retentionRules: RETENTION_KINDS.map((kind) => ({ heading: kind.heading, rule: kind.rule(config.retention) })),
      noticeDays: config.retention.noticeDays,
    });
  });

  router.get(paths.admin.retention, requireRole('traded_services'), async (req, res) => {
    res.render('privacy/retention', { pageTitle: 'Retention schedule', ...(await retentionPage(req.user!, config.retention)) });
  });

  router.get(paths.yourData, requireSignIn, async (req, res) => {
    const data = await personalDataOf(req.user!, serviceName, requestContext(req));
    res.attachment(`your-data-${londonDate.format(new Date())}.json`);
    res.type('application/json').send(JSON.stringify(data, null, 2));
  });

  router.use(paths.admin.users, requireRole('traded_services'));

  router.get(paths.admin.eraseUser(':id'), async (req: Request<{ id: string }>, res) => {
    renderErase(req, res, await userToErase(req.user!, req.params.id));
  });

  router.post(paths.admin.eraseUser(':id'), async (req: Request<{ id: string }>, res) => {
    const user = await userToErase(req.user!, req.params.id);
    const parsed = eraseUserSchema.safeParse(req.body);
    if (!parsed.success) return renderErase(req, res, user, formErrorsFrom(parsed.error));
    const result = await eraseUser(req.user!, req.params.id, parsed.data, erasure, requestContext(req));
    if (!result.ok) return alreadyErased(req, res, user.id);
    const listings = result.suspendedListings ? ` ${plural(result.suspendedListings, 'published listing')} they kept ${result.suspendedListings === 1 ? 'has' : 'have'} been suspended.` : '';
    setNotification(req, { type: 'success', text: `${user.name}’s personal data has been erased. Their history now shows “${result.placeholder}”.${listings}` });
    res.redirect(paths.admin.user(user.id));
  });

  return router;
}

function alreadyErased(req: Request, res: Response, id: string): void {
  setNotification(req, { type: 'important', text: 'This person’s personal data has already been erased.' });
  res.redirect(paths.admin.user(id));
}

/** The confirmation page; for someone already erased, a page saying so instead of the form. */
function renderErase(req: Request, res: Response, user: { id: string; name: string; erased: boolean }, errors?: FormErrors): void {
  res.status(errors ? 400 : 200).render('accounts/erase-user', {
    pageTitle: `Erase ${user.name}’s personal data`,
    user,
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.admin.user(user.id),
    suspendedReason: SUSPENDED_ON_ERASURE,
  });
}
