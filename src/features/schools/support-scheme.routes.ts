import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { schemeLevelSchema, schemePresetSchema } from './schools.schemas';
import { chooseSchemePreset, currentScheme, findLevel, updateSchemeLevel } from './support-scheme.service';
import { SCHEME_PRESETS, SCHEME_PRESET_KEYS, type SchemePresetKey } from './support-scheme.presets';

const presetChoices = SCHEME_PRESET_KEYS.map((key) => ({
  value: key,
  text: SCHEME_PRESETS[key].name,
  hint: `${SCHEME_PRESETS[key].levels.map((level) => `${level.code} ${level.label}`).join(', ')}. ${SCHEME_PRESETS[key].source}`,
}));

/** Traded Services choose and edit the LA's scheme of support levels. */
export function supportSchemeRoutes(): Router {
  const router = Router();
  router.use(paths.schools.scheme, requireRole('traded_services'));

  router.get(paths.schools.scheme, async (req, res) => renderScheme(req, res));

  router.post(paths.schools.scheme, async (req, res) => {
    const parsed = schemePresetSchema.safeParse(req.body);
    if (!parsed.success) return renderScheme(req, res, formErrorsFrom(parsed.error));
    await chooseSchemePreset(req.user!, parsed.data.preset as SchemePresetKey);
    setNotification(req, { type: 'success', text: `The ${SCHEME_PRESETS[parsed.data.preset as SchemePresetKey].name} scheme is now in use.` });
    res.redirect(paths.schools.scheme);
  });

  router.get(paths.schools.schemeLevel(':code'), async (req: Request<{ code: string }>, res) => renderLevel(req, res));

  router.post(paths.schools.schemeLevel(':code'), async (req: Request<{ code: string }>, res) => {
    const parsed = schemeLevelSchema.safeParse(req.body);
    const order = ['label', 'description', 'entitlementDays'];
    if (!parsed.success) return renderLevel(req, res, formErrorsFrom(parsed.error, order));
    const result = await updateSchemeLevel(req.user!, req.params.code, parsed.data);
    if (!result.ok) return renderLevel(req, res, fieldErrors({ label: result.message }, order));
    setNotification(req, { type: 'success', text: `Level ${req.params.code} has been saved.` });
    res.redirect(paths.schools.scheme);
  });

  return router;
}

async function renderScheme(_req: Request, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await currentScheme();
  res.status(errors ? 400 : 200).render('schools/scheme', {
    pageTitle: 'Support levels',
    scheme,
    presetChoices,
    errors,
    values: { preset: scheme?.preset ?? '' },
    backLink: paths.schools.list,
  });
}

async function renderLevel(req: Request<{ code: string }>, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await currentScheme();
  const level = findLevel(scheme, req.params.code);
  if (!scheme || !level) throw new NotFoundError();
  const saved = { label: level.label, description: level.description ?? '', entitlementDays: level.entitlementDays?.toString() ?? '' };
  res.status(errors ? 400 : 200).render('schools/scheme-level', {
    pageTitle: `Level ${level.code}`,
    level,
    version: scheme.version,
    errors,
    values: errors ? { ...saved, ...valuesToRedisplay(req.body) } : saved,
    backLink: paths.schools.scheme,
  });
}
