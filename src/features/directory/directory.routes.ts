import { Router } from 'express';
import { paths } from '../../paths';
import { csvHeaders } from '../../lib/csv';
import { requireSignIn } from '../../web/authentication';
import { fieldErrors } from '../../web/form-errors';
import { canMakeShortlists } from './shortlists.service';
import { providersCsv } from './directory-csv';
import { searchQuerySchema, suggestQuerySchema, SUGGEST_SORTS, type SearchQuery } from './directory.schemas';
import { FILTER_NAMES, SORT_LABELS, type DirectoryFilters } from './directory-filters';
import type { DirectoryService, SearchRequest } from './directory.service';
import { distanceFields, distanceNote, searchPageModel } from './search-page';
import { distanceRequest, searchOrigin, type SearchOrigin } from './search-origin';

function searchRequest(query: SearchQuery, place: SearchOrigin): SearchRequest {
  const filters = Object.fromEntries(FILTER_NAMES.map((name) => [name, query[name]])) as DirectoryFilters;
  return { q: query.q, sort: query.sort, page: query.page, filters, distance: distanceRequest(place.origin, query) };
}

/** The school asked for cannot be measured from, or a distance needs a school: said next to the school's field. */
const originErrors = (place: SearchOrigin) => (place.problem ? fieldErrors({ from: place.problem }) : undefined);

/**
 * Finding support: every signed-in role may search, print and export the directory. Absolute links in
 * exports start with baseUrl (BASE_URL), never the request's Host header, which the sender chooses.
 */
export function directoryRoutes(directory: DirectoryService, baseUrl: string): Router {
  const router = Router();
  router.use(paths.directory.search, requireSignIn);

  router.get(paths.directory.search, async (req, res) => {
    const query = searchQuerySchema.parse(req.query);
    const place = await searchOrigin(req.user!, query);
    const outcome = await directory.search(searchRequest(query, place));
    const errors = originErrors(place);
    res.status(errors ? 400 : 200).render('directory/search', {
      pageTitle: outcome.q ? `${outcome.q.slice(0, 60)} – Find support` : 'Find support',
      canShortlist: canMakeShortlists(req.user!),
      errors,
      ...searchPageModel(outcome, place, query.within),
    });
  });

  router.get(paths.directory.export, async (req, res) => {
    const query = searchQuerySchema.parse(req.query);
    const place = await searchOrigin(req.user!, query);
    const results = await directory.searchAll(searchRequest(query, place));
    res.set(csvHeaders('support-directory-search.csv')).send(providersCsv(results, baseUrl, { distanceFrom: place.origin?.name }));
  });

  router.get(paths.directory.print, async (_req, res) => {
    res.render('directory/print', { pageTitle: 'The support directory', backLink: paths.directory.search, ...(await directory.byCategory()) });
  });

  router.get(paths.directory.suggest, async (req, res) => {
    const query = suggestQuerySchema.parse(req.query);
    const place = await searchOrigin(req.user!, query);
    const asked = query.need.length > 0 || query.text !== '';
    const distance = distanceRequest(place.origin, query);
    const suggestions = asked ? await directory.suggestedSupport({ needSlugs: query.need, freeText: query.text, phase: query.phase, distance, sort: query.sort }) : null;
    const { needs, phases } = await directory.needAndPhaseChoices();
    const errors = originErrors(place);
    res.status(errors ? 400 : 200).render('directory/suggest', {
      pageTitle: 'Search by need',
      query,
      errors,
      suggestions,
      distance: distanceFields(place, query.within),
      distanceNote: suggestions ? distanceNote({ distance }) : null,
      sortOptions: SUGGEST_SORTS.map((sort) => ({ value: sort, text: SORT_LABELS[sort] })),
      needChoices: needs,
      phaseChoices: [{ value: '', text: 'Any phase' }, ...phases],
      canShortlist: canMakeShortlists(req.user!),
    });
  });

  return router;
}
