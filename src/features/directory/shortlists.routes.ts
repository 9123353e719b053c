import { Router, type Request, type Response } from 'express';
import { csvHeaders } from '../../lib/csv';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { providersCsv } from './directory-csv';
import type { DirectoryService } from './directory.service';
import { addToShortlistSchema, newShortlistSchema, noteSchema } from './shortlists.schemas';
import {
  addToShortlist,
  changeableShortlists,
  createShortlist,
  removeFromShortlist,
  schoolChoiceFor,
  shortlistsFor,
  updateNote,
  viewShortlist,
} from './shortlists.service';

type ShortlistParams = { id: string; listingId: string };

/** Shortlists of providers for a school, with notes; printable and exportable. */
export function shortlistsRoutes(directory: DirectoryService, baseUrl: string): Router {
  const router = Router();
  const shortlisters = requireRole('sip', 'school', 'traded_services');
  router.use(paths.shortlists.index, shortlisters);
  router.use(paths.directory.addToShortlist(':listingId'), shortlisters);

  router.get(paths.shortlists.index, async (req, res) => {
    res.render('shortlists/index', { pageTitle: 'Shortlists', shortlists: await shortlistsFor(req.user!) });
  });

  router.get(paths.shortlists.new, (req, res) => renderNewShortlist(req, res, directory));

  router.post(paths.shortlists.new, async (req, res) => {
    const parsed = newShortlistSchema.safeParse(req.body);
    if (!parsed.success) return renderNewShortlist(req, res, directory, formErrorsFrom(parsed.error, ['title', 'schoolUrn', 'note']));
    const result = await createShortlist(req.user!, parsed.data, directory);
    if (!result.ok) return renderNewShortlist(req, res, directory, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: `Shortlist “${parsed.data.title}” created.` });
    res.redirect(paths.shortlists.show(result.id));
  });

  router.get(paths.directory.addToShortlist(':listingId'), (req: Request<{ listingId: string }>, res) => renderAddToShortlist(req, res, directory));

  router.post(paths.directory.addToShortlist(':listingId'), async (req: Request<{ listingId: string }>, res) => {
    const parsed = addToShortlistSchema.safeParse(req.body);
    if (!parsed.success) return renderAddToShortlist(req, res, directory, formErrorsFrom(parsed.error, ['shortlist', 'note']));
    await addToShortlist(req.user!, parsed.data.shortlist, req.params.listingId, parsed.data.note, directory);
    setNotification(req, { type: 'success', text: 'Provider added to the shortlist.' });
    res.redirect(paths.shortlists.show(parsed.data.shortlist));
  });

  router.get(paths.shortlists.show(':id'), async (req: Request<{ id: string }>, res) => renderShortlist(req, res, directory));

  router.get(paths.shortlists.print(':id'), async (req: Request<{ id: string }>, res) => {
    const shortlist = await viewShortlist(req.user!, req.params.id, directory);
    res.render('shortlists/print', { pageTitle: shortlist.title, shortlist, baseUrl, backLink: paths.shortlists.show(shortlist.id) });
  });

  router.get(paths.shortlists.export(':id'), async (req: Request<{ id: string }>, res) => {
    const shortlist = await viewShortlist(req.user!, req.params.id, directory);
    const providers = shortlist.entries.flatMap((entry) => (entry.provider ? [{ ...entry.provider, note: entry.note }] : []));
    res.set(csvHeaders(`shortlist-${shortlist.schoolUrn}.csv`)).send(providersCsv(providers, baseUrl, { withNotes: true }));
  });

  router.post(paths.shortlists.entryNote(':id', ':listingId'), async (req: Request<ShortlistParams>, res) => {
    const parsed = noteSchema.safeParse(req.body);
    if (!parsed.success) {
      const field = `note-${req.params.listingId}`;
      return renderShortlist(req, res, directory, { errors: fieldErrors({ [field]: parsed.error.issues[0]!.message }), values: { [field]: valuesToRedisplay(req.body).note } });
    }
    await updateNote(req.user!, req.params.id, req.params.listingId, parsed.data.note);
    setNotification(req, { type: 'success', text: 'Note saved.' });
    res.redirect(paths.shortlists.show(req.params.id));
  });

  router.post(paths.shortlists.removeEntry(':id', ':listingId'), async (req: Request<ShortlistParams>, res) => {
    await removeFromShortlist(req.user!, req.params.id, req.params.listingId);
    setNotification(req, { type: 'success', text: 'Provider removed from the shortlist.' });
    res.redirect(paths.shortlists.show(req.params.id));
  });

  return router;
}

/** The shortlist, with a note that could not be saved shown again beside its message (only to someone who may change it). */
async function renderShortlist(req: Request<{ id: string }>, res: Response, directory: DirectoryService, refused?: { errors: FormErrors; values: Record<string, unknown> }) {
  const shortlist = await viewShortlist(req.user!, req.params.id, directory);
  if (refused && !shortlist.canChange) throw new NotAllowedError();
  res.status(refused ? 400 : 200).render('shortlists/show', { pageTitle: shortlist.title, shortlist, backLink: paths.shortlists.index, ...refused });
}

async function renderNewShortlist(req: Request, res: Response, directory: DirectoryService, errors?: FormErrors): Promise<void> {
  const values = valuesToRedisplay(req.method === 'GET' ? req.query : req.body);
  const listingId = typeof values.listing === 'string' ? values.listing : undefined;
  const [provider, schoolChoice] = await Promise.all([listingId ? directory.listedProvider(listingId) : undefined, schoolChoiceFor(req.user!)]);
  res.status(errors ? 400 : 200).render('shortlists/new', {
    pageTitle: 'Start a shortlist',
    errors,
    values,
    provider: provider ?? null,
    schoolChoice,
    backLink: paths.shortlists.index,
  });
}

async function renderAddToShortlist(req: Request<{ listingId: string }>, res: Response, directory: DirectoryService, errors?: FormErrors) {
  const provider = await directory.listedProvider(req.params.listingId);
  if (!provider) throw new NotFoundError();
  const shortlists = await changeableShortlists(req.user!);
  res.status(errors ? 400 : 200).render('shortlists/add', {
    pageTitle: `Add ${provider.name} to a shortlist`,
    errors,
    values: valuesToRedisplay(req.body),
    provider,
    shortlistChoices: shortlists.map((shortlist) => ({ value: shortlist.id, text: shortlist.title, hint: shortlist.schoolName })),
    newShortlistHref: `${paths.shortlists.new}?listing=${encodeURIComponent(provider.id)}`,
    backLink: paths.directory.search,
  });
}
