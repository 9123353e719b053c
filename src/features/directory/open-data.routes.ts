import { Router, type Response } from 'express';
import { paths } from '../../paths';
import type { DirectoryService } from './directory.service';
import { HSDS_VERSION, HsdsCatalogue, pageOf, toHsdsPage, type HsdsService, type Publisher } from './open-data';
import { hsdsQuerySchema, type HsdsQuery } from './open-data.schemas';

/**
 * Public, read-only and cacheable: other LAs and tools read the published directory without signing in.
 * /open-data/directory.json is the whole directory as one page of full services; /open-data/hsds/ is the
 * Open Referral API (HSDS 3.0): services, organizations, taxonomies and taxonomy_terms, each a paged list
 * and one by id (docs/open-data.md).
 */
export function openDataRoutes(directory: DirectoryService, publisher: Publisher): Router {
  const router = Router();
  const send = (res: Response, body: unknown) =>
    res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' }).json(body);
  const notFound = (res: Response) => res.status(404).set('Access-Control-Allow-Origin', '*').json({ error: 'Not found' });
  const catalogue = async () => {
    const { documents, taxonomy } = await directory.listedDocuments();
    return new HsdsCatalogue(documents, taxonomy, publisher);
  };
  const query = (raw: unknown): HsdsQuery => hsdsQuerySchema.parse(raw);

  router.get(paths.openData.directory, async (_req, res) => {
    const { documents, taxonomy } = await directory.listedDocuments();
    send(res, toHsdsPage(documents, taxonomy, publisher));
  });

  router.get(paths.openData.hsds.root, (_req, res) =>
    send(res, {
      version: HSDS_VERSION,
      profile: 'https://docs.openreferral.org/en/v3.0/',
      openapi_url: 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json',
    }),
  );

  router.get(paths.openData.hsds.services, async (req, res) => {
    const q = query(req.query);
    const { services } = await catalogue();
    const matching = services.filter((service) => serviceMatches(service, q));
    const page = pageOf(matching, q.page, q.per_page);
    send(res, { ...page, contents: q.full ? page.contents : page.contents.map(HsdsCatalogue.listItem) });
  });

  router.get(paths.openData.hsds.service(':id'), async (req, res) => {
    const service = (await catalogue()).services.find((candidate) => candidate.id === req.params.id);
    return service ? send(res, service) : notFound(res);
  });

  router.get(paths.openData.hsds.organizations, async (req, res) => {
    const q = query(req.query);
    const { organizations } = await catalogue();
    const matching = organizations.filter((organization) => !q.search || organization.name.toLowerCase().includes(q.search));
    const page = pageOf(matching, q.page, q.per_page);
    send(res, { ...page, contents: page.contents.map(q.full ? HsdsCatalogue.fullOrganization : HsdsCatalogue.organizationListItem) });
  });

  router.get(paths.openData.hsds.organization(':id'), async (req, res) => {
    const organization = (await catalogue()).organizations.find((candidate) => candidate.id === req.params.id);
    return organization ? send(res, HsdsCatalogue.fullOrganization(organization)) : notFound(res);
  });

  router.get(paths.openData.hsds.taxonomies, async (req, res) => {
    const q = query(req.query);
    const { taxonomies } = await catalogue();
    send(res, pageOf(taxonomies.filter((taxonomy) => !q.search || taxonomy.name.toLowerCase().includes(q.search)), q.page, q.per_page));
  });

  router.get(paths.openData.hsds.taxonomy(':id'), async (req, res) => {
    const taxonomy = (await catalogue()).taxonomies.find((candidate) => candidate.id === req.params.id);
    return taxonomy ? send(res, taxonomy) : notFound(res);
  });

  router.get(paths.openData.hsds.taxonomyTerms, async (req, res) => {
    const q = query(req.query);
    const { terms } = await catalogue();
    const matching = terms.filter(
      (term) =>
        (!q.taxonomy_id || term.taxonomy_id === q.taxonomy_id) &&
        (!q.search || term.name.toLowerCase().includes(q.search)) &&
        // No term here has a parent: every term is at the top, and none is the child of another.
        !q.parent_id,
    );
    send(res, pageOf(matching, q.page, q.per_page));
  });

  router.get(paths.openData.hsds.taxonomyTerm(':id'), async (req, res) => {
    const term = (await catalogue()).terms.find((candidate) => candidate.id === req.params.id);
    return term ? send(res, term) : notFound(res);
  });

  return router;
}

function serviceMatches(service: HsdsService, q: HsdsQuery): boolean {
  if (q.organization_id && service.organization_id !== q.organization_id) return false;
  if (q.taxonomy_term_id && !service.attributes.some((attribute) => attribute.taxonomy_term_id === q.taxonomy_term_id)) return false;
  if (q.taxonomy_id && !service.attributes.some((attribute) => attribute.taxonomy_term.taxonomy_id === q.taxonomy_id)) return false;
  if (q.modified_after && new Date(service.last_modified) < q.modified_after) return false;
  if (q.search) {
    const text = [service.name, service.description, (service.organization as { name?: string } | undefined)?.name].filter(Boolean).join(' ').toLowerCase();
    if (!text.includes(q.search)) return false;
  }
  return true;
}
