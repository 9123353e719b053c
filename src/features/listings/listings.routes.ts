import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../../config';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { openSchoolChoices } from '../schools/schools.service';
import { termChoices } from '../taxonomy/taxonomy.service';
import { decideListing, decideRevision, recordListingReviewed, setArrangedByLa, setListingSuspended } from './listing-decisions.service';
import { formValuesOf } from './listing-form-values';
import {
  approvalQueue,
  type ReviewDates,
  listingHistoryPage,
  listingsOfOwner,
  listingStatusPage,
  penPortraitPage,
  type PenPortraitParts,
  revisionDiffPage,
} from './listing-pages.service';
import { filesFrom, MAX_EVIDENCE_DOCUMENTS, parseListingUploads, prepareUploads, type PreparedUploads, type UploadLimits } from './listing-uploads';
import { CAPACITY_PERIODS, PROVIDER_TYPES, PROVIDER_TYPE_LABELS } from './listing-vocabulary';
import {
  arrangementSchema,
  decisionSchema,
  LISTING_FIELD_ORDER,
  revisionDecisionSchema,
  suspendSchema,
} from './listings.schemas';
import { listingFormSchema, type ListingForm } from './listings.schemas';
import {
  createListing,
  editableListing,
  evidenceFilesOf,
  fileForViewer,
  findListing,
  removeEvidence,
  submitListing,
  updateListing,
  viewableListing,
  type ListingRules,
  type SaveResult,
} from './listings.service';

import { checksQueue, type CheckDates } from './checks/checks.service';

type IdRequest = Request<{ id: string }>;

/** multer for the two pen portrait forms, after the checks their pages make; app.ts mounts it before the CSRF check. */
export function listingFormUploads(limits: UploadLimits): Router {
  const router = Router();
  const parse = parseListingUploads(limits);
  const mayEdit: RequestHandler<{ id: string }> = async (req, _res, next) => {
    await editableListing(req.user!, req.params.id);
    next();
  };
  router.post(paths.listings.new, requireRole('provider'), parse);
  router.post(paths.listings.edit(':id'), requireRole('provider'), mayEdit, parse);
  return router;
}

export function listingsRoutes(config: Config, reviewDates: ReviewDates & CheckDates, penPortraitParts: PenPortraitParts): Router {
  const router = Router();
  const rules: ListingRules = config.listings;
  const limits: UploadLimits = config.uploads;

  router.get(paths.listings.own, requireRole('provider'), async (req, res) => {
    res.render('listings/own', { pageTitle: 'Your listings', listings: await listingsOfOwner(req.user!) });
  });

  router.get(paths.listings.queue, requireRole('traded_services'), async (req, res) => {
    const [queue, checks] = await Promise.all([approvalQueue(req.user!, rules, reviewDates), checksQueue(req.user!, reviewDates)]);
    res.render('listings/queue', { pageTitle: 'Listings', queue, checks, graceDays: rules.reviewGraceDays });
  });

  router.get(paths.listings.new, requireRole('provider'), (req, res) => renderForm(req, res, { mode: 'new' }));

  router.post(paths.listings.new, requireRole('provider'), async (req, res) => {
    const outcome = await saveFromForm(req, limits, 0, (form, uploads) => createListing(req.user!, form, uploads));
    if ('errors' in outcome) return renderForm(req, res, { mode: 'new', errors: outcome.errors });
    setNotification(req, { type: 'success', text: 'Your listing has been saved as a draft. Ask two schools to recommend it.' });
    res.redirect(paths.listings.status(outcome.id));
  });

  router.get(paths.listings.edit(':id'), requireRole('provider'), async (req: IdRequest, res) => {
    const listing = await editableListing(req.user!, req.params.id);
    renderForm(req, res, { mode: 'edit', listingId: req.params.id, values: formValuesOf(listing), live: isLive(listing.status) });
  });

  router.post(paths.listings.edit(':id'), requireRole('provider'), async (req: IdRequest, res) => {
    const listing = await editableListing(req.user!, req.params.id);
    const outcome = await saveFromForm(req, limits, listing.evidence.length, (form, uploads) => updateListing(req.user!, req.params.id, form, uploads));
    if ('errors' in outcome) return renderForm(req, res, { mode: 'edit', listingId: req.params.id, errors: outcome.errors, live: isLive(listing.status) });
    setNotification(req, {
      type: 'success',
      text:
        outcome.outcome === 'revision_pending'
          ? 'Your changes have been sent to Traded Services. The published version stays visible until they approve them.'
          : 'Your changes have been saved.',
    });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.get(paths.listings.listing(':id'), requireSignIn, async (req: IdRequest, res) => {
    const listing = await viewableListing(req.user!, req.params.id, rules);
    const page = await penPortraitPage(req.user!, listing, req.query.version === 'pending', rules, penPortraitParts);
    res.render('listings/pen-portrait', { pageTitle: page.portrait.name, ...page, address: config.baseUrl + paths.listings.listing(page.listingId) });
  });

  router.get(paths.listings.status(':id'), requireSignIn, async (req: IdRequest, res) => {
    const listing = await findListing(req.params.id);
    const page = await listingStatusPage(req.user!, listing, rules);
    res.render('listings/status', { pageTitle: `${page.name}: where it stands`, ...page, errors: undefined });
  });

  router.get(paths.listings.history(':id'), requireSignIn, async (req: IdRequest, res) => {
    const page = await listingHistoryPage(req.user!, req.params.id);
    res.render('listings/history', { pageTitle: `History of ${page.name}`, ...page });
  });

  router.get(paths.listings.file(':id', ':fileId'), requireSignIn, async (req: Request<{ id: string; fileId: string }>, res) => {
    const file = await fileForViewer(req.user!, req.params.id, req.params.fileId, rules);
    res.setHeader('Content-Type', file.contentType);
    res.attachment(file.filename);
    if (file.kind === 'photo') res.setHeader('Content-Disposition', 'inline');
    res.send(file.data);
  });

  router.post(paths.listings.removeFile(':id', ':fileId'), requireRole('provider'), async (req: Request<{ id: string; fileId: string }>, res) => {
    await removeEvidence(req.user!, req.params.id, req.params.fileId);
    setNotification(req, { type: 'success', text: 'The evidence document has been removed.' });
    res.redirect(paths.listings.edit(req.params.id));
  });

  router.post(paths.listings.submit(':id'), requireRole('provider'), async (req: IdRequest, res) => {
    const result = await submitListing(req.user!, req.params.id);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'submit', result.message);
    setNotification(req, { type: 'success', text: 'Your listing has been sent to Traded Services for approval.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.get(paths.listings.decide(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    await renderDecision(req, res, rules);
  });

  router.post(paths.listings.decide(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const parsed = decisionSchema.safeParse(req.body);
    if (!parsed.success) return renderDecision(req, res, rules, formErrorsFrom(parsed.error, ['decision', 'reason']));
    const result = await decideListing(req.user!, req.params.id, parsed.data, rules);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'decision', result.message, 409);
    setNotification(req, { type: 'success', text: 'Your decision has been recorded and the provider can see it.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.post(paths.listings.suspend(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const parsed = suspendSchema.safeParse(req.body);
    if (!parsed.success) return renderStatusWithError(req, res, rules, 'reason', parsed.error.issues[0]!.message);
    const result = await setListingSuspended(req.user!, req.params.id, true, parsed.data.reason);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'reason', result.message, 409);
    setNotification(req, { type: 'success', text: 'The listing has been suspended and no longer appears in the directory.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.post(paths.listings.arrangement(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const parsed = arrangementSchema.safeParse(req.body);
    if (!parsed.success) return renderStatusWithError(req, res, rules, 'arrangedByLa', parsed.error.issues[0]!.message);
    const result = await setArrangedByLa(req.user!, req.params.id, parsed.data.arrangedByLa);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'arrangedByLa', result.message, 409);
    setNotification(req, {
      type: 'success',
      text: parsed.data.arrangedByLa ? 'Schools now ask the LA for this support, and Traded Services arrange it.' : 'Schools now ask the provider for this support directly.',
    });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.post(paths.listings.reinstate(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const result = await setListingSuspended(req.user!, req.params.id, false);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'reinstate', result.message, 409);
    setNotification(req, { type: 'success', text: 'The listing has been reinstated.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.post(paths.listings.reviewed(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const result = await recordListingReviewed(req.user!, req.params.id, rules);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'reviewed', result.message, 409);
    setNotification(req, { type: 'success', text: 'The review has been recorded and the next review date set.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  router.get(paths.listings.revision(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    await renderRevision(req, res);
  });

  router.post(paths.listings.revision(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const parsed = revisionDecisionSchema.safeParse(req.body);
    if (!parsed.success) return renderRevision(req, res, formErrorsFrom(parsed.error, ['decision', 'reason']));
    const seen = typeof req.body?.submittedAt === 'string' ? (req.body.submittedAt as string) : '';
    const result = await decideRevision(req.user!, req.params.id, parsed.data.decision, seen, parsed.data.reason, rules);
    if (!result.ok) return renderStatusWithError(req, res, rules, 'revision', result.message, 409);
    setNotification(req, { type: 'success', text: parsed.data.decision === 'approve' ? 'The changes are now published.' : 'The changes were not accepted; the provider can see why.' });
    res.redirect(paths.listings.status(req.params.id));
  });

  return router;
}

const isLive = (status: string) => status === 'approved' || status === 'suspended';

type Saved = { id: string; outcome: 'saved' | 'revision_pending' } | { errors: FormErrors };

/** Validates the typed fields and the files together, so every problem is shown at once. */
async function saveFromForm(
  req: Request,
  limits: UploadLimits,
  evidenceHeld: number,
  save: (form: ListingForm, uploads: PreparedUploads) => Promise<SaveResult>,
): Promise<Saved> {
  const parsed = listingFormSchema.safeParse(req.body ?? {});
  const uploads = await prepareUploads(filesFrom(req.files), limits, evidenceHeld);
  if (req.uploadProblem) uploads.problems[req.uploadProblem.field] = req.uploadProblem.message;
  const problems: Record<string, string> = { ...(parsed.success ? {} : formErrorsFrom(parsed.error).byField), ...uploads.problems };
  if (!parsed.success || Object.keys(problems).length > 0) return { errors: fieldErrors(problems, LISTING_FIELD_ORDER) };
  const result = await save(parsed.data, uploads);
  if (!result.ok) return { errors: fieldErrors(Object.fromEntries(result.problems.map((p) => [p.field, p.message])), LISTING_FIELD_ORDER) };
  return result;
}

async function renderForm(
  req: Request,
  res: Response,
  options: { mode: 'new' | 'edit'; listingId?: string; errors?: FormErrors; values?: Record<string, unknown>; live?: boolean },
): Promise<void> {
  const [expertise, phases, subjects, contexts, offers, schools] = await Promise.all([
    termChoices('category'),
    termChoices('phase'),
    termChoices('subject'),
    termChoices('context'),
    termChoices('offer'),
    openSchoolChoices(),
  ]);
  const listing = options.listingId ? await findListing(options.listingId) : undefined;
  const evidenceFiles = listing ? await evidenceFilesOf(listing) : [];
  res.status(options.errors ? 400 : 200).render('listings/form', {
    pageTitle: options.mode === 'new' ? 'Create a listing' : 'Edit your listing',
    mode: options.mode,
    listingId: options.listingId,
    live: options.live ?? false,
    errors: options.errors,
    values: options.values ?? valuesToRedisplay(req.body),
    choices: {
      providerTypes: PROVIDER_TYPES.map((type) => ({ value: type, text: PROVIDER_TYPE_LABELS[type] })),
      capacityPeriods: CAPACITY_PERIODS.map((period) => ({ value: period, text: period === 'term' ? 'Per term' : 'Per year' })),
      expertise,
      phases,
      subjects,
      contexts,
      offers,
      schools: [{ value: '', text: 'None' }, ...schools.map((school) => ({ value: school.id, text: `${school.name} (URN ${school.urn})` }))],
    },
    evidenceFiles,
    maxEvidence: MAX_EVIDENCE_DOCUMENTS,
    backLink: options.listingId ? paths.listings.status(options.listingId) : paths.listings.own,
  });
}

async function renderStatusWithError(req: IdRequest, res: Response, rules: ListingRules, field: string, message: string, status = 400) {
  const listing = await findListing(req.params.id);
  const page = await listingStatusPage(req.user!, listing, rules);
  res.status(status).render('listings/status', { pageTitle: `${page.name}: where it stands`, ...page, errors: fieldErrors({ [field]: message }), values: valuesToRedisplay(req.body) });
}

async function renderDecision(req: IdRequest, res: Response, rules: ListingRules, errors?: FormErrors) {
  const listing = await findListing(req.params.id);
  const page = await listingStatusPage(req.user!, listing, rules);
  res.status(errors ? 400 : 200).render('listings/decision', {
    pageTitle: `Decide on ${page.name}`,
    ...page,
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.status(req.params.id),
  });
}

async function renderRevision(req: IdRequest, res: Response, errors?: FormErrors) {
  const page = await revisionDiffPage(req.user!, req.params.id);
  res.status(errors ? 400 : 200).render('listings/revision', {
    pageTitle: `Changes to ${page.name}`,
    ...page,
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.status(req.params.id),
  });
}
