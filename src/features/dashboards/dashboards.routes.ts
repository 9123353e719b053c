import { Router } from 'express';
import { paths } from '../../paths';
import { commissionSummariesFor } from '../commissions/caseload-summaries';
import { waitingForYouBlock } from '../commissions/commission-page';
import { requireRole } from '../../web/authentication';
import type { SessionUser } from '../../web/identity';
import { sipCaseload } from '../schools/schools.service';
import { otherSchoolsWaiting, providerDashboard, schoolDashboard, tradedServicesDashboard, waitingFor, type CaseloadRows, type WaitingSettings } from './dashboards.service';

/** Each role's home page. Each is refused to every other role. */
export function dashboardsRoutes(settings: WaitingSettings): Router {
  const router = Router();
  const home = async (user: SessionUser, caseload?: CaseloadRows) => {
    const [block, items] = await Promise.all([waitingForYouBlock(user), waitingFor(user, settings, caseload)]);
    return { ...block, items };
  };

  router.get(paths.dashboards.sip, requireRole('sip'), async (req, res) => {
    const caseload = await sipCaseload(req.user!, commissionSummariesFor);
    res.render('dashboards/sip', { pageTitle: 'Home', ...caseload, home: await home(req.user!, caseload.schools) });
  });

  router.get(paths.dashboards.school, requireRole('school'), async (req, res) => {
    const [dashboard, homeBlock, otherSchools] = await Promise.all([schoolDashboard(req.user!), home(req.user!), otherSchoolsWaiting(req.user!, settings)]);
    res.render('dashboards/school', { pageTitle: 'Home', ...dashboard, home: homeBlock, otherSchools });
  });

  router.get(paths.dashboards.provider, requireRole('provider'), async (req, res) => {
    res.render('dashboards/provider', { pageTitle: 'Home', ...(await providerDashboard(req.user!)), home: await home(req.user!) });
  });

  router.get(paths.dashboards.traded_services, requireRole('traded_services'), async (req, res) => {
    res.render('dashboards/traded-services', { pageTitle: 'Home', ...(await tradedServicesDashboard()), home: await home(req.user!) });
  });

  return router;
}
