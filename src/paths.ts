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
    resendInvitation: (id: string) => `/admin/users/${id}/invitation`,
    outbox: '/admin/outbox',
  },
  /** One-time links carry their token in the query string, which the request log never records. */
  setPassword: '/account/set-password',
  forgottenPassword: '/account/forgotten-password',
  schools: {
    list: '/schools',
    school: (urn: string) => `/schools/${urn}`,
    level: (urn: string) => `/schools/${urn}/level`,
    priorities: (urn: string) => `/schools/${urn}/priorities`,
    sip: (urn: string) => `/schools/${urn}/sip`,
    import: '/schools/import',
    importJob: (id: string) => `/schools/import/${id}`,
    scheme: '/schools/support-levels',
    schemeLevel: (code: string) => `/schools/support-levels/${code}`,
    yourSchool: '/your-school',
    yourSchools: '/your-schools',
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
