import { SchoolSupport } from './school-support.model';
import { currentScheme, findLevel } from './support-scheme.service';

/**
 * The school's current support level and the LA-funded days a year it carries (null days: the level
 * carries no entitlement). No level recorded: no entitlement, so LA funding needs Traded Services' approval.
 */
export async function entitlementForSchool(schoolId: string): Promise<{ levelLabel: string; daysPerYear: number | null } | null> {
  const [support, scheme] = await Promise.all([SchoolSupport.findOne({ school: schoolId }, { current: 1 }).lean(), currentScheme()]);
  const current = support?.current;
  if (!current) return null;
  return { levelLabel: `${current.level} ${current.levelLabel}`, daysPerYear: findLevel(scheme, current.level)?.entitlementDays ?? null };
}
