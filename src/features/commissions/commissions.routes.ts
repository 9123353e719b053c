import { Router, type Request, type Response } from 'express';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { feedbackOnCommission, impactSummaryForListing } from './feedback/feedback.service';
import { canBrokerCommissions, canRequestSupportDirectly } from './commission-access';
import { ACTIONS_WITH_FORMS, checkAnswersRows, commissionPage, commissionSummary, requestChoiceProblems, requestFormContext } from './commission-page';
import { ACTIONS, type CommissionAction } from './commission-status';
import { commissionRequestSchema, proposalSchema, reasonSchema } from './commissions.schemas';
import { planRefsSchema } from '../plans/plans.schemas';
import { priorityForRequest } from '../plans/plan-reads';
import { valuesFromPriority } from './plan-support';
import { actOnLoadedCommission, commissionableListing, commissionForAction, commissionsWaitingFor, commissionVisibleTo, listCommissions, requestCommission, type ActionInput } from './commissions.service';

declare module 'express-session' {
  interface SessionData {
    commissionDraft?: Record<string, unknown>;
  }
}

const REQUEST_FIELDS = ['school', 'need', 'categories', 'objectives', 'successCriteria', 'days', 'startOn', 'funding'];

const ACTION_PAGES: Partial<Record<CommissionAction | 'refuse_arrangement', { title: string; button: string; reasonLabel: string; warning?: boolean }>> = {
  decline: { title: 'Decline this request', button: 'Decline', reasonLabel: 'Why are you declining? The school will see this.', warning: true },
  cancel: { title: 'Cancel this commission', button: 'Cancel commission', reasonLabel: 'Why is it being cancelled? Everyone involved will see this.', warning: true },
  refuse: { title: 'Do not approve', button: 'Do not approve', reasonLabel: 'Why is it not approved? The school will see this.', warning: true },
  approve: { title: 'Approve beyond entitlement', button: 'Approve', reasonLabel: 'Why is support beyond the school’s entitlement approved?' },
  // Refusing support a school asked the LA to arrange, rather than days beyond its entitlement.
  refuse_arrangement: { title: 'Do not arrange this support', button: 'Do not arrange', reasonLabel: 'Why can it not be arranged? The school will see this.', warning: true },
  propose_change: { title: 'Propose different days or dates', button: 'Send the proposal', reasonLabel: '' },
};

function actionFromSlug(slug: string): CommissionAction {
  const action = slug.replace(/-/g, '_');
  if (!(action in ACTIONS) || action === 'record_feedback') throw new NotFoundError();
  return action as CommissionAction;
}

/** Asking for support, brokering it, and every step after: one set of pages for every role. */
export function commissionsRoutes(): Router {
  const router = Router();
  router.use(paths.commissions.list, requireSignIn);

  router.get(paths.commissions.list, async (req, res) => {
    const [waiting, commissions] = await Promise.all([commissionsWaitingFor(req.user!), listCommissions(req.user!)]);
    res.render('commissions/list', {
      pageTitle: 'Commissions',
      waiting: waiting.map(commissionSummary),
      commissions: commissions.map(commissionSummary),
    });
  });

  router.get(paths.commissions.new, async (req, res) => {
    const draft = req.session.commissionDraft;
    const listingId = String(req.query.listing ?? draft?.listing ?? '');
    const refs = planRefsSchema.safeParse(req.query);
    const draftFits = draft && draft.listing === listingId && (!refs.success || draft.priority === refs.data.priority);
    if (draftFits || !refs.success) return renderRequestForm(req, res, listingId, draftFits ? draft : {});
    // Against a plan priority: the request starts from the priority's words, objectives and success criteria.
    const listing = await commissionableListing(listingId);
    await renderRequestForm(req, res, listingId, await valuesFromPriority(req.user!, listing, await priorityForRequest(req.user!, refs.data.plan, refs.data.priority)));
  });

  router.post(paths.commissions.new, async (req, res) => {
    const listingId = String((req.body as Record<string, unknown>).listing ?? '');
    const parsed = commissionRequestSchema.safeParse(req.body);
    if (!parsed.success) return renderRequestForm(req, res, listingId, valuesToRedisplay(req.body), formErrorsFrom(parsed.error, REQUEST_FIELDS));
    const problems = await requestChoiceProblems(req.user!, await commissionableListing(listingId), parsed.data);
    if (Object.keys(problems).length > 0) return renderRequestForm(req, res, listingId, valuesToRedisplay(req.body), fieldErrors(problems, REQUEST_FIELDS));
    req.session.commissionDraft = valuesToRedisplay(req.body);
    res.redirect(paths.commissions.check);
  });

  router.get(paths.commissions.check, async (req, res) => {
    const parsed = commissionRequestSchema.safeParse(req.session.commissionDraft ?? {});
    if (!parsed.success) return res.redirect(paths.commissions.list);
    const listing = await commissionableListing(parsed.data.listing);
    res.render('commissions/check', {
      pageTitle: 'Check your request before sending it',
      answers: await checkAnswersRows(req.user!, listing, parsed.data),
      changeLink: paths.commissions.newFor(parsed.data.listing),
      brokered: !canRequestSupportDirectly(req.user!),
    });
  });

  router.post(paths.commissions.check, async (req, res) => {
    const parsed = commissionRequestSchema.safeParse(req.session.commissionDraft ?? {});
    if (!parsed.success) return res.redirect(paths.commissions.list);
    const result = await requestCommission(req.user!, parsed.data);
    if (!result.ok) return res.redirect(paths.commissions.newFor(parsed.data.listing));
    delete req.session.commissionDraft;
    res.redirect(paths.commissions.requested(result.id));
  });

  router.get(paths.commissions.requested(':id'), async (req: Request<{ id: string }>, res) => {
    const commission = await commissionVisibleTo(req.user!, req.params.id);
    res.render('commissions/requested', {
      pageTitle: 'Request sent',
      commission: commissionSummary(commission),
      askedTheLa: commission.status === 'awaiting_la',
      brokered: commission.route === 'brokered',
    });
  });

  router.get(paths.commissions.commission(':id'), async (req: Request<{ id: string }>, res) => {
    const commission = await commissionVisibleTo(req.user!, req.params.id);
    const [page, feedback] = await Promise.all([commissionPage(req.user!, commission), feedbackOnCommission(req.user!, commission)]);
    res.render('commissions/commission', { pageTitle: `Commission ${commission.reference}`, commission: page, feedback, backLink: paths.commissions.list });
  });

  router.get(paths.commissions.action(':id', ':action'), async (req: Request<{ id: string; action: string }>, res) => {
    await renderActionForm(req, res, actionFromSlug(req.params.action));
  });

  router.post(paths.commissions.action(':id', ':action'), async (req: Request<{ id: string; action: string }>, res) => {
    const action = actionFromSlug(req.params.action);
    const commission = await commissionForAction(req.user!, req.params.id, action);
    let input: ActionInput = {};
    if (action === 'propose_change') {
      const parsed = proposalSchema.safeParse(req.body);
      if (!parsed.success) return renderActionForm(req, res, action, formErrorsFrom(parsed.error, ['days', 'startOn', 'note']));
      input = { proposal: parsed.data };
    } else if (ACTIONS_WITH_FORMS.includes(action)) {
      const parsed = reasonSchema.safeParse(req.body);
      if (!parsed.success) return renderActionForm(req, res, action, formErrorsFrom(parsed.error, ['reason']));
      input = { reason: parsed.data.reason };
    }
    const result = await actOnLoadedCommission(req.user!, commission, action, input);
    setNotification(req, result.ok ? { type: 'success', text: 'Done. Everyone who needs to know has been told.' } : { type: 'important', text: result.message });
    res.redirect(paths.commissions.commission(req.params.id));
  });

  return router;
}

async function renderRequestForm(req: Request, res: Response, listingId: string, values: Record<string, unknown>, errors?: FormErrors): Promise<void> {
  const user = req.user!;
  if (!canRequestSupportDirectly(user) && !canBrokerCommissions(user)) throw new NotAllowedError();
  const listing = await commissionableListing(listingId);
  const refs = planRefsSchema.safeParse(values);
  const priority = refs.success ? await priorityForRequest(user, refs.data.plan, refs.data.priority) : undefined;
  const context = await requestFormContext(user, listing, priority);
  res.status(errors ? 400 : 200).render('commissions/new', {
    pageTitle: !canRequestSupportDirectly(user) ? 'Arrange support for a school' : listing.arrangedByLa ? 'Ask the LA for this support' : 'Ask for support',
    errors,
    values,
    ...context,
    impact: await impactSummaryForListing(listing._id),
    brokered: !canRequestSupportDirectly(user),
    backLink: paths.commissions.list,
  });
}

async function renderActionForm(req: Request<{ id: string; action: string }>, res: Response, action: CommissionAction, errors?: FormErrors): Promise<void> {
  const commission = await commissionForAction(req.user!, req.params.id, action);
  const page = action === 'refuse' && commission.status === 'awaiting_la' ? ACTION_PAGES.refuse_arrangement : ACTION_PAGES[action];
  if (!page) throw new NotFoundError();
  res.status(errors ? 400 : 200).render('commissions/action', {
    pageTitle: page.title,
    page,
    action,
    errors,
    values: valuesToRedisplay(req.body),
    commission: commissionSummary(commission),
    backLink: paths.commissions.commission(req.params.id),
  });
}
