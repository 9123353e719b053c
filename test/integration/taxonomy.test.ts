import { TaxonomyTerm } from '../../src/features/taxonomy/taxonomy.model';
import { DEFAULT_TAXONOMY } from '../../src/features/taxonomy/taxonomy.defaults';
import { activeTerms, areActiveTerms, ensureDefaultTaxonomy, resolveTerms } from '../../src/features/taxonomy/taxonomy.service';
import { currentTaxonomy } from '../../src/features/taxonomy/taxonomy-snapshot';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('taxonomy', () => {
  beforeAll(async () => {
    await ensureDefaultTaxonomy();
  });

  it('loads the default lists once, keeping edits on a second run', async () => {
    await TaxonomyTerm.updateOne({ kind: 'category', slug: 'governance' }, { $set: { label: 'Governance and trusteeship' } });
    expect(await ensureDefaultTaxonomy()).toBe(0);
    const categories = await activeTerms('category');
    expect(categories).toHaveLength(DEFAULT_TAXONOMY.category.length);
    expect(categories.find((term) => term.slug === 'governance')!.label).toBe('Governance and trusteeship');
  });

  it('maps every default need to categories that exist', async () => {
    const categorySlugs = new Set((await activeTerms('category')).map((term) => term.slug));
    for (const need of await activeTerms('need')) {
      expect(need.categories.length).toBeGreaterThan(0);
      for (const category of need.categories) expect(categorySlugs).toContain(category);
    }
  });

  it('resolves a merged term to the one it was merged into, and refuses retired terms on new forms', async () => {
    await TaxonomyTerm.create({ kind: 'context', slug: 'seaside', label: 'Seaside', status: 'retired', mergedInto: 'coastal' });
    expect((await resolveTerms('context', ['seaside', 'rural'])).map((term) => term.slug)).toEqual(['coastal', 'rural']);
    expect(await areActiveTerms('context', ['coastal', 'rural'])).toBe(true);
    expect(await areActiveTerms('context', ['seaside'])).toBe(false);
    expect(await areActiveTerms('context', ['no-such-term'])).toBe(false);
  });
});

describe('the taxonomy each app instance keeps in memory', () => {
  it('is read again only after a term changes, by any kind of write', async () => {
    await ensureDefaultTaxonomy();
    const first = await currentTaxonomy();
    expect(await currentTaxonomy()).toBe(first);

    await TaxonomyTerm.updateOne({ kind: 'phase', slug: 'primary' }, { $set: { label: 'Primary (KS1–KS2)' } });
    const renamed = await currentTaxonomy();
    expect(renamed).not.toBe(first);
    expect(renamed.label('phase', 'primary')).toBe('Primary (KS1–KS2)');

    await TaxonomyTerm.create({ kind: 'context', slug: 'island', label: 'Island school' });
    expect((await currentTaxonomy()).isActive('context', 'island')).toBe(true);
    await TaxonomyTerm.deleteOne({ kind: 'context', slug: 'island' });
    expect((await currentTaxonomy()).isActive('context', 'island')).toBe(false);
  });
});
