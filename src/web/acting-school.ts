import type { Request, RequestHandler } from 'express';
import { paths } from '../paths';
import { actingSchoolFor, mustChooseActingSchool } from './identity';

declare module 'express-session' {
  interface SessionData {
    /** The school a user of several schools chose to act for; checked against their links on every request. */
    actingSchoolId?: string;
  }
}

/** What the header shows someone linked to several schools: who they act for, and where to change it. */
export type ActingFor = { name: string; changeHref: string; changeAndReturnHref: string | undefined };

/** How the acting school's name is found: the schools feature's, passed in by createApp. */
export type SchoolNames = { schoolNameOf(id: string): Promise<string | undefined> };

/** The page where a user of several schools chooses, returning afterwards to `returnTo` (a local path). */
export function actingForPath(returnTo?: string): string {
  return returnTo ? `${paths.actingFor}?${new URLSearchParams({ returnTo }).toString()}` : paths.actingFor;
}

export function chooseActingSchool(req: Request, schoolId: string): void {
  req.session.actingSchoolId = schoolId;
}

/**
 * Decides, once per request, which school the signed-in school user acts for (req.user.actingSchoolId):
 * the school chosen in this session if they are still linked to it (the links were read afresh with the
 * user), otherwise their only school. A choice no longer linked is forgotten. For someone of several schools,
 * the header's "Acting for … Change" comes from here.
 */
export function resolveActingSchool(schools: SchoolNames): RequestHandler {
  return async (req, res, next) => {
    const user = req.user;
    if (!user || user.role !== 'school') return next();
    const chosen = req.session.actingSchoolId;
    user.actingSchoolId = actingSchoolFor(user.schoolIds, chosen);
    if (chosen !== undefined && chosen !== user.actingSchoolId) delete req.session.actingSchoolId;
    if (user.schoolIds.length > 1 && user.actingSchoolId) {
      const name = (await schools.schoolNameOf(user.actingSchoolId)) ?? 'an unknown school';
      const acting: ActingFor = { name, changeHref: paths.actingFor, changeAndReturnHref: req.method === 'GET' ? actingForPath(req.originalUrl) : undefined };
      res.locals.actingFor = acting;
    }
    next();
  };
}

const HOME_PAGES: readonly string[] = [paths.root, paths.dashboards.school];
/** Pages about the person or the service, not a school: open before choosing. */
const ALLOWED_BEFORE_CHOOSING: readonly string[] = [
  paths.actingFor,
  paths.signOut,
  paths.changePassword,
  paths.account,
  paths.yourData,
  paths.help,
  paths.accessibility,
  paths.privacyNotice,
  paths.cookies,
];

/** Someone of several schools who has not chosen (just signed in, or their school was unlinked) chooses first. */
export const requireActingSchoolChoice: RequestHandler = (req, res, next) => {
  if (!req.user || !mustChooseActingSchool(req.user) || ALLOWED_BEFORE_CHOOSING.includes(req.path)) return next();
  const returnTo = req.method === 'GET' && !HOME_PAGES.includes(req.path) ? req.originalUrl : undefined;
  res.redirect(303, actingForPath(returnTo));
};
