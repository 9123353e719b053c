import { Router, type Request, type RequestHandler, type Response } from 'express';
import { Types } from 'mongoose';
import { startOfUtcDay } from '../../../lib/dates';
import { plural } from '../../../lib/format';
import { paths } from '../../../paths';
import { requireRole, requireSignIn } from '../../../web/authentication';
import { setNotification } from '../../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../../web/form-errors';
import { filesFrom, parseListingUploads, prepareUploads, type UploadLimits } from '../listing-uploads';
import { PROVIDER_TYPES, PROVIDER_TYPE_LABELS } from '../listing-vocabulary';
import { CHECK_EVIDENCE, CHECK_KINDS, CHECK_LABELS, CHECK_NAMES, DATED_CHECKS, isCheckKind } from './check-kinds';
import { currentRequirements, saveRequirements } from './check-requirements';
import { refreshAllCheckSummaries } from './check-standing';
import { CHECK_FIELD_ORDER, CHECK_QUESTIONS, checkDecisionSchema, checkFormSchema, REQUIREMENTS_FIELD_ORDER, requirementsSchema } from './checks.schemas';
import { checkDecisionPage, checkEvidenceFor, checkFormPage, checksPage, decideCheck, recordableCheck, submitCheck } from './checks.service';

type CheckRequest = Request<{ id: string; kind: string }>;

/** multer for the record-a-check form, once the owner may record that check; app.ts mounts it before the CSRF check. */
export function checkFormUploads(limits: UploadLimits): Router {
  const router = Router();
  const mayRecord: RequestHandler<{ id: string; kind: string }> = async (req, _res, next) => {
    await recordableCheck(req.user!, req.params.id, req.params.kind);
    next();
  };
  router.post(paths.listings.recordCheck(':id', ':kind'), requireRole('provider'), mayRecord, parseListingUploads(limits));
  return router;
}

/** A listing's checks (its owners and Traded Services), recording and verifying them, and the LA's rules. */
export function checksRoutes(limits: UploadLimits): Router {
  const router = Router();

  router.get(paths.listings.checks(':id'), requireSignIn, async (req: Request<{ id: string }>, res) => {
    const page = await checksPage(req.user!, req.params.id);
    res.render('listings/checks/index', { pageTitle: `Checks for ${page.name}`, ...page, backLink: paths.listings.status(page.listingId) });
  });

  router.get(paths.listings.recordCheck(':id', ':kind'), requireRole('provider'), async (req: CheckRequest, res) => renderCheckForm(req, res));

  router.post(paths.listings.recordCheck(':id', ':kind'), requireRole('provider'), async (req: CheckRequest, res) => {
    const { kind } = await recordableCheck(req.user!, req.params.id, req.params.kind);
    const parsed = checkFormSchema(kind, startOfUtcDay(new Date())).safeParse(req.body ?? {});
    const problems: Record<string, string> = parsed.success ? {} : formErrorsFrom(parsed.error).byField;
    const files = filesFrom(req.files).evidence;
    const uploads = await prepareUploads({ photo: [], evidence: files }, limits, 0);
    if (req.uploadProblem) problems.evidence = req.uploadProblem.message;
    else if (files.length === 0) problems.evidence = `Choose a PDF of ${CHECK_EVIDENCE[kind]}`;
    else if (files.length > 1) problems.evidence = 'Choose one PDF document';
    else if (uploads.problems.evidence) problems.evidence = uploads.problems.evidence;
    if (!parsed.success || Object.keys(problems).length > 0) return renderCheckForm(req, res, fieldErrors(problems, CHECK_FIELD_ORDER));
    await submitCheck(req.user!, req.params.id, kind, parsed.data, uploads.evidence[0]!);
    setNotification(req, { type: 'success', text: `Your ${CHECK_NAMES[kind]} has been sent to Traded Services to verify.` });
    res.redirect(paths.listings.checks(req.params.id));
  });

  router.get(paths.listings.checkFile(':id', ':fileId'), requireSignIn, async (req: Request<{ id: string; fileId: string }>, res) => {
    const file = await checkEvidenceFor(req.user!, req.params.id, req.params.fileId);
    res.setHeader('Content-Type', file.contentType);
    res.attachment(file.filename);
    res.send(file.data);
  });

  router.get(paths.listings.decideCheck(':id', ':kind'), requireRole('traded_services'), async (req: CheckRequest, res) => renderDecision(req, res));

  router.post(paths.listings.decideCheck(':id', ':kind'), requireRole('traded_services'), async (req: CheckRequest, res) => {
    const parsed = checkDecisionSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderDecision(req, res, formErrorsFrom(parsed.error, ['decision', 'reason']));
    const result = await decideCheck(req.user!, req.params.id, req.params.kind, parsed.data);
    if (!result.ok) return renderDecision(req, res, fieldErrors({ decision: result.message }), 409);
    const kind = isCheckKind(req.params.kind) ? CHECK_NAMES[req.params.kind] : 'check';
    setNotification(req, {
      type: 'success',
      text: result.verified ? `The ${kind} is verified.${result.backInDirectory ? ' The listing is back in the directory.' : ''}` : `The ${kind} has been returned to the provider with your reason.`,
    });
    res.redirect(paths.listings.checks(req.params.id));
  });

  router.get(paths.admin.checkRequirements, requireRole('traded_services'), async (req, res) => renderRequirements(req, res));

  router.post(paths.admin.checkRequirements, requireRole('traded_services'), async (req, res) => {
    const parsed = requirementsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderRequirements(req, res, formErrorsFrom(parsed.error, REQUIREMENTS_FIELD_ORDER));
    const saved = await saveRequirements(req.user!, parsed.data);
    if (!saved) return renderRequirements(req, res, fieldErrors({ dbs: 'Someone else saved these checks while you were editing. Check them and save again.' }), 409);
    const left = await refreshAllCheckSummaries(saved, new Types.ObjectId(req.user!.id));
    setNotification(req, {
      type: 'success',
      text: `The checks have been saved.${left > 0 ? ` ${plural(left, 'published listing')} left the directory until ${left === 1 ? 'its' : 'their'} checks are verified; the owners have been told.` : ''}`,
    });
    res.redirect(paths.admin.checkRequirements);
  });

  return router;
}

async function renderCheckForm(req: CheckRequest, res: Response, errors?: FormErrors): Promise<void> {
  const page = await checkFormPage(req.user!, req.params.id, req.params.kind);
  res.status(errors ? 400 : 200).render('listings/checks/record', {
    pageTitle: `${page.label}: ${page.name}`,
    ...page,
    questions: CHECK_QUESTIONS[page.kind],
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.checks(page.listingId),
  });
}

async function renderDecision(req: CheckRequest, res: Response, errors?: FormErrors, status = 400): Promise<void> {
  const page = await checkDecisionPage(req.user!, req.params.id, req.params.kind);
  res.status(errors ? status : 200).render('listings/checks/decision', {
    pageTitle: `Verify the ${CHECK_NAMES[page.kind]}: ${page.name}`,
    ...page,
    errors,
    values: valuesToRedisplay(req.body),
    backLink: paths.listings.checks(page.listingId),
  });
}

async function renderRequirements(req: Request, res: Response, errors?: FormErrors, status = 400): Promise<void> {
  const requirements = await currentRequirements();
  const saved: Record<string, unknown> = {
    ...Object.fromEntries(CHECK_KINDS.map((kind) => [kind, requirements.requiredFor[kind]])),
    ...Object.fromEntries(DATED_CHECKS.map((kind) => [`${kind}Months`, requirements.accepted[kind]?.toString() ?? ''])),
  };
  res.status(errors ? status : 200).render('listings/checks/requirements', {
    pageTitle: 'Provider checks',
    kinds: CHECK_KINDS.map((kind) => ({ kind, label: CHECK_LABELS[kind] })),
    typeChoices: PROVIDER_TYPES.map((type) => ({ value: type, text: PROVIDER_TYPE_LABELS[type] })),
    version: requirements.version ?? '',
    errors,
    values: errors ? { ...saved, ...Object.fromEntries(CHECK_KINDS.map((kind) => [kind, []])), ...valuesToRedisplay(req.body) } : saved,
    backLink: paths.listings.queue,
  });
}
