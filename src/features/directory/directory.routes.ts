import { Router } from 'express';
import { paths } from '../../paths';
import { csvHeaders } from '../../lib/csv';
import { requireSignIn } from '../../web/authentication';
import { canMakeShortlists } from './shortlists.service';
import { providersCsv } from './directory-csv';
import { searchQuerySchema, suggestQuerySchema, type SearchQuery } from './directory.schemas';
import type { DirectoryService, SearchRequest } from './directory.service';
import { searchPageModel } from './search-page';

function searchRequest(query: SearchQuery): SearchRequest {
  const { q, sort, page, ...filters } = query;
  return { q, sort, page, filters };
}

/**
 * Finding support: every signed-in role may search, print and export the directory. Absolute links in
 * exports start with baseUrl (BASE_URL), never the request's Host header, which the sender chooses.
 */
export function directoryRoutes(directory: DirectoryService, baseUrl: string): Router {
  const router = Router();
  router.use(paths.directory.search, requireSignIn);

  router.get(paths.directory.search, async (req, res) => {
    const outcome = await directory.search(searchRequest(searchQuerySchema.parse(req.query)));
    res.render('directory/search', {
      pageTitle: outcome.q ? `${outcome.q.slice(0, 60)} – Find support` : 'Find support',
      canShortlist: canMakeShortlists(req.user!),
      ...searchPageModel(outcome),
    });
  });

  router.get(paths.directory.export, async (req, res) => {
    const results = await directory.searchAll(searchRequest(searchQuerySchema.parse(req.query)));
    res.set(csvHeaders('support-directory-search.csv')).send(providersCsv(results, baseUrl));
  });

  router.get(paths.directory.print, async (_req, res) => {
    res.render('directory/print', { pageTitle: 'The support directory', backLink: paths.directory.search, ...(await directory.byCategory()) });
  });

  router.get(paths.directory.suggest, async (req, res) => {
    const query = suggestQuerySchema.parse(req.query);
    const asked = query.need.length > 0 || query.text !== '';
    const suggestions = asked ? await directory.suggestedSupport({ needSlugs: query.need, freeText: query.text, phase: query.phase }) : null;
    const { needs, phases } = await directory.needAndPhaseChoices();
    res.render('directory/suggest', {
      pageTitle: 'Search by need',
      query,
      suggestions,
      needChoices: needs,
      phaseChoices: [{ value: '', text: 'Any phase' }, ...phases],
      canShortlist: canMakeShortlists(req.user!),
    });
  });

  return router;
}
