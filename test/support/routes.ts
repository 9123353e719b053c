import type { Express } from 'express';

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[]; router?: { stack?: Layer[] } } };

/** Every route the app serves, as "METHOD /path/:param", read from Express's own router. */
export function listRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const routePaths = ([] as string[]).concat(layer.route.path);
        return Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .flatMap((method) => routePaths.map((routePath) => `${method.toUpperCase()} ${routePath}`));
      }
      const router = layer.handle?.router ?? layer.handle; // a feature's router behind its gate (web/enter-by-first-segment.ts)
      return router?.stack ? walk(router.stack) : [];
    });
  return [...new Set(walk((app as unknown as { router: { stack: Layer[] } }).router.stack))].sort();
}
