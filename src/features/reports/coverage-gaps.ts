import type { Types } from 'mongoose';
import type { DirectoryService } from '../directory/directory.service';
import { priorityNeedsOfSchools } from '../plans/plan-reads';
import { currentSupportLevels } from '../schools/school-reads';
import { currentScheme } from '../schools/support-scheme.service';
import { activeTerms } from '../taxonomy/taxonomy.service';

export type CoverageGap = { need: string; category: string; schools: number };

/**
 * Needs of the priorities of schools (this year's support plan, or what was recorded before plans) at the scheme's support levels (those carrying LA-funded days: 2 and 3
 * in South Gloucestershire, 3a, 3b, 4 and the temporarily vulnerable levels in Derby) in an area of
 * support where no listed provider has days available. Most-affected first.
 */
export async function coverageGaps(options: { schoolScope?: Types.ObjectId[]; directory: Pick<DirectoryService, 'listedProviders'> }): Promise<CoverageGap[]> {
  // Everything that does not depend on which schools are in scope, read side by side.
  const [scheme, supports, needs, categories, listings] = await Promise.all([
    currentScheme(),
    currentSupportLevels(),
    activeTerms('need'),
    activeTerms('category'),
    // From the directory index in memory: reading every published listing takes seconds on FerretDB.
    options.directory.listedProviders(),
  ]);
  const supportLevels = new Set((scheme?.levels ?? []).filter((level) => (level.entitlementDays ?? 0) > 0).map((level) => level.code));
  if (supportLevels.size === 0) return [];

  const scope = options.schoolScope ? new Set(options.schoolScope.map(String)) : undefined;
  const schoolIds = supports
    .filter((support) => support.current && supportLevels.has(support.current.level))
    .map((support) => support.school)
    .filter((id) => !scope || scope.has(id.toString()));
  if (schoolIds.length === 0) return [];

  const needsOfSchool = await priorityNeedsOfSchools(schoolIds);
  const covered = new Set(
    listings.filter((listing) => (listing.capacity?.days ?? 0) > 0).flatMap((listing) => listing.expertise),
  );
  const categoryLabels = new Map(categories.map((term) => [term.slug, term.label]));
  const needsBySlug = new Map(needs.map((need) => [need.slug, need]));

  const schoolsPerGap = new Map<string, { need: string; category: string; schools: Set<string> }>();
  for (const [school, slugs] of needsOfSchool) {
    for (const slug of slugs) {
      const need = needsBySlug.get(slug);
      for (const category of need?.categories ?? []) {
        if (covered.has(category)) continue;
        const key = `${slug}|${category}`;
        const gap = schoolsPerGap.get(key) ?? { need: need!.label, category: categoryLabels.get(category) ?? category, schools: new Set<string>() };
        gap.schools.add(school);
        schoolsPerGap.set(key, gap);
      }
    }
  }
  return [...schoolsPerGap.values()]
    .map((gap) => ({ need: gap.need, category: gap.category, schools: gap.schools.size }))
    .sort((a, b) => b.schools - a.schools || a.need.localeCompare(b.need));
}
