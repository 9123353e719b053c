import type { RequestHandler } from 'express';
import multer from 'multer';
import sharp from 'sharp';
import { safeFilename } from '../../lib/filenames';
import { boundedMultipart, isUploadRefusal } from '../../web/uploads';
import { detectContentType, type AcceptedContentType } from './file-content';

export const MAX_EVIDENCE_DOCUMENTS = 5;
const PHOTO_MAX_PIXELS = 800;

export type UploadLimits = { maxPhotoBytes: number; maxDocumentBytes: number };
export type IncomingFile = { originalname: string; size: number; buffer: Buffer };
export type PreparedFile = { filename: string; contentType: AcceptedContentType; data: Buffer };
export type PreparedUploads = { photo?: PreparedFile; evidence: PreparedFile[]; problems: Record<string, string> };

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when multer stopped reading the upload (too large, too many files); the form is shown again with it. */
    uploadProblem?: { field: string; message: string };
  }
}

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

export function uploadMessages(limits: UploadLimits) {
  return {
    photoTooLarge: `The photo must be smaller than ${megabytes(limits.maxPhotoBytes)}`,
    documentTooLarge: `Each evidence document must be smaller than ${megabytes(limits.maxDocumentBytes)}`,
    empty: (what: string) => `The selected ${what} is empty`,
    photoType: 'The photo must be a JPEG, PNG or WebP image',
    documentType: 'Evidence documents must be PDF files',
    tooMany: `You can add up to ${MAX_EVIDENCE_DOCUMENTS} evidence documents`,
  };
}

/**
 * multer for the pen portrait form, before the CSRF check (the token is in the multipart body). The
 * file inputs come last on the form, so when multer stops at a limit every typed field is already in
 * req.body: the route shows the form again with a message beside the file field, not an error page.
 */
export function parseListingUploads(limits: UploadLimits): RequestHandler {
  const messages = uploadMessages(limits);
  const upload = boundedMultipart(
    { fields: 200, files: MAX_EVIDENCE_DOCUMENTS + 1, fileBytes: Math.max(limits.maxPhotoBytes, limits.maxDocumentBytes) },
    multer.memoryStorage(),
  ).fields([
    { name: 'photo', maxCount: 1 },
    { name: 'evidence', maxCount: MAX_EVIDENCE_DOCUMENTS },
  ]);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    upload(req, res, (error: unknown) => {
      if (!error) return next();
      if (!isUploadRefusal(error)) return next(error);
      const { code, field: erroneous } = error instanceof multer.MulterError ? error : { code: undefined, field: undefined };
      const field = erroneous === 'photo' ? 'photo' : 'evidence';
      const message =
        code === 'LIMIT_FILE_SIZE'
          ? field === 'photo' ? messages.photoTooLarge : messages.documentTooLarge
          : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
            ? messages.tooMany
            : 'The upload could not be read. Choose the files again';
      req.uploadProblem = { field, message };
      // A body cut off inside a file leaves that file half-read (no bytes yet): none of them is used.
      req.files = undefined;
      next();
    });
  };
}

/** The files multer read whole for this request, by field. */
export function filesFrom(files: unknown): { photo: IncomingFile[]; evidence: IncomingFile[] } {
  const byField = (files ?? {}) as Record<string, IncomingFile[] | undefined>;
  const whole = (field: IncomingFile[] | undefined) => (field ?? []).filter((file) => Buffer.isBuffer(file.buffer));
  return { photo: whole(byField.photo), evidence: whole(byField.evidence) };
}

/**
 * Checks each file by its content and size, and re-encodes the photo: resized to fit 800 px and
 * stripped of metadata (sharp drops EXIF, including GPS, unless asked to keep it).
 */
export async function prepareUploads(
  files: { photo: IncomingFile[]; evidence: IncomingFile[] },
  limits: UploadLimits,
  evidenceAlreadyHeld: number,
): Promise<PreparedUploads> {
  const messages = uploadMessages(limits);
  const result: PreparedUploads = { evidence: [], problems: {} };
  const photo = files.photo[0];
  if (photo) {
    const problem = photoProblem(photo, limits, messages);
    if (problem) result.problems.photo = problem;
    else {
      const prepared = await reencodePhoto(photo);
      if (prepared) result.photo = prepared;
      else result.problems.photo = messages.photoType;
    }
  }
  if (evidenceAlreadyHeld + files.evidence.length > MAX_EVIDENCE_DOCUMENTS) {
    result.problems.evidence = messages.tooMany;
    return result;
  }
  for (const document of files.evidence) {
    if (document.size === 0) result.problems.evidence = messages.empty('document');
    else if (document.size > limits.maxDocumentBytes) result.problems.evidence = messages.documentTooLarge;
    else if (detectContentType(document.buffer) !== 'application/pdf') result.problems.evidence = messages.documentType;
    else result.evidence.push({ filename: safeFilename(document.originalname, 'evidence.pdf'), contentType: 'application/pdf', data: document.buffer });
    if (result.problems.evidence) break;
  }
  return result;
}

function photoProblem(photo: IncomingFile, limits: UploadLimits, messages: ReturnType<typeof uploadMessages>): string | undefined {
  if (photo.size === 0) return messages.empty('photo');
  if (photo.size > limits.maxPhotoBytes) return messages.photoTooLarge;
  const type = detectContentType(photo.buffer);
  if (!type || type === 'application/pdf') return messages.photoType;
  return undefined;
}

async function reencodePhoto(photo: IncomingFile): Promise<PreparedFile | undefined> {
  const type = detectContentType(photo.buffer) as 'image/jpeg' | 'image/png' | 'image/webp';
  try {
    const pipeline = sharp(photo.buffer, { limitInputPixels: 50_000_000 })
      .rotate()
      .resize(PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS, { fit: 'inside', withoutEnlargement: true });
    const data = await (type === 'image/png' ? pipeline.png() : type === 'image/webp' ? pipeline.webp() : pipeline.jpeg({ quality: 85 })).toBuffer();
    const extension = type.split('/')[1]!;
    return { filename: safeFilename(photo.originalname, `photo.${extension}`), contentType: type, data };
  } catch {
    // Right magic bytes but not a decodable image: treated like any other wrong file.
    return undefined;
  }
}
