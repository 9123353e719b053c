import { unlink } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';

/**
 * The one way this app reads a multipart body. Each upload route says how many fields and files its
 * form has; everything else is bounded here, so no route can forget a limit:
 * - a field name may hold one bracket (`a[b]`, which the zod schemas refuse) but no deeper path, and an
 *   array index no larger than the form's field count: multer's append-field would otherwise build a
 *   sparse array as long as `z[100000000]` says, and anything that walks the body walks all of it;
 * - parts, header pairs, names and values are capped;
 * - file names are read as UTF-8 (browsers send them so; multer's Latin-1 default gives ZoÃ«.pdf).
 * Mount it after the route's sign-in and role check, so nobody unidentified makes the app read a body.
 */
export type MultipartLimits = { fields: number; files: number; fileBytes: number; fieldBytes?: number };

const FIELD_NAME_BYTES = 100;
const HEADER_PAIRS = 20;

export function boundedMultipart(limits: MultipartLimits, storage: multer.StorageEngine | { dest: string }): multer.Multer {
  return multer({
    defParamCharset: 'utf8',
    ...('dest' in storage ? { dest: storage.dest } : { storage }),
    limits: {
      fields: limits.fields,
      files: limits.files,
      parts: limits.fields + limits.files,
      fileSize: limits.fileBytes,
      fieldSize: limits.fieldBytes ?? 64 * 1024,
      fieldNameSize: FIELD_NAME_BYTES,
      headerPairs: HEADER_PAIRS,
      fieldNestingDepth: 1,
      fieldArrayIndexLimit: limits.fields,
    },
  });
}

/**
 * Whether an error from multer is the sender's doing: a limit the upload broke, or a body that could not
 * be read as multipart (busboy's plain errors, such as "Malformed part header" or "Unexpected end of
 * form"). Storage failures carry a system error code (ENOSPC) and stay server errors.
 */
export function isUploadRefusal(error: unknown): boolean {
  return error instanceof multer.MulterError || (error instanceof Error && (error as NodeJS.ErrnoException).code === undefined);
}

const TOO_LARGE = ['LIMIT_FILE_SIZE', 'LIMIT_FIELD_VALUE'];

/** The status a refused upload answers: 413 (the "too large" page) when a file or a field was too large, otherwise 400. */
export function refusalStatus(error: unknown): 400 | 413 {
  return error instanceof multer.MulterError && TOO_LARGE.includes(error.code) ? 413 : 400;
}

const HANDED_OVER = Symbol('upload handed over');
type DiskFile = Express.Multer.File & { [HANDED_OVER]?: true };

/**
 * For uploads stored on disk: once the response is over, removes every file multer wrote unless the
 * route took it over with takeUploadedFile. Refusals of every kind (a wrong CSRF token, a bad field, a
 * thrown error) therefore leave nothing behind in the temporary folder.
 */
export const removeUnclaimedUploads: RequestHandler = (req, res, next) => {
  res.once('close', () => {
    for (const file of uploadedFiles(req)) {
      if (file.path && !(file as DiskFile)[HANDED_OVER]) unlink(file.path).catch(() => undefined);
    }
  });
  next();
};

/** The route keeps this file (and becomes responsible for removing it). */
export function takeUploadedFile(file: Express.Multer.File): Express.Multer.File {
  (file as DiskFile)[HANDED_OVER] = true;
  return file;
}

function uploadedFiles(req: Request): Express.Multer.File[] {
  if (req.file) return [req.file];
  if (Array.isArray(req.files)) return req.files;
  return Object.values(req.files ?? {}).flat();
}
