/** Every URL the app serves or links to, so views and redirects never hard-code a path. */
export const paths = {
  root: '/',
  health: '/healthz',
  signIn: '/sign-in',
  signOut: '/sign-out',
  changePassword: '/account/password',
  dashboards: {
    sip: '/sip',
    school: '/school',
    provider: '/provider',
    traded_services: '/traded-services',
  },
  admin: {
    users: '/admin/users',
    newUser: '/admin/users/new',
    user: (id: string) => `/admin/users/${id}`,
    deactivateUser: (id: string) => `/admin/users/${id}/deactivate`,
    reactivateUser: (id: string) => `/admin/users/${id}/reactivate`,
  },
  assets: {
    stylesheet: '/public/stylesheets/application.css',
    printStylesheet: '/public/stylesheets/print.css',
    govukScript: '/public/javascripts/govuk-frontend.min.js',
    initScript: '/public/javascripts/init.js',
    favicon: '/public/images/favicon.svg',
  },
} as const;

export type Paths = typeof paths;
