import { Router } from 'express';
import { paths } from '../../paths';
import { commissionSummariesFor } from '../commissions/caseload-summaries';
import { requireRole } from '../../web/authentication';
import { sipCaseload } from '../schools/schools.service';
import { homeWaiting, otherSchoolsWaiting, providerDashboard, schoolDashboard, tradedServicesDashboard, type WaitingSettings } from './dashboards.service';

/** Each role's home page. Each is refused to every other role. `clock`: what day it is (tests move it on). */
export function dashboardsRoutes(settings: WaitingSettings, clock: () => Date): Router {
  const router = Router();

  router.get(paths.dashboards.sip, requireRole('sip'), async (req, res) => {
    const caseload = await sipCaseload(req.user!, commissionSummariesFor);
    const home = await homeWaiting(req.user!, settings, { caseload }, clock());
    res.render('dashboards/sip', { pageTitle: 'Home', ...caseload, profileHref: paths.sips.profile(req.user!.id), home });
  });

  router.get(paths.dashboards.school, requireRole('school'), async (req, res) => {
    const { reads, ...dashboard } = await schoolDashboard(req.user!);
    const [home, otherSchools] = await Promise.all([homeWaiting(req.user!, settings, reads, clock()), otherSchoolsWaiting(req.user!, settings, clock())]);
    res.render('dashboards/school', { pageTitle: 'Home', ...dashboard, home, otherSchools });
  });

  router.get(paths.dashboards.provider, requireRole('provider'), async (req, res) => {
    const { reads, ...dashboard } = await providerDashboard(req.user!);
    res.render('dashboards/provider', { pageTitle: 'Home', ...dashboard, home: await homeWaiting(req.user!, settings, reads, clock()) });
  });

  router.get(paths.dashboards.traded_services, requireRole('traded_services'), async (req, res) => {
    const [dashboard, home] = await Promise.all([tradedServicesDashboard(settings.directory), homeWaiting(req.user!, settings, {}, clock())]);
    res.render('dashboards/traded-services', { pageTitle: 'Home', ...dashboard, home });
  });

  return router;
}
