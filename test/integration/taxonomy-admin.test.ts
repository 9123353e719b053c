import type { Express } from 'express';
import request from 'supertest';
import { ROLES } from '../../src/web/identity';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { Listing } from '../../src/features/listings/listing.model';
import { TaxonomyTerm } from '../../src/features/taxonomy/taxonomy.model';
import { ensureDefaultTaxonomy, resolveTerms, termChoices } from '../../src/features/taxonomy/taxonomy.service';
import { slugFor } from '../../src/features/taxonomy/taxonomy-admin.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

jest.setTimeout(20_000);
useTestDatabase();

describe('Traded Services keep the taxonomy', () => {
  let app: Express;
  let admin: Agent;

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' });
    admin = await signedInAgent(app, (await createUser('traded_services')).email);
  });

  it('makes slugs from names', () => {
    expect(slugFor('Design & Technology (KS3)')).toBe('design-and-technology-ks3');
    expect(slugFor('Élan – café')).toBe('elan-cafe');
  });

  it('adds a term, which then appears as a filter and finds listings by its synonyms', async () => {
    const added = await submitForm(admin, paths.taxonomyAdmin.list('context'), { label: 'Service families', synonyms: 'forces, military\narmed forces' });
    expect(added.status).toBe(302);
    const term = await TaxonomyTerm.findOne({ kind: 'context', slug: 'service-families' }).lean();
    expect(term).toMatchObject({ label: 'Service families', synonyms: ['forces', 'military', 'armed forces'], status: 'active' });
    await createListedListing({ name: 'Garrison school lead', contexts: ['service-families'] });
    const search = await admin.get(paths.directory.search).query({ q: 'military' });
    expect(search.text).toContain('Garrison school lead');
    expect(search.text).toContain('Service families (1)');
    const duplicate = await submitForm(admin, paths.taxonomyAdmin.list('context'), { label: 'Service Families' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('There is already a context with this name');
  });

  it('needs categories for a new need', async () => {
    const response = await submitForm(admin, paths.taxonomyAdmin.list('need'), { label: 'Transition to secondary is rocky' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Select the categories that address this need');
    const ok = await submitForm(admin, paths.taxonomyAdmin.list('need'), { label: 'Transition to secondary is rocky', categories: ['wellbeing-and-pastoral', 'partnerships-and-structures'] });
    expect(ok.status).toBe(302);
  });

  it('renames a term without changing its slug, so listings show the new name', async () => {
    const listing = await createListedListing({ name: 'Rural heads network', contexts: ['rural'] });
    await submitForm(admin, paths.taxonomyAdmin.term('context', 'rural'), { label: 'Rural and remote', synonyms: 'countryside' });
    expect((await TaxonomyTerm.findOne({ kind: 'context', slug: 'rural' }).lean())!.label).toBe('Rural and remote');
    expect((await Listing.findById(listing._id).lean())!.contexts).toEqual(['rural']);
    const search = await admin.get(paths.directory.search).query({ q: 'countryside' });
    expect(search.text).toContain('Rural heads network');
    expect(search.text).toContain('Rural and remote');
  });

  it('retires a term: gone from forms and filters, still resolving for listings that use it, and reinstated', async () => {
    await createListedListing({ name: 'Coastal schools adviser', contexts: ['coastal'] });
    const page = await admin.get(paths.taxonomyAdmin.term('context', 'coastal'));
    await admin.post(paths.taxonomyAdmin.retire('context', 'coastal')).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect((await termChoices('context')).map((choice) => choice.value)).not.toContain('coastal');
    expect((await resolveTerms('context', ['coastal']))[0]!.label).toBe('Coastal');
    const search = await admin.get(paths.directory.search).query({ q: 'coastal' });
    expect(search.text).toContain('Coastal schools adviser');
    expect(search.text).not.toContain('name="context" type="checkbox" value="coastal"');
    expect(search.text).toContain('name="context" type="checkbox" value="rural"');
    await admin.post(paths.taxonomyAdmin.reinstate('context', 'coastal')).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect((await termChoices('context')).map((choice) => choice.value)).toContain('coastal');
  });

  it('merges a term into another, moving listings and needs to the target, keeping old references resolving', async () => {
    await submitForm(admin, paths.taxonomyAdmin.list('category'), { label: 'Numeracy across the curriculum', synonyms: 'cross-curricular numeracy' });
    const both = await createListedListing({ name: 'Both terms', expertise: ['numeracy-across-the-curriculum', 'mathematics-and-numeracy'] });
    const onlySource = await createListedListing({ name: 'Only the old term', expertise: ['numeracy-across-the-curriculum', 'governance'], revision: 3 });
    await TaxonomyTerm.updateOne({ kind: 'need', slug: 'ks2-maths-progress-below-national' }, { $addToSet: { categories: 'numeracy-across-the-curriculum' } });

    const missing = await submitForm(admin, paths.taxonomyAdmin.merge('category', 'numeracy-across-the-curriculum'), { target: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Select the term to merge into');

    const merged = await submitForm(admin, paths.taxonomyAdmin.merge('category', 'numeracy-across-the-curriculum'), { target: 'mathematics-and-numeracy' });
    expect(merged.status).toBe(302);
    expect((await Listing.findById(both._id).lean())!.expertise).toEqual(['mathematics-and-numeracy']);
    const moved = (await Listing.findById(onlySource._id).lean())!;
    expect(moved.expertise.sort()).toEqual(['governance', 'mathematics-and-numeracy']);
    expect(moved.revision).toBe(4);
    const need = await TaxonomyTerm.findOne({ kind: 'need', slug: 'ks2-maths-progress-below-national' }).lean();
    expect(need!.categories).toEqual(['mathematics-and-numeracy', 'assessment-tracking-and-data']);
    const source = await TaxonomyTerm.findOne({ kind: 'category', slug: 'numeracy-across-the-curriculum' }).lean();
    expect(source).toMatchObject({ status: 'retired', mergedInto: 'mathematics-and-numeracy' });
    expect((await resolveTerms('category', ['numeracy-across-the-curriculum']))[0]!.slug).toBe('mathematics-and-numeracy');
    const target = await TaxonomyTerm.findOne({ kind: 'category', slug: 'mathematics-and-numeracy' }).lean();
    expect(target!.synonyms).toEqual(expect.arrayContaining(['numeracy across the curriculum', 'cross-curricular numeracy']));
    expect(await AuditEntry.exists({ action: 'term_merged', subjectId: source!._id })).toBeTruthy();

    const search = await admin.get(paths.directory.search).query({ q: 'cross-curricular numeracy' });
    expect(search.text).toContain('Only the old term');
    const again = await submitForm(admin, paths.taxonomyAdmin.list('category'), {}, paths.taxonomyAdmin.merge('category', 'numeracy-across-the-curriculum'));
    expect(again.status).toBe(404);
  });

  it('refuses a merge into itself or into a retired term', async () => {
    const self = await submitForm(admin, paths.taxonomyAdmin.merge('offer', 'coaching'), { target: 'coaching' });
    expect(self.status).toBe(400);
    expect(self.text).toContain('Select a different term to merge into');
    await TaxonomyTerm.updateOne({ kind: 'offer', slug: 'review' }, { $set: { status: 'retired' } });
    const retired = await submitForm(admin, paths.taxonomyAdmin.merge('offer', 'coaching'), { target: 'review' });
    expect(retired.status).toBe(400);
  });

  it('answers 404 for an unknown list or term', async () => {
    expect((await admin.get(paths.taxonomyAdmin.list('colours'))).status).toBe(404);
    expect((await admin.get(paths.taxonomyAdmin.term('phase', 'no-such-phase'))).status).toBe(404);
  });

  it('refuses every other role, on pages and on actions, and signed-out visitors', async () => {
    expect((await request(app).get(paths.taxonomyAdmin.index)).headers.location).toBe(paths.signIn);
    for (const role of ROLES.filter((r) => r !== 'traded_services')) {
      const agent = await signedInAgent(app, (await createUser(role)).email);
      expect((await agent.get(paths.taxonomyAdmin.index)).status).toBe(403);
      expect((await agent.get(paths.taxonomyAdmin.list('phase'))).status).toBe(403);
      const home = await agent.get(paths.dashboards[role]);
      const post = await agent.post(paths.taxonomyAdmin.retire('phase', 'primary')).type('form').send({ _csrf: csrfTokenFrom(home.text) });
      expect(post.status).toBe(403);
    }
    expect((await TaxonomyTerm.findOne({ kind: 'phase', slug: 'primary' }).lean())!.status).toBe('active');
  });
});
