import path from 'node:path';

const MAX_LENGTH = 150;

/** Whether the name already ends in this extension (".jpg" counts as ".jpeg"). */
const hasExtension = (name: string, extension: string) => (extension === '.jpeg' ? /\.jpe?g$/i : new RegExp(`\\${extension}$`, 'i')).test(name);

/**
 * An uploaded file's name made safe to store, show and send in Content-Disposition: no folders, no
 * control, format (right-to-left override) or quote characters, no leading dots, at most 150
 * characters, and ending in the fallback's extension, which is what the content was found to be (so
 * "report.pdf.exe" or a right-to-left "‮fdp.exe" cannot pose as something else). Letters of any
 * script are kept. The fallback is used when nothing is left.
 */
export function safeFilename(original: string, fallback: string): string {
  const extension = path.extname(fallback).toLowerCase();
  const base = original.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} .()_-]/gu, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[. ]+/, '')
    .trim();
  if (!cleaned || /^[_. ]+$/.test(cleaned)) return fallback;
  const named = hasExtension(cleaned, extension) ? cleaned : `${cleaned}${extension}`;
  return named.length > MAX_LENGTH ? `${named.slice(0, MAX_LENGTH - extension.length)}${extension}` : named;
}
