import { Router } from 'express';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';

/** "About this service": a signed-in page with no feature work (also the benchmark's ceiling). */
export function helpRoutes(): Router {
  const router = Router();
  router.get(paths.help, requireSignIn, (_req, res) => {
    res.render('help/index', { pageTitle: 'About this service' });
  });
  return router;
}
