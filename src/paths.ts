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
  help: '/help',
  listings: {
    show: (id: string) => `/listings/${id}`,
  },
  directory: {
    search: '/directory',
    export: '/directory/export.csv',
    print: '/directory/print',
    suggest: '/directory/suggest',
    addToShortlist: (listingId: string) => `/directory/providers/${listingId}/shortlist`,
  },
  shortlists: {
    index: '/shortlists',
    new: '/shortlists/new',
    show: (id: string) => `/shortlists/${id}`,
    print: (id: string) => `/shortlists/${id}/print`,
    export: (id: string) => `/shortlists/${id}/export.csv`,
    entryNote: (id: string, listingId: string) => `/shortlists/${id}/entries/${listingId}/note`,
    removeEntry: (id: string, listingId: string) => `/shortlists/${id}/entries/${listingId}/remove`,
  },
  openData: {
    directory: '/open-data/directory.json',
  },
  taxonomyAdmin: {
    index: '/admin/taxonomy',
    list: (kind: string) => `/admin/taxonomy/${kind}`,
    term: (kind: string, slug: string) => `/admin/taxonomy/${kind}/${slug}`,
    merge: (kind: string, slug: string) => `/admin/taxonomy/${kind}/${slug}/merge`,
    retire: (kind: string, slug: string) => `/admin/taxonomy/${kind}/${slug}/retire`,
    reinstate: (kind: string, slug: string) => `/admin/taxonomy/${kind}/${slug}/reinstate`,
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
