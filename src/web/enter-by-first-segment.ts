import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

type StackLayer = { rawPath?: unknown; slash?: boolean };

/** The first segment of a path as routing compares it: `/Directory/suggest` → `directory`, `/` → ``. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/**
 * The first segments every layer of a router starts with, or null when some layer could match a path
 * starting anywhere: a `use` with no path, a parameter or pattern in the first segment, a RegExp.
 */
export function firstSegmentsOf(router: Router): Set<string> | null {
  const segments = new Set<string>();
  for (const layer of router.stack as StackLayer[]) {
    for (const path of [layer.rawPath].flat(Infinity)) {
      if (typeof path !== 'string' || !path.startsWith('/')) return null;
      // `use` on `/` (express marks it `slash`) runs for every path; a route on `/` serves only the home page.
      if (path === '/' && layer.slash) return null;
      const segment = firstSegment(path);
      if (!/^[a-z0-9._~-]*$/.test(segment)) return null;
      segments.add(segment);
    }
  }
  return segments;
}

/** A router's gate, with the segments it lets in (null: every request) and the router, for tests to read. */
export type FirstSegmentGate = RequestHandler & { readonly segments: ReadonlySet<string> | null; readonly router: Router };

/**
 * A feature's router, entered only by requests whose path starts with a segment one of its routes or
 * middleware starts with; any other request goes straight on. Express otherwise tries every layer of every
 * feature's router in turn (a few hundred patterns) before reaching the one that answers. Read from the router
 * as it is now, with its routes on it; a router with any layer that could match elsewhere is always entered.
 */
export function enterByFirstSegment(router: Router): FirstSegmentGate {
  const segments = firstSegmentsOf(router);
  const gate = (req: Request, res: Response, next: NextFunction) => {
    if (segments === null || segments.has(firstSegment(req.path))) return router(req, res, next);
    next();
  };
  return Object.assign(gate, { segments, router });
}
