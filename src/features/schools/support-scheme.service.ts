import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import type { NewSchemeLevelForm, SchemeLevelForm } from './schools.schemas';
import { canManageSchools } from './school-access';
import { SchoolSupport } from './school-support.model';
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
      visitsPerYear: level.visitsPerYear ?? undefined,
      visitsWithoutPackage: level.visitsWithoutPackage ?? undefined,
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

export type SchemeEditResult = { ok: true } | { ok: false; field?: 'code' | 'label'; message: string };

const STALE: SchemeEditResult = { ok: false, message: 'Someone else changed the scheme while you were editing. Check the levels now shown and try again.' };

function levelFromForm(code: string, form: SchemeLevelForm): SupportLevel {
  return {
    code,
    label: form.label,
    description: form.description || undefined,
    entitlementDays: form.entitlementDays,
    visitsPerYear: form.visitsPerYear,
    visitsWithoutPackage: form.visitsWithoutPackage,
  };
}

function indexOfLevel(levels: SupportLevel[], code: string): number {
  const index = levels.findIndex((level) => level.code === code);
  if (index < 0) throw new NotFoundError();
  return index;
}

/**
 * Every edit rewrites the levels array whole (FerretDB has no positional updates), on condition that
 * nobody saved the scheme since the editor loaded it (`version`), and writes one audit entry.
 */
async function rewriteLevels(
  actor: SessionUser,
  version: string | undefined,
  rewrite: (levels: SupportLevel[]) => SupportLevel[] | SchemeEditResult,
  audit: { action: string; changes: Record<string, unknown> },
): Promise<SchemeEditResult> {
  if (!canManageSchools(actor)) throw new NotAllowedError();
  const scheme = await SupportScheme.findOne({ key: CURRENT }).lean();
  if (!scheme) throw new NotFoundError();
  const levels = rewrite(scheme.levels);
  if (!Array.isArray(levels)) return levels;
  const saved = version && (await SupportScheme.findOneAndUpdate({ key: CURRENT, updatedAt: new Date(version) }, { $set: { levels } }));
  if (!saved) return STALE;
  await recordAudit({ actor: new Types.ObjectId(actor.id), subjectType: 'SupportScheme', subjectId: scheme._id, ...audit });
  return { ok: true };
}

/** Edits one level's name, description and entitlement; its code stays (schools' records keep it). */
export function updateSchemeLevel(actor: SessionUser, code: string, form: SchemeLevelForm): Promise<SchemeEditResult> {
  const level = levelFromForm(code, form);
  return rewriteLevels(
    actor,
    form.version,
    (levels) => {
      const edited = indexOfLevel(levels, code);
      return levels.map((candidate, index) => (index === edited ? level : candidate));
    },
    { action: 'support_level_edited', changes: { ...level, description: form.description, entitlementDays: form.entitlementDays ?? null } },
  );
}

/** Adds a level at the end of the scheme; codes are unique whatever their case ("3C" is "3c"). */
export function addSchemeLevel(actor: SessionUser, form: NewSchemeLevelForm): Promise<SchemeEditResult> {
  const level = levelFromForm(form.code, form);
  return rewriteLevels(
    actor,
    form.version,
    (levels) =>
      levels.some((candidate) => candidate.code.toLowerCase() === form.code.toLowerCase())
        ? { ok: false, field: 'code', message: `There is already a level ${form.code}: choose another code` }
        : [...levels, level],
    { action: 'support_level_added', changes: { ...level } },
  );
}

/**
 * Removes a level from the scheme. Schools at it keep their level and its history (each decision stores
 * the level's code and name) until someone sets a new one; while their level is not in the scheme it
 * carries no entitlement, which the removal page says before anyone confirms.
 */
export function removeSchemeLevel(actor: SessionUser, code: string, version: string | undefined): Promise<SchemeEditResult> {
  return rewriteLevels(
    actor,
    version,
    (levels) => {
      const removed = indexOfLevel(levels, code);
      return levels.filter((_, index) => index !== removed);
    },
    { action: 'support_level_removed', changes: { code } },
  );
}

/** Moves a level one place up or down the scheme's order; at either end it stays where it is. */
export function moveSchemeLevel(actor: SessionUser, code: string, direction: 'up' | 'down', version: string | undefined): Promise<SchemeEditResult> {
  return rewriteLevels(
    actor,
    version,
    (levels) => {
      const from = indexOfLevel(levels, code);
      const to = direction === 'up' ? from - 1 : from + 1;
      if (to < 0 || to >= levels.length) return levels;
      const reordered = [...levels];
      [reordered[from], reordered[to]] = [reordered[to]!, reordered[from]!];
      return reordered;
    },
    { action: 'support_level_moved', changes: { code, direction } },
  );
}

/** The schools whose current level is this code, by name, for the removal page. */
export async function schoolsAtLevel(actor: SessionUser, code: string): Promise<{ count: number; names: string[] }> {
  if (!canManageSchools(actor)) throw new NotAllowedError();
  const filter = { 'current.level': code };
  const [count, supports] = await Promise.all([
    SchoolSupport.countDocuments(filter),
    SchoolSupport.find(filter, { school: 1 }).populate<{ school: { name: string } | null }>('school', 'name').limit(20).lean(),
  ]);
  return { count, names: supports.map((support) => support.school?.name ?? 'A school no longer on record').sort((a, b) => a.localeCompare(b)) };
}

export function findLevel(scheme: Scheme | null, code: string): SupportLevel | undefined {
  return scheme?.levels.find((level) => level.code === code);
}
