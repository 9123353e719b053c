import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The layer rule (eslint/layers.mjs) as `npm run lint` runs it: ESLint's Node API with the project's own
// eslint.config.mjs (test/support/lint-text.mjs, one child process for all cases), on source text placed
// at a path under src/ (nothing is written to disk).
const cases = {
  webImportsFeature: ['web/example.ts', "import { findActiveUser } from '../features/accounts/accounts.service';\nexport const lookUp = findActiveUser;\n"],
  featureImportsUpwardType: [
    'features/schools/example.ts',
    "import type { DirectoryService } from '../directory/directory.service';\nexport type Suggestions = DirectoryService;\n",
  ],
  sideways: ['features/schools/example.ts', "import { notify } from '../notifications/notifications.service';\nexport const tell = notify;\n"],
  otherModel: ['features/commissions/example.ts', "import { School } from '../schools/school.model';\nexport const schools = School;\n"],
  otherService: ['features/commissions/example.ts', "import { schoolExists } from '../schools/school-reads';\nexport const exists = schoolExists;\n"],
  otherModelType: ['features/commissions/example.ts', "import type { SchoolFields } from '../schools/school.model';\nexport type Fields = SchoolFields;\n"],
  downwards: [
    'features/reports/example.ts',
    "import { readFigures } from '../commissions/figures/figure-reading';\nimport { paths } from '../../paths';\n" +
      "import { requireRole } from '../../web/authentication';\nimport { barChartLayout } from './chart-layout';\n" +
      'export const all = [readFigures, paths, requireRole, barChartLayout];\n',
  ],
  noLayer: ['somewhere/example.ts', "import { paths } from '../paths';\nexport const all = paths;\n"],
} as const;

let errors: Record<keyof typeof cases, string[]>;

beforeAll(() => {
  const names = Object.keys(cases) as (keyof typeof cases)[];
  const output = execFileSync(process.execPath, [path.join(__dirname, '../support/lint-text.mjs')], {
    input: names.map((name) => JSON.stringify({ file: `src/${cases[name][0]}`, code: cases[name][1] })).join('\n') + '\n',
    encoding: 'utf8',
  });
  const results = output.trim().split('\n').map((line) => JSON.parse(line) as { ruleId: string | null; message: string }[]);
  errors = Object.fromEntries(
    names.map((name, i) => [name, results[i]!.filter((message) => message.ruleId === 'layers/layers').map((message) => message.message)]),
  ) as typeof errors;
});

describe('the layer rule', () => {
  it('refuses an upward import: web/ importing a feature', () => {
    expect(errors.webImportsFeature).toEqual([expect.stringContaining('web (layer 2) may not import accounts (layer 4)')]);
  });

  it('refuses an upward import between features, type-only included', () => {
    expect(errors.featureImportsUpwardType).toEqual([expect.stringContaining('schools (layer 5) may not import directory')]);
  });

  it('refuses a sideways import between features on one layer (so no two can import each other)', () => {
    expect(errors.sideways).toEqual([expect.stringContaining('schools (layer 5) may not import notifications (layer 5)')]);
  });

  it("refuses a value import of another feature's model, but not of its service or a type", () => {
    expect(errors.otherModel).toEqual([expect.stringContaining("another feature's model")]);
    expect(errors.otherService).toEqual([]);
    expect(errors.otherModelType).toEqual([]);
  });

  it('lets a module import downwards and within itself', () => {
    expect(errors.downwards).toEqual([]);
  });

  it('names a file that belongs to no layer', () => {
    expect(errors.noLayer).toEqual([expect.stringContaining('is in no module')]);
  });
});
