import type { RequestHandler } from 'express';
import { ROLE_LABELS, navigationFor } from './identity';
import { paths } from '../paths';
import type { AssetUrls } from './assets';
import { takeNotification } from './flash';

const printDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

/** Locals every page needs, set first so even an error page rendered before the session works. */
export function setUpPageLocals(options: { serviceName: string; organisationName: string; assets: AssetUrls }): RequestHandler {
  return (_req, res, next) => {
    res.locals.serviceName = options.serviceName;
    res.locals.organisationName = options.organisationName;
    res.locals.paths = paths;
    res.locals.assets = options.assets;
    res.locals.printedOn = printDate.format(new Date());
    res.locals.currentUser = null;
    res.locals.navigation = [];
    res.locals.actingFor = null;
    res.locals.notification = null;
    next();
  };
}

/** The signed-in user, their role's navigation and any one-off notification. */
export const setUpUserLocals: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (user) {
    res.locals.currentUser = { name: user.name, email: user.email, role: user.role, roleLabel: ROLE_LABELS[user.role] };
    res.locals.navigation = navigationFor(user.role).map((item) => ({ ...item, current: isCurrent(item.href, req.path) }));
  }
  if (req.method === 'GET') res.locals.notification = takeNotification(req);
  next();
};

function isCurrent(href: string, path: string): boolean {
  return path === href || path.startsWith(`${href}/`);
}
