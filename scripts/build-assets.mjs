#!/usr/bin/env node
// Builds everything under public/ from assets/ and node_modules:
//   assets/scss/application.scss        -> public/stylesheets/application.css
//   assets/scss/print.scss              -> public/stylesheets/print.css
//   govuk-frontend.min.js(.map)         -> public/javascripts/
//   assets/javascripts/*.js             -> public/javascripts/
//   assets/images/*                     -> public/images/
// then gives each file a copy named by its content (application.css -> application.<hash>.css) and
// writes public/assets-manifest.json (name -> hashed name), which src/web/assets.ts reads so pages link
// the hashed copies, served with immutable caching: a changed file gets a new name.
// public/ is entirely generated. Exits non-zero on any error.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
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

const HASHED = /\.[0-9a-f]{10}\.(css|js|svg)$/;

/** Writes public/<dir>/<stem>.<hash>.<ext> beside public/<name>, after removing the copies of earlier builds. */
async function fingerprint(name, content) {
  const file = path.join(publicDir, name);
  const { dir, name: stem, ext } = path.parse(file);
  for (const entry of await readdir(dir)) {
    if (HASHED.test(entry) && entry.slice(0, -(ext.length + 11)) === stem) await rm(path.join(dir, entry));
  }
  const hashed = `${stem}.${createHash('sha256').update(content).digest('hex').slice(0, 10)}${ext}`;
  await writeFile(path.join(dir, hashed), content);
  return path.posix.join(path.posix.dirname(name), hashed);
}

/** init.js imports GOV.UK Frontend by a relative name, which must become the hashed one. */
async function fingerprintAll() {
  const manifest = {};
  for (const name of ['stylesheets/application.css', 'stylesheets/print.css', 'javascripts/govuk-frontend.min.js', 'images/favicon.svg']) {
    manifest[name] = await fingerprint(name, await readFile(path.join(publicDir, name)));
  }
  const init = await readFile(path.join(publicDir, 'javascripts', 'init.js'), 'utf8');
  const imported = `'./${path.posix.basename(manifest['javascripts/govuk-frontend.min.js'])}'`;
  if (!init.includes("'./govuk-frontend.min.js'")) throw new Error('init.js no longer imports ./govuk-frontend.min.js');
  manifest['javascripts/init.js'] = await fingerprint('javascripts/init.js', init.replace("'./govuk-frontend.min.js'", imported));
  await writeFile(path.join(publicDir, 'assets-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const hashed of Object.values(manifest)) await report(path.join(publicDir, hashed));
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
  await fingerprintAll();

  console.log(`Built assets in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(`build-assets failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
