import { Router } from 'express';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { ROLE_LABELS } from '../../web/identity';

/** Every signed-in person's own account page (its download is the privacy feature's). */
export function yourAccountRoutes(): Router {
  const router = Router();

  router.get(paths.account, requireSignIn, (req, res) => {
    res.render('accounts/your-account', { pageTitle: 'Your account', account: req.user!, roleLabel: ROLE_LABELS[req.user!.role] });
  });

  return router;
}
