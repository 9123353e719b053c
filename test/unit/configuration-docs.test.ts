import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '../../src/config';

// docs/configuration.md must stay true: every variable src/config.ts reads has a row, every row names a
// variable it reads, and a plain default (a number or a word) is the one the row gives.
const doc = readFileSync(path.join(__dirname, '../../docs/configuration.md'), 'utf8');
const rows = new Map<string, string>();
for (const line of doc.split('\n')) {
  const cells = line.split('|').map((cell) => cell.trim());
  if (cells.length < 4 || !cells[1]!.startsWith('`')) continue;
  for (const name of cells[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(name[1]!, cells[2]!);
}

describe('docs/configuration.md', () => {
  it.each(settings.map((setting) => [setting.name, setting]))('documents %s', (name, setting) => {
    expect(rows.has(name)).toBe(true);
    const { defaultValue } = setting;
    if (typeof defaultValue === 'number' || (typeof defaultValue === 'string' && !defaultValue.includes(path.sep))) {
      expect(rows.get(name)).toContain(`\`${String(defaultValue)}\``);
    }
  });

  it('documents no variable that src/config.ts does not read', () => {
    const read = new Set(settings.map((setting) => setting.name));
    expect([...rows.keys()].filter((name) => !read.has(name))).toEqual([]);
  });
});
