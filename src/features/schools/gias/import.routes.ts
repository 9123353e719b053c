import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { paths } from '../../../paths';
import { requireRole } from '../../../web/authentication';
import { fieldErrors, valuesToRedisplay, type FormErrors } from '../../../web/form-errors';
import { boundedMultipart, isUploadRefusal, refusalStatus, removeUnclaimedUploads, takeUploadedFile } from '../../../web/uploads';
import { importJob, recentImportJobs, startImportJob } from './import-jobs.service';

/** How often the progress page reloads itself while an import runs. */
const REFRESH_SECONDS = 2;

const laCodesSchema = z
  .string()
  .optional()
  .default('')
  .transform((text) => text.split(/[\s,]+/).filter(Boolean))
  .refine((codes) => codes.every((code) => /^\d{3}$/.test(code)), 'Enter local authority codes of three digits, separated by commas, like 803, 878');

/**
 * Parses the upload to a temporary file. It runs before the CSRF check (which needs the form's
 * `_csrf` field, only readable once multer has parsed the body), and only for Traded Services. The file
 * is removed once the response is over unless an import took it (a refusal of any kind leaves nothing).
 */
export function giasUploadParser(maxBytes: number, tempDir: string): RequestHandler[] {
  const upload = boundedMultipart({ fields: 5, files: 1, fileBytes: maxBytes }, { dest: tempDir }).single('file');
  const parse: RequestHandler = (req, res, next) =>
    upload(req, res, (error: unknown) => next(error && isUploadRefusal(error) ? Object.assign(error as Error, { status: refusalStatus(error) }) : error));
  return [requireRole('traded_services'), removeUnclaimedUploads, parse];
}

/** The GIAS upload page, and a progress page that works without JavaScript by reloading itself. */
export function giasImportRoutes(): Router {
  const router = Router();
  router.use(paths.schools.import, requireRole('traded_services'));

  router.get(paths.schools.import, async (req, res) => renderUpload(req, res));

  router.post(paths.schools.import, async (req, res) => {
    const laCodes = laCodesSchema.safeParse(req.body?.laCodes);
    const errors: Record<string, string> = {};
    if (!req.file || req.file.size === 0) errors.file = req.file ? 'The selected file is empty' : 'Select a GIAS establishment file (CSV)';
    if (!laCodes.success) errors.laCodes = laCodes.error.issues[0]!.message;
    if (Object.keys(errors).length > 0 || !req.file || !laCodes.success) {
      return renderUpload(req, res, fieldErrors(errors, ['file', 'laCodes']));
    }
    const job = await startImportJob(req.user!, { path: req.file.path, originalName: req.file.originalname, size: req.file.size }, laCodes.data);
    takeUploadedFile(req.file); // the import job removes it when it ends
    job.finished.catch((error: unknown) => req.log.error({ err: error, job: job.id }, 'GIAS import failed'));
    res.redirect(paths.schools.importJob(job.id));
  });

  router.get(paths.schools.importJob(':id'), async (req: Request<{ id: string }>, res) => {
    const job = await importJob(req.user!, req.params.id);
    res.render('schools/import-job', {
      pageTitle: job.state === 'running' ? 'Importing schools' : 'Import report',
      job,
      refreshSeconds: job.state === 'running' ? REFRESH_SECONDS : undefined,
      backLink: paths.schools.import,
    });
  });

  return router;
}

async function renderUpload(req: Request, res: Response, errors?: FormErrors): Promise<void> {
  res.status(errors ? 400 : 200).render('schools/import', {
    pageTitle: 'Import schools from GIAS',
    errors,
    values: valuesToRedisplay(req.body),
    jobs: await recentImportJobs(req.user!),
    backLink: paths.schools.list,
  });
}
