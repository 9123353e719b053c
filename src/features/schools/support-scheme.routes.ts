import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { entitlementPhrases } from './level-entitlement';
import { newSchemeLevelSchema, schemeLevelMoveSchema, schemeLevelSchema, schemePresetSchema, schemeVersionSchema } from './schools.schemas';
import {
  addSchemeLevel,
  chooseSchemePreset,
  currentScheme,
  findLevel,
  moveSchemeLevel,
  removeSchemeLevel,
  schoolsAtLevel,
  updateSchemeLevel,
  type SchemeEditResult,
} from './support-scheme.service';
import { SCHEME_PRESETS, SCHEME_PRESET_KEYS, type SchemePresetKey } from './support-scheme.presets';

const presetChoices = SCHEME_PRESET_KEYS.map((key) => ({
  value: key,
  text: SCHEME_PRESETS[key].name,
  hint: `${SCHEME_PRESETS[key].levels.map((level) => `${level.code} ${level.label}`).join(', ')}. ${SCHEME_PRESETS[key].source}`,
}));

const LEVEL_FIELDS = ['code', 'label', 'description', 'entitlementDays', 'visitsPerYear', 'visitsWithoutPackage'];

type CodeRequest = Request<{ code: string }>;

/** Traded Services choose the LA's scheme of support levels, then edit, add, remove and reorder its levels. */
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

  // Before the level's own address, which would otherwise read "add-level" as a code.
  router.get(paths.schools.schemeLevelNew, async (req, res) => renderNewLevel(req, res));

  router.post(paths.schools.schemeLevelNew, async (req, res) => {
    const parsed = newSchemeLevelSchema.safeParse(req.body);
    if (!parsed.success) return renderNewLevel(req, res, formErrorsFrom(parsed.error, LEVEL_FIELDS));
    const result = await addSchemeLevel(req.user!, parsed.data);
    if (!result.ok) return renderNewLevel(req, res, errorsFrom(result, 'code'));
    setNotification(req, { type: 'success', text: `Level ${parsed.data.code} has been added at the end of the scheme.` });
    res.redirect(paths.schools.scheme);
  });

  router.get(paths.schools.schemeLevel(':code'), async (req: CodeRequest, res) => renderLevel(req, res));

  router.post(paths.schools.schemeLevel(':code'), async (req: CodeRequest, res) => {
    const parsed = schemeLevelSchema.safeParse(req.body);
    if (!parsed.success) return renderLevel(req, res, formErrorsFrom(parsed.error, LEVEL_FIELDS));
    const result = await updateSchemeLevel(req.user!, req.params.code, parsed.data);
    if (!result.ok) return renderLevel(req, res, errorsFrom(result, 'label'));
    setNotification(req, { type: 'success', text: `Level ${req.params.code} has been saved.` });
    res.redirect(paths.schools.scheme);
  });

  router.get(paths.schools.schemeLevelRemove(':code'), async (req: CodeRequest, res) => renderRemoval(req, res));

  router.post(paths.schools.schemeLevelRemove(':code'), async (req: CodeRequest, res) => {
    const result = await removeSchemeLevel(req.user!, req.params.code, schemeVersionSchema.safeParse(req.body).data?.version);
    if (!result.ok) return renderRemoval(req, res, errorsFrom(result, 'confirm'));
    setNotification(req, { type: 'success', text: `Level ${req.params.code} has been removed from the scheme.` });
    res.redirect(paths.schools.scheme);
  });

  router.post(paths.schools.schemeLevelMove(':code'), async (req: CodeRequest, res) => {
    const parsed = schemeLevelMoveSchema.safeParse(req.body);
    if (!parsed.success) return renderScheme(req, res, fieldErrors({ levels: 'Choose whether to move the level up or down' }));
    const result = await moveSchemeLevel(req.user!, req.params.code, parsed.data.direction, parsed.data.version);
    if (!result.ok) return renderScheme(req, res, errorsFrom(result, 'levels'));
    res.redirect(`${paths.schools.scheme}#level-${req.params.code}`);
  });

  return router;
}

function errorsFrom(result: Exclude<SchemeEditResult, { ok: true }>, fallbackField: string): FormErrors {
  return fieldErrors({ [result.field ?? fallbackField]: result.message }, LEVEL_FIELDS);
}

async function renderScheme(_req: Request, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await currentScheme();
  res.status(errors ? 400 : 200).render('schools/scheme', {
    pageTitle: 'Support levels',
    scheme: scheme && { ...scheme, levels: scheme.levels.map((level) => ({ ...level, entitlement: entitlementPhrases(level) })) },
    presetChoices,
    errors,
    values: { preset: scheme?.preset ?? '' },
    backLink: paths.schools.list,
  });
}

async function schemeInUse() {
  const scheme = await currentScheme();
  if (!scheme) throw new NotFoundError();
  return scheme;
}

async function renderNewLevel(req: Request, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await schemeInUse();
  res.status(errors ? 400 : 200).render('schools/scheme-level', {
    pageTitle: 'Add a level',
    level: undefined,
    action: paths.schools.schemeLevelNew,
    version: scheme.version,
    errors,
    values: errors ? valuesToRedisplay(req.body) : {},
    backLink: paths.schools.scheme,
  });
}

async function renderLevel(req: CodeRequest, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await schemeInUse();
  const level = findLevel(scheme, req.params.code);
  if (!level) throw new NotFoundError();
  const count = (value: number | null | undefined) => value?.toString() ?? '';
  const saved = {
    label: level.label,
    description: level.description ?? '',
    entitlementDays: count(level.entitlementDays),
    visitsPerYear: count(level.visitsPerYear),
    visitsWithoutPackage: count(level.visitsWithoutPackage),
  };
  res.status(errors ? 400 : 200).render('schools/scheme-level', {
    pageTitle: `Level ${level.code}`,
    level,
    action: paths.schools.schemeLevel(level.code),
    version: scheme.version,
    errors,
    values: errors ? { ...saved, ...valuesToRedisplay(req.body) } : saved,
    backLink: paths.schools.scheme,
  });
}

async function renderRemoval(req: CodeRequest, res: Response, errors?: FormErrors): Promise<void> {
  const scheme = await schemeInUse();
  const level = findLevel(scheme, req.params.code);
  if (!level) throw new NotFoundError();
  res.status(errors ? 400 : 200).render('schools/scheme-level-remove', {
    pageTitle: `Remove level ${level.code}`,
    level,
    version: scheme.version,
    schools: await schoolsAtLevel(req.user!, level.code),
    errors,
    backLink: paths.schools.scheme,
  });
}
