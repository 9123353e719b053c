import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/lib/project-root';

// EJS looks a relative include up on disk each time a page is drawn; one written from the views folder
// (the app sets EJS's root to it) it resolves without touching the disk.
const VIEWS = path.join(projectRoot, 'views');
const templates = readdirSync(VIEWS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ejs'));

describe('includes in the views', () => {
  const includes = templates.flatMap((name) =>
    [...readFileSync(path.join(VIEWS, name), 'utf8').matchAll(/include\(\s*(['"`]?)([^'"`),]*)\1/g)].map((match) => ({ name, quote: match[1], target: match[2]! })),
  );

  it('finds the includes', () => {
    expect(includes.length).toBeGreaterThan(100);
  });

  it('names each partial by a fixed path from the views folder, to a template that exists', () => {
    const wrong = includes.filter(({ quote, target }) => !quote || !target.startsWith('/') || !existsSync(path.join(VIEWS, `${target}.ejs`)));
    expect(wrong).toEqual([]);
  });
});
