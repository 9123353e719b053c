import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ferretdbPatches, writePatchedModule } from '../../src/db/ferretdb-patches';

describe('building FerretDB with our patches', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  const metadataFile = 'internal/backends/sqlite/metadata/metadata.go';
  const patch = {
    name: 'test.patch',
    text: [
      'Why this patch exists.',
      '',
      `--- a/${metadataFile}`,
      `+++ b/${metadataFile}`,
      '@@ -1,3 +1,3 @@',
      ' const (',
      `-\tIDColumn = DefaultColumn + "->'$._id'"`,
      '+\tIDColumn = DefaultColumn + `->"_id"`',
      ' )',
      '',
    ].join('\n'),
  };

  function fakeModules(metadataSource: string): { moduleDir: string; ourDir: string } {
    const root = mkdtempSync(path.join(tmpdir(), 'patch-test-'));
    roots.push(root);
    const moduleDir = path.join(root, 'FerretDB@v1.24.2');
    mkdirSync(path.dirname(path.join(moduleDir, metadataFile)), { recursive: true });
    writeFileSync(path.join(moduleDir, metadataFile), metadataSource);
    writeFileSync(path.join(moduleDir, 'go.mod'), 'module github.com/FerretDB/FerretDB\n');
    const ourDir = path.join(root, 'ours');
    mkdirSync(ourDir);
    writeFileSync(path.join(ourDir, 'go.mod'), 'module school-support/tools/ferretdb\n');
    writeFileSync(path.join(ourDir, 'go.sum'), 'sums\n');
    return { moduleDir, ourDir };
  }

  it('patches a copy of the module and points the build at it, leaving the module cache alone', () => {
    const { moduleDir, ourDir } = fakeModules(`const (\n\tIDColumn = DefaultColumn + "->'$._id'"\n)\n`);
    const { workDir, modFile } = writePatchedModule(moduleDir, ourDir, [patch]);
    roots.push(workDir);
    expect(readFileSync(path.join(workDir, 'FerretDB', metadataFile), 'utf8')).toContain('IDColumn = DefaultColumn + `->"_id"`');
    expect(readFileSync(path.join(moduleDir, metadataFile), 'utf8')).toContain(`"->'$._id'"`);
    expect(readFileSync(modFile, 'utf8')).toMatch(/^replace github\.com\/FerretDB\/FerretDB => .*FerretDB$/m);
    expect(readFileSync(path.join(workDir, 'go.sum'), 'utf8')).toBe('sums\n');
    expect(readFileSync(path.join(workDir, 'FerretDB', 'go.mod'), 'utf8')).toContain('module github.com/FerretDB/FerretDB');
  });

  it('refuses to build unpatched when the source no longer matches a patch', () => {
    const { moduleDir, ourDir } = fakeModules('const (\n\tIDColumn = "something else"\n)\n');
    expect(() => writePatchedModule(moduleDir, ourDir, [patch])).toThrow(/test\.patch no longer applies/);
  });

  it('keeps each patch of the real build explained above its diff', () => {
    const patches = ferretdbPatches();
    expect(patches.map((each) => each.name)).toEqual(['01-id-lookups-use-the-id-index.patch', '02-push-down-id-and-scalar-equality-and-in.patch', '03-no-resource-tracking.patch', '04-sort-and-limit-on-a-sortable-scalar-field.patch', '05-writes-queue-in-go-not-in-sqlite-busy-handler.patch', '06-list-one-collection-by-name.patch', '07-sjson-values-without-a-decoder-each.patch']);
    for (const each of patches) expect(each.text.indexOf('--- a/')).toBeGreaterThan(50);
  });
});
