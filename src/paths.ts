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
  commissions: {
    list: '/commissions',
    new: '/commissions/new',
    newFor: (listingId: string) => `/commissions/new?listing=${encodeURIComponent(listingId)}`,
    check: '/commissions/new/check',
    commission: (id: string) => `/commissions/${id}`,
    requested: (id: string) => `/commissions/${id}/requested`,
    action: (id: string, action: string) => `/commissions/${id}/${action.replace(/_/g, '-')}`,
    feedback: (id: string) => `/commissions/${id}/feedback`,
    evidence: (id: string) => `/commissions/${id}/feedback/evidence`,
  },
  feedbackAttention: '/feedback/attention',
  reports: {
    commissions: '/reports',
    csv: (table: string) => `/reports/${table}.csv`,
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
