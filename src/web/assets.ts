import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { paths } from '../paths';

export type AssetUrls = { [K in keyof typeof paths.assets]: string };

const PUBLIC_PREFIX = '/public/';
const HASHED_NAME = /\.[0-9a-f]{10}\.[a-z]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The URLs pages link for `paths.assets`: the copies named by their content that `npm run build:assets`
 * lists in public/assets-manifest.json. Without a manifest (assets not built yet) the plain names.
 */
export function assetUrls(publicDir: string, logger: Logger): AssetUrls {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(path.join(publicDir, 'assets-manifest.json'), 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    logger.warn('public/assets-manifest.json is missing (run npm run build:assets): pages link assets by their plain names');
    return { ...paths.assets };
  }
  const urls = Object.entries(paths.assets).map(([key, url]) => {
    const hashed = manifest[url.slice(PUBLIC_PREFIX.length)];
    if (!hashed) throw new Error(`public/assets-manifest.json names no copy of ${url}: run npm run build:assets`);
    return [key, PUBLIC_PREFIX + hashed];
  });
  return Object.fromEntries(urls) as AssetUrls;
}

/**
 * public/ as files. A name carrying its content's hash never changes content, so browsers keep it for a
 * year without asking again; plain names (links from outside, source maps) are kept for `plainMaxAge`.
 */
export function staticFiles(publicDir: string, plainMaxAge: string | number): RequestHandler {
  return express.static(publicDir, {
    maxAge: plainMaxAge,
    setHeaders: (res, file) => {
      if (HASHED_NAME.test(file)) res.setHeader('Cache-Control', IMMUTABLE);
    },
  });
}
