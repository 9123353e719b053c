import multer from 'multer';

/** Browsers send file names as UTF-8; multer would read them as Latin-1 by default (Zoë.pdf → ZoÃ«.pdf). */
export const UTF8_FILE_NAMES = { defParamCharset: 'utf8' } as const;

/**
 * Whether an error from multer is the sender's doing: a limit the upload broke, or a body that could not
 * be read as multipart (busboy's plain errors, such as "Malformed part header"). Storage failures carry
 * a system error code (ENOSPC) and stay server errors.
 */
export function isUploadRefusal(error: unknown): boolean {
  return error instanceof multer.MulterError || (error instanceof Error && (error as NodeJS.ErrnoException).code === undefined);
}
