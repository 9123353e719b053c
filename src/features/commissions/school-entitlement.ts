/**
 * The ONE link to schools' support levels (feature/schools): the school's level and the LA-funded days a
 * year it carries. On this branch no school has a level recorded, so there is no entitlement and every
 * LA-funded request needs Traded Services' approval. The lead connects this to the support levels at merge.
 */
export async function entitlementForSchool(schoolId: string): Promise<{ levelLabel: string; daysPerYear: number | null } | null> {
  void schoolId;
  return null;
}
