import { Router } from 'express';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';

/**
 * "About this service": a signed-in page with no feature work (also the benchmark's ceiling). What it
 * promises about listings comes from the rules the service enforces (the settings passed in).
 */
export function helpRoutes(listingRules: { reviewMonths: number; reviewGraceDays: number }): Router {
  const router = Router();
  router.get(paths.help, requireSignIn, (_req, res) => {
    res.render('help/index', { pageTitle: 'About this service', listingRules });
  });
  return router;
}
