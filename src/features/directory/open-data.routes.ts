import { Router } from 'express';
import { paths } from '../../paths';
import type { DirectoryService } from './directory.service';
import { toHsdsPage } from './open-data';

/** Public, read-only and cacheable: other LAs and tools read the published directory without signing in. */
export function openDataRoutes(directory: DirectoryService, publisher: { laName: string; serviceName: string }): Router {
  const router = Router();
  router.get(paths.openData.directory, async (_req, res) => {
    const { documents, taxonomy } = await directory.listedDocuments();
    res
      .set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' })
      .json(toHsdsPage(documents, taxonomy, publisher));
  });
  return router;
}
