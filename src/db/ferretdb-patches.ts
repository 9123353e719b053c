import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import { projectRoot } from '../lib/project-root';

/** Unified diffs against FerretDB v1.24.2's source, each explaining itself above its first line. */
export const FERRETDB_PATCH_DIR = path.join(projectRoot, 'tools', 'ferretdb', 'patches');

export type SourcePatch = { name: string; text: string };

export function ferretdbPatches(dir = FERRETDB_PATCH_DIR): SourcePatch[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * Copies FerretDB's module, applies the patches, and writes a go.mod (ours plus a replace directive)
 * for `go build -modfile` to build against the copy; go refuses overlays inside the module cache.
 * Refuses if a patch no longer applies, rather than building unpatched.
 */
export function writePatchedModule(
  moduleDir: string,
  ourModuleDir: string,
  patches: readonly SourcePatch[] = ferretdbPatches(),
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
    for (const filePatch of parsePatch(patch.text)) {
      const file = path.join(copy, (filePatch.newFileName ?? '').replace(/^b\//, ''));
      const patched = applyPatch(readFileSync(file, 'utf8'), filePatch);
      if (patched === false) throw new Error(`FerretDB patch ${patch.name} no longer applies to ${filePatch.newFileName}`);
      writeFileSync(file, patched);
    }
  }
  const modFile = path.join(workDir, 'go.mod');
  writeFileSync(modFile, `${readFileSync(path.join(ourModuleDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  writeFileSync(path.join(workDir, 'go.sum'), readFileSync(path.join(ourModuleDir, 'go.sum')));
  return modFile;
}
