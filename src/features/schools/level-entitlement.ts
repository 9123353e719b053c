/** What a support level promises a school, in days of LA-funded support and visits from the LA's officer. */
export type LevelEntitlement = {
  entitlementDays?: number | null;
  visitsPerYear?: number | null;
  visitsWithoutPackage?: number | null;
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The promise in words, one phrase per kind ("Up to 10 days of LA-funded support a year"); empty when none is set. */
export function entitlementPhrases(level: LevelEntitlement): string[] {
  const phrases: string[] = [];
  if (level.entitlementDays != null) phrases.push(`Up to ${plural(level.entitlementDays, 'day', 'days')} of LA-funded support a year`);
  if (level.visitsPerYear != null) {
    const withoutPackage = level.visitsWithoutPackage != null ? ` (${level.visitsWithoutPackage} for schools not buying the package)` : '';
    phrases.push(`${plural(level.visitsPerYear, 'visit', 'visits')} a year from the LA’s officer${withoutPackage}`);
  }
  return phrases;
}
