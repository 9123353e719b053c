import type { Express } from 'express';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

useTestDatabase();

type AppLayer = { handle: { segments?: ReadonlySet<string> | null } };

/** The app's feature routers are each entered only by the paths they serve (web/enter-by-first-segment.ts). */
describe('the feature routers of the app', () => {
  it('each serve paths under first segments of their own, so no request tries every router', () => {
    const app: Express = buildTestApp();
    const gates = ((app as unknown as { router: { stack: AppLayer[] } }).router.stack).filter((layer) => 'segments' in layer.handle);
    expect(gates.length).toBeGreaterThanOrEqual(26);
    expect(gates.filter((layer) => layer.handle.segments === null)).toEqual([]);
    // The most visited pages' segments are each served by few routers.
    const routersServing = (segment: string) => gates.filter((layer) => layer.handle.segments!.has(segment)).length;
    for (const segment of ['directory', 'listings', 'commissions', 'help']) expect(routersServing(segment)).toBeGreaterThanOrEqual(1);
    expect(routersServing('listings')).toBeLessThan(gates.length / 2);
  });
});
