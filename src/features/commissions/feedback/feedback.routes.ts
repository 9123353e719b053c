import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { safeFilename } from '../../../lib/filenames';
import { paths } from '../../../paths';
import { requireRole, requireSignIn } from '../../../web/authentication';
import { setNotification } from '../../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../../web/form-errors';
import { boundedMultipart, isUploadRefusal, refusalStatus } from '../../../web/uploads';
import { commissionSummary } from '../commission-page';
import { OBJECTIVES_MET, OBJECTIVES_MET_LABELS, RATING_LABELS, RATINGS } from './ratings';
import { feedbackSchema } from './feedback.schemas';
import { commissionAwaitingFeedback, evidenceFor, FeedbackAlreadyGivenError, feedbackNeedingAttention, giveFeedback } from './feedback.service';

const FIELD_ORDER = ['objectivesMet', ...RATINGS, 'whatChanged', 'evidence'];

/** A colleague gave the feedback first: back to the commission, saying so, instead of "no permission". */
function toCommissionIfGiven(req: Request, res: Response, error: unknown): void {
  if (!(error instanceof FeedbackAlreadyGivenError)) throw error;
  setNotification(req, { type: 'important', text: error.message });
  res.redirect(paths.commissions.commission((req.params as { id: string }).id));
}

/**
 * Parses the feedback form's multipart body (with its one optional PDF). Mounted before the CSRF check,
 * which needs the body's `_csrf` field, and after the checks that this is a school user whose commission
 * awaits feedback: nobody else makes the app read a body. Too large a file gets the "too large" page.
 */
export function parseFeedbackUpload(maxDocumentBytes: number): RequestHandler[] {
  const upload = boundedMultipart({ fields: 20, files: 1, fileBytes: maxDocumentBytes }, multer.memoryStorage()).single('evidence');
  const mayGiveFeedback: RequestHandler = async (req, res, next) => {
    try {
      await commissionAwaitingFeedback(req.user!, (req.params as { id: string }).id);
    } catch (error) {
      return toCommissionIfGiven(req, res, error);
    }
    next();
  };
  const parse: RequestHandler = (req, res, next) => {
    upload(req, res, (error: unknown) => next(error && isUploadRefusal(error) ? Object.assign(error as Error, { status: refusalStatus(error) }) : error));
  };
  return [requireRole('school'), mayGiveFeedback, parse];
}

export function feedbackRoutes(config: { feedbackDueDays: number; maxDocumentBytes: number }): Router {
  const router = Router();

  router.get(paths.commissions.feedback(':id'), requireSignIn, async (req: Request<{ id: string }>, res) =>
    renderForm(req, res, config.maxDocumentBytes).catch((error: unknown) => toCommissionIfGiven(req, res, error)),
  );

  router.post(paths.commissions.feedback(':id'), requireSignIn, async (req: Request<{ id: string }>, res) =>
    sendFeedback(req, res, config.maxDocumentBytes).catch((error: unknown) => toCommissionIfGiven(req, res, error)),
  );

  router.get(paths.commissions.evidence(':id'), requireSignIn, async (req: Request<{ id: string }>, res) => {
    const evidence = await evidenceFor(req.user!, req.params.id);
    res.attachment(safeFilename(evidence.filename, 'evidence.pdf'));
    res.type('application/pdf').send(evidence.bytes);
  });

  router.get(paths.feedbackAttention, requireRole('traded_services'), async (req, res) => {
    res.render('feedback/attention', { pageTitle: 'Feedback needing attention', queue: await feedbackNeedingAttention(req.user!, config.feedbackDueDays), dueDays: config.feedbackDueDays });
  });

  return router;
}

/** The feedback form sent: stored, or shown again with what is wrong. */
async function sendFeedback(req: Request<{ id: string }>, res: Response, maxDocumentBytes: number): Promise<void> {
  const parsed = feedbackSchema.safeParse(req.body);
  if (!parsed.success) return renderForm(req, res, maxDocumentBytes, formErrorsFrom(parsed.error, FIELD_ORDER));
  const upload = req.file && req.file.size > 0 ? { filename: req.file.originalname, bytes: req.file.buffer } : undefined;
  const result = await giveFeedback(req.user!, req.params.id, parsed.data, upload);
  if (!result.ok) return renderForm(req, res, maxDocumentBytes, fieldErrors({ [result.field]: result.message }, FIELD_ORDER));
  setNotification(req, { type: 'success', text: 'Thank you. Your feedback has been sent to the provider and the LA.' });
  res.redirect(paths.commissions.commission(req.params.id));
}

async function renderForm(req: Request<{ id: string }>, res: Response, maxDocumentBytes: number, errors?: FormErrors): Promise<void> {
  const commission = await commissionAwaitingFeedback(req.user!, req.params.id);
  res.status(errors ? 400 : 200).render('feedback/new', {
    pageTitle: 'How did the support go?',
    errors,
    values: valuesToRedisplay(req.body),
    commission: commissionSummary(commission),
    // Asked against what was agreed: the form shows the objectives and success criteria.
    agreed: { need: commission.need, priority: commission.planPriorityTitle ?? '', objectives: commission.objectives, successCriteria: commission.successCriteria },
    objectivesChoices: OBJECTIVES_MET.map((value) => ({ value, text: OBJECTIVES_MET_LABELS[value] })),
    questions: RATINGS.map((rating) => ({ field: rating, question: RATING_LABELS[rating] })),
    maxMegabytes: Math.round(maxDocumentBytes / (1024 * 1024)),
    backLink: paths.commissions.commission(req.params.id),
  });
}
