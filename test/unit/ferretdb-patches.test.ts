import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FERRETDB_PATCHES, writePatchedModule } from '../../src/db/ferretdb-patches';

describe('building FerretDB with our patches', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function fakeModules(metadataSource: string): { moduleDir: string; ourDir: string } {
    const root = mkdtempSync(path.join(tmpdir(), 'patch-test-'));
    roots.push(root);
    const moduleDir = path.join(root, 'FerretDB@v1.24.2');
    const file = path.join(moduleDir, FERRETDB_PATCHES[0]!.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, metadataSource);
    writeFileSync(path.join(moduleDir, 'go.mod'), 'module github.com/FerretDB/FerretDB\n');
    const ourDir = path.join(root, 'ours');
    mkdirSync(ourDir);
    writeFileSync(path.join(ourDir, 'go.mod'), 'module school-support/tools/ferretdb\n');
    writeFileSync(path.join(ourDir, 'go.sum'), 'sums\n');
    return { moduleDir, ourDir };
  }

  it('queries _id with the same expression its index is built on', () => {
    const { moduleDir, ourDir } = fakeModules(`const (\n\tIDColumn = DefaultColumn + "->'$._id'"\n)\n`);
    const { workDir, modFile } = writePatchedModule(moduleDir, ourDir);
    roots.push(workDir);
    const patched = readFileSync(path.join(workDir, 'FerretDB', FERRETDB_PATCHES[0]!.file), 'utf8');
    expect(patched).toContain('IDColumn = DefaultColumn + `->"_id"`');
    expect(readFileSync(path.join(moduleDir, FERRETDB_PATCHES[0]!.file), 'utf8')).toContain(`"->'$._id'"`);
    expect(readFileSync(modFile, 'utf8')).toMatch(/^replace github\.com\/FerretDB\/FerretDB => .*FerretDB$/m);
    expect(readFileSync(path.join(workDir, 'go.sum'), 'utf8')).toBe('sums\n');
    expect(readFileSync(path.join(workDir, 'FerretDB', 'go.mod'), 'utf8')).toContain('module github.com/FerretDB/FerretDB');
  });

  it('refuses to build unpatched when the source no longer has the text a patch fixes', () => {
    const { moduleDir, ourDir } = fakeModules('const IDColumn = "something else"\n');
    expect(() => writePatchedModule(moduleDir, ourDir)).toThrow(/patch no longer applies/);
  });
});
