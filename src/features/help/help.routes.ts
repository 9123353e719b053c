import { Router } from 'express';
import type { Config } from '../../config';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { essentialCookies } from '../../web/cookies';

/**
 * "About this service": a signed-in page with no feature work (also the benchmark's ceiling). What it
 * promises about listings comes from the rules the service enforces (the settings passed in). Also the
 * accessibility statement and the cookies page, which anyone may read without signing in.
 */
export function helpRoutes(config: Pick<Config, 'listings' | 'session' | 'sips'>): Router {
  const router = Router();
  router.get(paths.help, requireSignIn, (_req, res) => {
    res.render('help/index', { pageTitle: 'About this service', listingRules: config.listings, sipLicenceReminderDays: config.sips.licenceReminderDays });
  });
  router.get(paths.accessibility, (_req, res) => {
    res.render('help/accessibility', { pageTitle: 'Accessibility statement' });
  });
  router.get(paths.cookies, (_req, res) => {
    res.render('help/cookies', { pageTitle: 'Cookies', cookies: essentialCookies(config.session.idleMinutes) });
  });
  return router;
}
