import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type SourcePatch = { file: string; find: string; replace: string; why: string };

/** Fixes to FerretDB v1.24.2's own source, applied to a copy of it when we build the embedded database. */
export const FERRETDB_PATCHES: readonly SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
    why:
      'Lookups by _id wrote the JSON path as ->\'$._id\' while the _id index is built on ->"_id"; SQLite only uses an ' +
      'expression index for the same expression, so every find, update and delete by _id scanned the whole table.',
  },
];

/**
 * Copies FerretDB's module, applies the patches, and writes a go.mod (ours plus a replace directive)
 * for `go build -modfile` to build against the copy; go refuses overlays inside the module cache.
 * Refuses if a file no longer contains the text a patch expects, rather than building unpatched.
 */
export function writePatchedModule(
  moduleDir: string,
  ourModuleDir: string,
  patches: readonly SourcePatch[] = FERRETDB_PATCHES,
): { workDir: string; modFile: string } {
  const workDir = mkdtempSync(path.join(tmpdir(), 'ferretdb-patched-'));
  try {
    return { workDir, modFile: writeInto(workDir, moduleDir, ourModuleDir, patches) };
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

function writeInto(workDir: string, moduleDir: string, ourModuleDir: string, patches: readonly SourcePatch[]): string {
  const copy = path.join(workDir, 'FerretDB');
  // Read and write rather than copy, so the copy is writable (the module cache is read-only).
  for (const entry of readdirSync(moduleDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(copy, path.relative(moduleDir, from));
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, readFileSync(from));
  }
  for (const patch of patches) {
    const file = path.join(copy, patch.file);
    const source = readFileSync(file, 'utf8');
    if (!source.includes(patch.find)) throw new Error(`FerretDB patch no longer applies: ${patch.file} has no "${patch.find}"`);
    writeFileSync(file, source.replace(patch.find, patch.replace));
  }
  const modFile = path.join(workDir, 'go.mod');
  writeFileSync(modFile, `${readFileSync(path.join(ourModuleDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  writeFileSync(path.join(workDir, 'go.sum'), readFileSync(path.join(ourModuleDir, 'go.sum')));
  return modFile;
}
