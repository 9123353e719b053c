import type { Express } from 'express';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route the app serves, as "METHOD /path/:param", read from Express's own router. */
export function listRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        return Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return [...new Set(walk((app as unknown as { router: { stack: Layer[] } }).router.stack))].sort();
}
