import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const VIEWS = path.join(__dirname, '..', '..', 'views');

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(path.join(dir, entry.name)) : entry.name.endsWith('.ejs') ? [path.join(dir, entry.name)] : [],
  );
}

// A limit typed into a view drifts from the one its schema checks; the views read textLimits (app.ts) instead.
describe('character limits shown on forms', () => {
  it('come from the schemas’ constants, never a number typed into a view', () => {
    const typed = templates(VIEWS).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/maxlength\s*[:=]\s*["']?\d/gi)].map(() => path.relative(VIEWS, file)),
    );
    expect(typed).toEqual([]);
  });
});
