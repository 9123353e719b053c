import { SupportScheme } from '../../src/features/schools/support-scheme.model';
import { chooseSchemePreset, updateSchemeLevel } from '../../src/features/schools/support-scheme.service';
import type { SessionUser } from '../../src/web/identity';

/**
 * The South Gloucestershire levels with days of LA-funded support filled in as an LA would (the preset gives
 * none, as its source gives none): 10 a year for Vulnerable, 30 for Causing concern.
 */
export async function useSchemeWithEntitlements(admin: SessionUser): Promise<void> {
  await chooseSchemePreset(admin, 'south_gloucestershire');
  for (const [code, entitlementDays] of [['2', 10], ['3', 30]] as const) {
    const scheme = (await SupportScheme.findOne({ key: 'current' }).lean())!;
    const level = scheme.levels.find((candidate) => candidate.code === code)!;
    const saved = await updateSchemeLevel(admin, code, { label: level.label, description: level.description ?? '', entitlementDays, visitsPerYear: level.visitsPerYear ?? undefined, visitsWithoutPackage: level.visitsWithoutPackage ?? undefined, version: scheme.updatedAt.toISOString() });
    if (!saved.ok) throw new Error(saved.message);
  }
}
