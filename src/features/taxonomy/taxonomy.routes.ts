import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import type { TermUsage } from './term-references';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import type { TermKind } from './term-kinds';
import { mergeFormSchema, termFormSchema } from './taxonomy.schemas';
import {
  addTerm,
  findTerm,
  isTermKind,
  KIND_NAMES,
  mergeTerm,
  setTermRetired,
  taxonomyOverview,
  termsOf,
  updateTerm,
} from './taxonomy-admin.service';
import { termChoices } from './taxonomy.service';

type KindParams = { kind: string };
type TermParams = { kind: string; slug: string };
const FIELD_ORDER = ['label', 'synonyms', 'categories', 'target'];

function kindFrom(req: Request<KindParams>): TermKind {
  if (!isTermKind(req.params.kind)) throw new NotFoundError();
  return req.params.kind;
}

/** Traded Services keep the lists: add, rename, retire, reinstate and merge terms. */
export function taxonomyRoutes(usage: TermUsage): Router {
  const router = Router();
  router.use(paths.taxonomyAdmin.index, requireRole('traded_services'));

  router.get(paths.taxonomyAdmin.index, async (req, res) => {
    res.render('taxonomy/index', { pageTitle: 'Taxonomy', kinds: await taxonomyOverview(req.user!) });
  });

  router.get(paths.taxonomyAdmin.list(':kind'), (req: Request<KindParams>, res) => renderList(usage, req, res, kindFrom(req)));

  router.post(paths.taxonomyAdmin.list(':kind'), async (req: Request<KindParams>, res) => {
    const kind = kindFrom(req);
    const parsed = termFormSchema.safeParse(req.body);
    if (!parsed.success) return renderList(usage, req, res, kind, formErrorsFrom(parsed.error, FIELD_ORDER));
    const result = await addTerm(req.user!, kind, parsed.data);
    if (!result.ok) return renderList(usage, req, res, kind, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: `“${parsed.data.label}” added.` });
    res.redirect(paths.taxonomyAdmin.list(kind));
  });

  router.get(paths.taxonomyAdmin.term(':kind', ':slug'), (req: Request<TermParams>, res) => renderTerm(req, res, kindFrom(req)));

  router.post(paths.taxonomyAdmin.term(':kind', ':slug'), async (req: Request<TermParams>, res) => {
    const kind = kindFrom(req);
    const parsed = termFormSchema.safeParse(req.body);
    if (!parsed.success) return renderTerm(req, res, kind, formErrorsFrom(parsed.error, FIELD_ORDER));
    const result = await updateTerm(req.user!, kind, req.params.slug, parsed.data);
    if (!result.ok) return renderTerm(req, res, kind, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: `Saved “${parsed.data.label}”. Everything that used it shows the new name.` });
    res.redirect(paths.taxonomyAdmin.list(kind));
  });

  for (const [path, retired] of [
    [paths.taxonomyAdmin.retire(':kind', ':slug'), true],
    [paths.taxonomyAdmin.reinstate(':kind', ':slug'), false],
  ] as const) {
    router.post(path, async (req: Request<TermParams>, res) => {
      const kind = kindFrom(req);
      const term = await findTerm(req.user!, kind, req.params.slug);
      await setTermRetired(req.user!, kind, req.params.slug, retired);
      setNotification(req, {
        type: 'success',
        text: retired ? `“${term.label}” is retired: it is no longer offered on forms or filters.` : `“${term.label}” is offered again.`,
      });
      res.redirect(paths.taxonomyAdmin.list(kind));
    });
  }

  router.get(paths.taxonomyAdmin.merge(':kind', ':slug'), (req: Request<TermParams>, res) => renderMerge(usage, req, res, kindFrom(req)));

  router.post(paths.taxonomyAdmin.merge(':kind', ':slug'), async (req: Request<TermParams>, res) => {
    const kind = kindFrom(req);
    const parsed = mergeFormSchema.safeParse(req.body);
    if (!parsed.success) return renderMerge(usage, req, res, kind, formErrorsFrom(parsed.error, FIELD_ORDER));
    const source = await findTerm(req.user!, kind, req.params.slug);
    const result = await mergeTerm(req.user!, kind, req.params.slug, parsed.data.target, usage);
    if (!result.ok) return renderMerge(usage, req, res, kind, fieldErrors({ [result.field]: result.message }));
    setNotification(req, {
      type: 'success',
      text: `“${source.label}” merged. ${result.listingsUpdated ?? 0} listing${result.listingsUpdated === 1 ? '' : 's'} updated.`,
    });
    res.redirect(paths.taxonomyAdmin.list(kind));
  });

  return router;
}

async function renderList(usage: TermUsage, req: Request<KindParams>, res: Response, kind: TermKind, errors?: FormErrors) {
  res.status(errors ? 400 : 200).render('taxonomy/list', {
    pageTitle: KIND_NAMES[kind].plural,
    kind,
    kindName: KIND_NAMES[kind],
    terms: await termsOf(req.user!, kind, usage),
    categoryChoices: kind === 'need' ? await termChoices('category') : [],
    errors,
    values: errors ? valuesToRedisplay(req.body) : {},
    backLink: paths.taxonomyAdmin.index,
  });
}

async function renderTerm(req: Request<TermParams>, res: Response, kind: TermKind, errors?: FormErrors) {
  const term = await findTerm(req.user!, kind, req.params.slug);
  if (term.mergedInto) throw new NotFoundError();
  res.status(errors ? 400 : 200).render('taxonomy/term', {
    pageTitle: `Change ${term.label}`,
    kind,
    kindName: KIND_NAMES[kind],
    term: { slug: term.slug, label: term.label, status: term.status },
    categoryChoices: kind === 'need' ? await termChoices('category') : [],
    errors,
    values: errors
      ? valuesToRedisplay(req.body)
      : { label: term.label, synonyms: term.synonyms.join('\n'), categories: term.categories },
    backLink: paths.taxonomyAdmin.list(kind),
  });
}

async function renderMerge(usage: TermUsage, req: Request<TermParams>, res: Response, kind: TermKind, errors?: FormErrors) {
  const term = await findTerm(req.user!, kind, req.params.slug);
  if (term.mergedInto) throw new NotFoundError();
  const targets = (await termsOf(req.user!, kind, usage)).filter((row) => row.status === 'active' && row.slug !== term.slug);
  res.status(errors ? 400 : 200).render('taxonomy/merge', {
    pageTitle: `Merge ${term.label}`,
    kind,
    term: { slug: term.slug, label: term.label },
    targetChoices: [{ value: '', text: 'Choose a term' }, ...targets.map((row) => ({ value: row.slug, text: row.label }))],
    errors,
    values: errors ? valuesToRedisplay(req.body) : {},
    backLink: paths.taxonomyAdmin.term(kind, term.slug),
  });
}
