import { paths } from '../../paths';

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
  const commissions = { href: paths.commissions.list, text: 'Commissions' };
  switch (role) {
    case 'traded_services':
      return [home, commissions, { href: paths.reports.commissions, text: 'Reports' }, { href: paths.admin.users, text: 'Users' }];
    case 'sip':
      return [home, commissions, { href: paths.reports.commissions, text: 'Reports' }];
    default:
      return [home, commissions];
  }
}
