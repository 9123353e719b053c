import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { openSchoolChoices } from '../schools/schools.service';
import { recommendSchema, requestSchema } from './recommendations.schemas';
import {
  declineRecommendation,
  recommendationsOfSchool,
  recommendListing,
  listingToRecommendFor,
  listingToRequestRecommendationsFor,
  requestRecommendations,
  withdrawRecommendation,
} from './recommendations.service';

type IdRequest = Request<{ id: string }>;

/** Providers ask schools; schools recommend, decline or withdraw. */
export function recommendationsRoutes(config: Config): Router {
  const router = Router();

  router.get(paths.recommendations.inbox, requireRole('school'), async (req, res) => {
    res.render('recommendations/inbox', { pageTitle: 'Recommendations', ...(await recommendationsOfSchool(req.user!)) });
  });

  router.get(paths.recommendations.request(':id'), requireRole('provider'), async (req: IdRequest, res) => renderRequest(req, res));

  router.post(paths.recommendations.request(':id'), requireRole('provider'), async (req: IdRequest, res) => {
    await listingToRequestRecommendationsFor(req.user!, req.params.id);
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return renderRequest(req, res, formErrorsFrom(parsed.error, ['schools']));
    const result = await requestRecommendations(req.user!, req.params.id, parsed.data.schools);
    if (!result.ok) return renderRequest(req, res, fieldErrors({ schools: result.message }));
    setNotification(req, { type: 'success', text: 'The schools you chose have been asked to recommend your listing.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.get(paths.recommendations.recommend(':id'), requireRole('school'), async (req: IdRequest, res) => renderRecommend(req, res, config));

  router.post(paths.recommendations.recommend(':id'), requireRole('school'), async (req: IdRequest, res) => {
    await listingToRecommendFor(req.user!, req.params.id, config.listings);
    const parsed = recommendSchema.safeParse(req.body);
    if (!parsed.success) return renderRecommend(req, res, config, formErrorsFrom(parsed.error, ['statement', 'workSeen']));
    const result = await recommendListing(req.user!, req.params.id, parsed.data, config.listings);
    if (!result.ok) return renderRecommend(req, res, config, fieldErrors({ statement: result.message }));
    setNotification(req, { type: 'success', text: 'Thank you: your recommendation has been recorded.' });
    res.redirect(paths.recommendations.inbox);
  });

  for (const [path, act, message] of [
    [paths.recommendations.decline(':id'), declineRecommendation, 'You have declined the request.'],
    [paths.recommendations.withdraw(':id'), withdrawRecommendation, 'Your recommendation has been withdrawn.'],
  ] as const) {
    router.post(path, requireRole('school'), async (req: IdRequest, res) => {
      const result = await act(req.user!, req.params.id, config.listings);
      setNotification(req, { type: result.ok ? 'success' : 'important', text: result.ok ? message : result.message });
      res.redirect(paths.recommendations.inbox);
    });
  }

  return router;
}

async function renderRequest(req: IdRequest, res: Response, errors?: FormErrors) {
  const listing = await listingToRequestRecommendationsFor(req.user!, req.params.id);
  const schools = (await openSchoolChoices()).filter((school) => school.id !== listing.employingSchool?.toString());
  res.status(errors ? 400 : 200).render('recommendations/request', {
    pageTitle: 'Ask schools to recommend you',
    listingName: listing.name,
    listingId: req.params.id,
    schools: schools.map((school) => ({ value: school.id, text: `${school.name} (URN ${school.urn})` })),
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.status(req.params.id),
  });
}

async function renderRecommend(req: IdRequest, res: Response, config: Config, errors?: FormErrors) {
  const listing = await listingToRecommendFor(req.user!, req.params.id, config.listings);
  res.status(errors ? 400 : 200).render('recommendations/recommend', {
    pageTitle: `Recommend ${listing.name}`,
    listingName: listing.name,
    listingId: req.params.id,
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.listing(req.params.id),
  });
}
