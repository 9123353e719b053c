import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import type { SchemeLevelForm } from './schools.schemas';
import { canManageSchools } from './school-access';
import { SupportScheme, type SupportLevel } from './support-scheme.model';
import { SCHEME_PRESETS, type SchemePresetKey } from './support-scheme.presets';

export type Scheme = { name: string; preset: string | undefined; levels: SupportLevel[]; version: string };

const CURRENT = 'current';

/** The scheme in use, or null before Traded Services have chosen one. */
export async function currentScheme(): Promise<Scheme | null> {
  const scheme = await SupportScheme.findOne({ key: CURRENT }).lean();
  if (!scheme) return null;
  return {
    name: scheme.name,
    preset: scheme.preset ?? undefined,
    levels: scheme.levels.map((level) => ({
      code: level.code,
      label: level.label,
      description: level.description ?? undefined,
      entitlementDays: level.entitlementDays ?? undefined,
    })),
    version: scheme.updatedAt.toISOString(),
  };
}

/**
 * Starts the scheme from a preset, replacing the levels in use. Schools keep the level they were
 * given (its code and name are stored with each decision) until someone sets a new one.
 */
export async function chooseSchemePreset(actor: SessionUser, key: SchemePresetKey): Promise<void> {
  if (!canManageSchools(actor)) throw new NotAllowedError();
  const preset = SCHEME_PRESETS[key];
  const scheme = await SupportScheme.findOneAndUpdate(
    { key: CURRENT },
    { $set: { name: preset.name, preset: key, levels: preset.levels } },
    { upsert: true, new: true },
  );
  await recordAudit({
    actor: new Types.ObjectId(actor.id),
    action: 'support_scheme_chosen',
    subjectType: 'SupportScheme',
    subjectId: scheme._id,
    changes: { preset: key },
  });
}

export type SchemeEditResult = { ok: true } | { ok: false; message: string };

/**
 * Edits one level. The levels array is rewritten whole (FerretDB has no positional updates), on
 * condition that nobody saved the scheme since the editor loaded it (`version`).
 */
export async function updateSchemeLevel(actor: SessionUser, code: string, form: SchemeLevelForm): Promise<SchemeEditResult> {
  if (!canManageSchools(actor)) throw new NotAllowedError();
  const scheme = await SupportScheme.findOne({ key: CURRENT }).lean();
  const level = scheme?.levels.find((candidate) => candidate.code === code);
  if (!scheme || !level) throw new NotFoundError();
  const levels = scheme.levels.map((candidate) =>
    candidate.code === code
      ? { code, label: form.label, description: form.description || undefined, entitlementDays: form.entitlementDays }
      : candidate,
  );
  const saved = form.version && (await SupportScheme.findOneAndUpdate({ key: CURRENT, updatedAt: new Date(form.version) }, { $set: { levels } }));
  if (!saved) return { ok: false, message: 'Someone else changed the scheme while you were editing. Check the level and save again.' };
  await recordAudit({
    actor: new Types.ObjectId(actor.id),
    action: 'support_level_edited',
    subjectType: 'SupportScheme',
    subjectId: scheme._id,
    changes: { code, label: form.label, description: form.description, entitlementDays: form.entitlementDays ?? null },
  });
  return { ok: true };
}

export function findLevel(scheme: Scheme | null, code: string): SupportLevel | undefined {
  return scheme?.levels.find((level) => level.code === code);
}
