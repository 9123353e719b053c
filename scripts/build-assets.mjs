#!/usr/bin/env node
// Builds everything under public/ from assets/ and node_modules:
//   assets/scss/application.scss        -> public/stylesheets/application.css
//   assets/scss/print.scss              -> public/stylesheets/print.css
//   govuk-frontend.min.js(.map)         -> public/javascripts/
//   assets/javascripts/*.js             -> public/javascripts/
//   assets/images/*                     -> public/images/
// public/ is entirely generated. Exits non-zero on any error.
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const rel = (p) => path.relative(root, p);

const assetsDir = path.join(root, 'assets');
const publicDir = path.join(root, 'public');
const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');

function formatSize(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

async function report(file) {
  const { size } = await stat(file);
  console.log(`${rel(file).padEnd(48)} ${formatSize(size).padStart(9)}`);
}

async function compileScss(source, target) {
  const result = sass.compile(source, {
    importers: [new sass.NodePackageImporter()],
    style: 'compressed',
    quietDeps: true,
  });
  if (/GDS Transport|\.woff2?\b|@font-face/i.test(result.css)) {
    throw new Error(`${rel(target)} contains GDS Transport / web-font references`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, result.css);
  await report(target);
}

async function copy(source, target) {
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(source, target);
  await report(target);
}

async function copyDir(sourceDir, targetDir, filter = () => true) {
  const entries = await readdir(sourceDir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.') || !filter(entry.name)) continue;
    await copy(path.join(sourceDir, entry.name), path.join(targetDir, entry.name));
  }
}

async function main() {
  const started = Date.now();

  await compileScss(
    path.join(assetsDir, 'scss', 'application.scss'),
    path.join(publicDir, 'stylesheets', 'application.css'),
  );
  await compileScss(
    path.join(assetsDir, 'scss', 'print.scss'),
    path.join(publicDir, 'stylesheets', 'print.css'),
  );

  const jsDir = path.join(publicDir, 'javascripts');
  for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
    await copy(path.join(govukDist, name), path.join(jsDir, name));
  }
  await copyDir(path.join(assetsDir, 'javascripts'), jsDir, (name) => name.endsWith('.js'));

  await copyDir(path.join(assetsDir, 'images'), path.join(publicDir, 'images'));

  console.log(`Built assets in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(`build-assets failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
