import { Router } from 'express';
import { paths } from '../../paths';
import { commissionSummariesFor } from '../commissions/caseload-summaries';
import { waitingForYouBlock } from '../commissions/commission-page';
import { requireRole } from '../../web/authentication';
import { sipCaseload } from '../schools/schools.service';
import { providerDashboard, schoolDashboard, tradedServicesDashboard } from './dashboards.service';

/** Each role's home page. Each is refused to every other role. */
export function dashboardsRoutes(): Router {
  const router = Router();

  router.get(paths.dashboards.sip, requireRole('sip'), async (req, res) => {
    res.render('dashboards/sip', { pageTitle: 'Home', ...(await sipCaseload(req.user!, commissionSummariesFor)), home: await waitingForYouBlock(req.user!) });
  });

  router.get(paths.dashboards.school, requireRole('school'), async (req, res) => {
    res.render('dashboards/school', { pageTitle: 'Home', ...(await schoolDashboard(req.user!)), home: await waitingForYouBlock(req.user!) });
  });

  router.get(paths.dashboards.provider, requireRole('provider'), async (req, res) => {
    res.render('dashboards/provider', { pageTitle: 'Home', ...(await providerDashboard(req.user!)), home: await waitingForYouBlock(req.user!) });
  });

  router.get(paths.dashboards.traded_services, requireRole('traded_services'), async (req, res) => {
    res.render('dashboards/traded-services', { pageTitle: 'Home', ...(await tradedServicesDashboard()), home: await waitingForYouBlock(req.user!) });
  });

  return router;
}
