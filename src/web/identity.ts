/**
 * Who is signed in, as every layer above web/ sees it: the session user, the roles and what each role's
 * navigation holds. The accounts feature stores users; this is only their shape, so any feature can name
 * the signed-in person without depending on accounts.
 */
import { paths } from '../paths';

export const ROLES = ['sip', 'school', 'provider', 'traded_services'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  sip: 'School Improvement Partner',
  school: 'School',
  provider: 'Provider',
  traded_services: 'Traded Services',
};

export function dashboardPathFor(role: Role): string {
  return paths.dashboards[role];
}

export type NavigationItem = { href: string; text: string };

/** The service navigation each role sees; a page not listed here for a role is refused to it. */
export function navigationFor(role: Role): NavigationItem[] {
  const home = { href: dashboardPathFor(role), text: 'Home' };
  const findSupport = { href: paths.directory.search, text: 'Find support' };
  const shortlists = { href: paths.shortlists.index, text: 'Shortlists' };
  const commissions = { href: paths.commissions.list, text: 'Commissions' };
  const reports = { href: paths.reports.commissions, text: 'Reports' };
  switch (role) {
    case 'traded_services':
      return [
        home,
        findSupport,
        shortlists,
        { href: paths.listings.queue, text: 'Listings' },
        commissions,
        { href: paths.schools.list, text: 'Schools' },
        reports,
        { href: paths.admin.users, text: 'Users' },
        { href: paths.taxonomyAdmin.index, text: 'Taxonomy' },
        { href: paths.admin.outbox, text: 'Outbox' },
      ];
    case 'provider':
      return [home, findSupport, { href: paths.listings.own, text: 'Your listings' }, commissions];
    case 'sip':
      return [home, findSupport, shortlists, { href: paths.schools.yourSchools, text: 'Your schools' }, commissions, reports];
    case 'school':
      return [
        home,
        findSupport,
        shortlists,
        { href: paths.schools.yourSchool, text: 'Your school' },
        { href: paths.recommendations.inbox, text: 'Recommendations' },
        commissions,
      ];
  }
}

/** What the rest of the app knows about the signed-in person. */
export type SessionUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** Every school a school user is linked to: one, or several for someone who works across schools. Empty for other roles. */
  schoolIds: string[];
  /**
   * The school they act for on this request, which every per-school rule checks: their only school, or the one
   * they chose among several (web/acting-school.ts). Undefined for other roles, and until a user of several schools chooses.
   */
  actingSchoolId: string | undefined;
  mustChangePassword: boolean;
};

/**
 * The school a school user acts for: the one they chose, while they are still linked to it; otherwise their
 * only school; otherwise none (they must choose among several, or are linked to none).
 */
export function actingSchoolFor(linked: readonly string[], chosen: string | undefined): string | undefined {
  if (chosen !== undefined && linked.includes(chosen)) return chosen;
  return linked.length === 1 ? linked[0] : undefined;
}

/** A school user may act for the schools they are linked to now, and no other. */
export function canActForSchool(user: SessionUser, schoolId: string): boolean {
  return user.role === 'school' && user.schoolIds.includes(schoolId);
}

/** Someone linked to several schools who has not said which one they are acting for: every page waits for that. */
export function mustChooseActingSchool(user: SessionUser): boolean {
  return user.role === 'school' && user.schoolIds.length > 1 && user.actingSchoolId === undefined;
}

/** Only Traded Services manage users (and read what concerns them: security events, the Outbox). */
export function canManageUsers(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** Where a request came from, as recorded with security events. */
export type RequestContext = { ip: string; userAgent: string };
