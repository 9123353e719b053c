import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { appIndexSpecs } from '../../src/housekeeping';
import { projectRoot } from '../../src/lib/project-root';

const source = path.join(projectRoot, 'src');
const files = (readdirSync(source, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));

describe('the index owner', () => {
  it('knows every model: each file that defines one is imported by src/all-models.ts', () => {
    const registry = readFileSync(path.join(source, 'all-models.ts'), 'utf8');
    const defining = files.filter((file) => /\bmodel(<[^>]*>)?\(\s*'/.test(readFileSync(path.join(source, file), 'utf8')));
    expect(defining.length).toBeGreaterThan(15);
    for (const file of defining) expect(registry).toContain(`'./${file.replace(/\\/g, '/').replace(/\.ts$/, '')}'`);
  });

  it('is the only code that asks the database for an index', () => {
    const asking = files.filter((file) => /\.createIndex(es)?\(/.test(readFileSync(path.join(source, file), 'utf8')));
    expect(asking).toEqual([path.join('db', 'indexes.ts')]);
    expect(mongoose.get('autoIndex')).toBe(false);
  });

  // FerretDB has no partial indexes and accepts, under a unique index, documents missing the field, array
  // values and compound keys with a missing part, all of which MongoDB refuses: so a unique key must be a
  // required, single value, or data written here would not build its indexes on MongoDB.
  it('puts unique indexes only on required fields that hold one value', () => {
    const uniques = appIndexSpecs().filter((spec) => spec.unique);
    expect(uniques.length).toBeGreaterThan(8);
    for (const name of mongoose.modelNames()) {
      const model = mongoose.model(name);
      for (const spec of uniques.filter((candidate) => candidate.collection === model.collection.collectionName)) {
        for (const field of Object.keys(spec.key)) {
          const schemaPath = model.schema.path(field) as unknown as { isRequired?: boolean; instance?: string } | undefined;
          expect({ model: name, field, required: schemaPath?.isRequired, instance: schemaPath?.instance }).toEqual({
            model: name,
            field,
            required: true,
            instance: expect.not.stringMatching(/^(Array|Mixed)$/),
          });
        }
      }
    }
  });
});
