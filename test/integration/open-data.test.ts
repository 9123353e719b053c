import pino from 'pino';
import request from 'supertest';
import { Listing } from '../../src/features/listings/listing.model';
import { paths } from '../../src/paths';
import { seedDemoData } from '../../seed/demo-data';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createUser } from '../support/factories';
import { HSDS_CHECKS, hsdsCheck, hsdsSchema } from '../../scripts/hsds-schemas';

useTestDatabase();

/**
 * The open-data feed against the official HSDS 3.0 schemas (test/fixtures/hsds-3.0, from
 * openreferral/specification branch 3.0), with a real JSON-schema validator (ajv), over every object
 * every endpoint serves: every page of every list, in list and full form, and every item by id.
 * Each object must validate against its schema as published, and also against a closed copy of it (no
 * property the schema does not define), so nothing from HSDS 3.1 (such as `capacities`) or of our own
 * slips in.
 */

const openapi = hsdsSchema('openapi.json') as { components: { schemas: { Page: Record<string, unknown> } } };
const SCHEMAS = {
  ...HSDS_CHECKS,
  // As openapi.json answers a list: its Page, with `contents` (each item validated with its own schema).
  page: hsdsCheck({
    ...openapi.components.schemas.Page,
    properties: { ...(openapi.components.schemas.Page.properties as object), contents: { type: 'array' } },
    required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
  }),
};
type SchemaName = keyof typeof SCHEMAS;

describe('the open-data feed (Open Referral HSDS 3.0)', () => {
  const app = () => buildTestApp({ BASE_URL: 'https://support.anyshire.example' }, pino({ level: 'error' }));
  const validated: Record<string, number> = {};
  const errors: string[] = [];
  const nulls: string[] = [];

  function validate(name: SchemaName, object: unknown, where: string): void {
    for (const [variant, validator] of Object.entries(SCHEMAS[name])) {
      if (!validator(object)) for (const error of validator.errors ?? []) errors.push(`${where} (${name}, ${variant}): ${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
    }
    validated[name] = (validated[name] ?? 0) + 1;
    const findNulls = (value: unknown, at: string): void => {
      if (value === null) nulls.push(`${where}${at}`);
      else if (typeof value === 'object') for (const [key, inner] of Object.entries(value)) findNulls(inner, `${at}/${key}`);
    };
    findNulls(object, '');
  }

  /** Every page of a list, validating the paging and each item; the items of all pages. */
  async function everyPage<T>(url: string, item: SchemaName, perPage: number): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const response = await request(app()).get(`${url}${url.includes('?') ? '&' : '?'}per_page=${perPage}&page=${page}`).expect(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      const body = response.body as { contents: T[]; total_pages: number; page_number: number; last_page: boolean; total_items: number; size: number };
      validate('page', body, `${url} page ${page}`);
      expect(body.page_number).toBe(page);
      expect(body.size).toBe(body.contents.length);
      for (const [index, entry] of body.contents.entries()) validate(item, entry, `${url} page ${page} item ${index}`);
      items.push(...body.contents);
      if (body.last_page) {
        expect(body.total_pages).toBe(page);
        expect(items).toHaveLength(body.total_items);
        return items;
      }
    }
  }

  type Service = { id: string; name: string; organization_id: string; email?: string; contacts: { email?: string; phones?: { number: string }[] }[]; attributes: { taxonomy_term_id: string; taxonomy_term: { id: string; taxonomy_id: string } }[]; application_process: string; phones: unknown[] };
  type Term = { id: string; taxonomy_id: string };

  let provider: Awaited<ReturnType<typeof createUser>>;
  let otherProvider: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    await seedDemoData();
    provider = await createUser('provider');
    otherProvider = await createUser('provider');
    const contact = { name: 'Sam Private', email: 'sam@brook-lane.example', phone: '01632 960 123', route: 'Email first; I answer within two school days' };
    await createListedListing({ name: 'Brook Lane maths', organisation: "St Mary's Primary School", owners: [provider._id], contact: { ...contact, openData: ['email', 'phone', 'route'] } });
    await createListedListing({ name: 'Brook Lane reading', organisation: "St Mary's Primary School", owners: [provider._id], contact: { ...contact, openData: ['email'] } });
    await createListedListing({ name: 'Another St Mary’s', organisation: "St Mary's Primary School", owners: [otherProvider._id], contact: { name: 'Kit Private', email: 'kit@elsewhere.example', phone: '01632 960 999', route: 'Ring Kit' } });
    await createListedListing({ name: 'No rate given', organisation: '', owners: [otherProvider._id], dailyRatePence: undefined, summary: '' });
  });

  afterAll(() => {
    process.stdout.write(`HSDS 3.0: validated ${Object.entries(validated).map(([name, count]) => `${count} ${name}`).join(', ')}; ${errors.length} errors\n`);
  });

  it('uses validators that refuse what the issue found: nulls, a missing description, a 3.1 field', () => {
    expect(SCHEMAS.service.official({ id: '2b6a8b8e-8f0a-5c1e-9d3a-0e6f1c2b3a4d', name: 'A', status: 'active', alternate_name: null })).toBe(false);
    expect(SCHEMAS.taxonomy_term.official({ id: '2b6a8b8e-8f0a-5c1e-9d3a-0e6f1c2b3a4d', name: 'A' })).toBe(false);
    expect(SCHEMAS.organization_list.official({ id: '2b6a8b8e-8f0a-5c1e-9d3a-0e6f1c2b3a4d', name: 'A' })).toBe(false);
    const valid = { id: '2b6a8b8e-8f0a-5c1e-9d3a-0e6f1c2b3a4d', name: 'A', status: 'active' };
    expect(SCHEMAS.service.official(valid)).toBe(true);
    expect(SCHEMAS.service.closed(valid)).toBe(true);
    expect(SCHEMAS.service.closed({ ...valid, capacities: [] })).toBe(false);
  });

  it('validates with zero errors against the official schemas, every object of every endpoint, with no nulls', async () => {
    const root = (await request(app()).get(paths.openData.hsds.root).expect(200)).body as { version: string };
    expect(root.version).toBe('3.0');

    const directory = (await request(app()).get(paths.openData.directory).expect(200)).body as { contents: Service[] };
    validate('page', directory, paths.openData.directory);
    for (const [index, service] of directory.contents.entries()) validate('service', service, `${paths.openData.directory} item ${index}`);

    const listed = await everyPage<Service>(paths.openData.hsds.services, 'service_list', 7);
    const full = await everyPage<Service>(`${paths.openData.hsds.services}?full=true`, 'service', 10);
    expect(listed.map((service) => service.id)).toEqual(directory.contents.map((service) => service.id));
    expect(full).toEqual(directory.contents);
    for (const service of listed) validate('service', (await request(app()).get(paths.openData.hsds.service(service.id)).expect(200)).body, paths.openData.hsds.service(service.id));

    const organizations = await everyPage<{ id: string }>(paths.openData.hsds.organizations, 'organization_list', 9);
    await everyPage(`${paths.openData.hsds.organizations}?full=true`, 'organization', 9);
    for (const { id } of organizations) validate('organization', (await request(app()).get(paths.openData.hsds.organization(id)).expect(200)).body, paths.openData.hsds.organization(id));

    const taxonomies = await everyPage<{ id: string }>(paths.openData.hsds.taxonomies, 'taxonomy', 3);
    for (const { id } of taxonomies) validate('taxonomy', (await request(app()).get(paths.openData.hsds.taxonomy(id)).expect(200)).body, paths.openData.hsds.taxonomy(id));
    const terms = await everyPage<Term>(paths.openData.hsds.taxonomyTerms, 'taxonomy_term', 25);
    for (const { id } of terms) validate('taxonomy_term', (await request(app()).get(paths.openData.hsds.taxonomyTerm(id)).expect(200)).body, paths.openData.hsds.taxonomyTerm(id));

    expect(errors.slice(0, 20)).toEqual([]);
    expect(nulls.slice(0, 20)).toEqual([]);
    expect(directory.contents.length).toBeGreaterThan(40);
    expect(validated.service).toBe(directory.contents.length * 3);

    // Every attribute names its term by id, and the term and its taxonomy are published.
    const termIds = new Set(terms.map((term) => term.id));
    const taxonomyIds = new Set(taxonomies.map((taxonomy) => taxonomy.id));
    const attributes = full.flatMap((service) => service.attributes);
    expect(attributes.length).toBeGreaterThan(directory.contents.length * 3);
    for (const attribute of attributes) {
      expect(attribute.taxonomy_term_id).toBe(attribute.taxonomy_term.id);
      expect(termIds.has(attribute.taxonomy_term_id)).toBe(true);
      expect(taxonomyIds.has(attribute.taxonomy_term.taxonomy_id)).toBe(true);
    }
  }, 120_000);

  it('publishes only the contact details a provider chose, and never a contact name', async () => {
    const response = await request(app()).get(`${paths.openData.hsds.services}?full=true&per_page=1000`).expect(200);
    const services = (response.body as { contents: Service[] }).contents;
    const byName = (name: string) => services.find((service) => service.name === name)!;

    expect(byName('Brook Lane maths')).toMatchObject({
      email: 'sam@brook-lane.example',
      contacts: [{ email: 'sam@brook-lane.example', phones: [{ number: '01632 960 123' }] }],
      phones: [{ number: '01632 960 123' }],
    });
    expect(byName('Brook Lane maths').application_process).toContain('The provider says: Email first; I answer within two school days');
    expect(byName('Brook Lane reading')).toMatchObject({ email: 'sam@brook-lane.example', contacts: [{ email: 'sam@brook-lane.example' }], phones: [] });
    expect(byName('Brook Lane reading').contacts[0]!.phones).toBeUndefined();
    expect(byName('Another St Mary’s')).toMatchObject({ contacts: [], phones: [] });
    expect(byName('Another St Mary’s').email).toBeUndefined();
    expect(response.text).not.toMatch(/Sam Private|Kit Private|kit@elsewhere|01632 960 999|Ring Kit/);
    // Every service says how a school reaches the provider: through the council's service, at its pen portrait.
    for (const service of services) {
      expect(service).toMatchObject({ url: expect.stringMatching(/^https:\/\/support\.anyshire\.example\/listings\/[0-9a-f]{24}$/), service_at_locations: [{ location: { location_type: 'virtual' } }] });
    }
  });

  it('follows a provider’s change of mind at once: untick the email and it leaves the feed', async () => {
    const app = buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' }, pino({ level: 'error' }));
    const emailOf = async () =>
      ((await request(app).get(`${paths.openData.hsds.services}?full=true&search=brook%20lane%20reading`).expect(200)).body as { contents: Service[] }).contents[0]!.contacts;
    expect(await emailOf()).toEqual([expect.objectContaining({ email: 'sam@brook-lane.example' })]);
    await Listing.updateOne({ name: 'Brook Lane reading' }, { $set: { 'contact.openData': [] } });
    expect(await emailOf()).toEqual([]);
    await Listing.updateOne({ name: 'Brook Lane reading' }, { $set: { 'contact.openData': ['email'] } });
  });

  it('keeps two bodies with the same name apart, and one body’s services together', async () => {
    const services = ((await request(app()).get(`${paths.openData.hsds.services}?per_page=1000`).expect(200)).body as { contents: Service[] }).contents;
    const organisationOf = (name: string) => services.find((service) => service.name === name)!.organization_id;
    expect(organisationOf('Brook Lane maths')).toBe(organisationOf('Brook Lane reading'));
    expect(organisationOf('Another St Mary’s')).not.toBe(organisationOf('Brook Lane maths'));
    const organization = (await request(app()).get(paths.openData.hsds.organization(organisationOf('Brook Lane maths'))).expect(200)).body as { name: string; services: Service[] };
    expect(organization.name).toBe("St Mary's Primary School");
    expect(organization.services.map((service) => service.name).sort()).toEqual(['Brook Lane maths', 'Brook Lane reading']);
    const filtered = (await request(app()).get(`${paths.openData.hsds.services}?organization_id=${organisationOf('Another St Mary’s')}`).expect(200)).body as { contents: Service[] };
    expect(filtered.contents.map((service) => service.name)).toEqual(['Another St Mary’s']);
  });

  it('pages and filters as the Open Referral API does, and answers an unknown id with 404', async () => {
    const all = (await request(app()).get(`${paths.openData.hsds.services}?per_page=1000`).expect(200)).body as { total_items: number; contents: Service[] };
    const second = (await request(app()).get(`${paths.openData.hsds.services}?per_page=5&page=2`).expect(200)).body as { page_number: number; first_page: boolean; contents: Service[]; total_pages: number };
    expect(second).toMatchObject({ page_number: 2, first_page: false, total_pages: Math.ceil(all.total_items / 5) });
    expect(second.contents.map((service) => service.id)).toEqual(all.contents.slice(5, 10).map((service) => service.id));
    const beyond = (await request(app()).get(`${paths.openData.hsds.services}?per_page=5&page=999`).expect(200)).body as { empty: boolean; contents: unknown[] };
    expect(beyond).toMatchObject({ empty: true, contents: [] });

    const full = (await request(app()).get(`${paths.openData.hsds.services}?full=true&per_page=1000`).expect(200)).body as { contents: Service[] };
    const term = full.contents.flatMap((service) => service.attributes).find((attribute) => attribute.taxonomy_term.taxonomy_id !== full.contents[0]!.attributes[0]!.taxonomy_term.taxonomy_id)!.taxonomy_term;
    const withTerm = (await request(app()).get(`${paths.openData.hsds.services}?taxonomy_term_id=${term.id}&per_page=1000`).expect(200)).body as { contents: Service[] };
    expect(withTerm.contents.length).toBeGreaterThan(0);
    expect(withTerm.contents.map((service) => service.id)).toEqual(full.contents.filter((service) => service.attributes.some((attribute) => attribute.taxonomy_term_id === term.id)).map((service) => service.id));
    const inTaxonomy = (await request(app()).get(`${paths.openData.hsds.taxonomyTerms}?taxonomy_id=${term.taxonomy_id}&per_page=1000`).expect(200)).body as { contents: Term[] };
    expect(inTaxonomy.contents.length).toBeGreaterThan(1);
    expect(inTaxonomy.contents.every((candidate) => candidate.taxonomy_id === term.taxonomy_id)).toBe(true);
    const searched = (await request(app()).get(`${paths.openData.hsds.services}?search=brook%20lane`).expect(200)).body as { contents: Service[] };
    expect(searched.contents.map((service) => service.name).sort()).toEqual(['Brook Lane maths', 'Brook Lane reading']);

    for (const url of [paths.openData.hsds.service('00000000-0000-5000-8000-000000000000'), paths.openData.hsds.organization('nope'), paths.openData.hsds.taxonomy('nope'), paths.openData.hsds.taxonomyTerm('nope')]) {
      await request(app()).get(url).expect(404);
    }
  });
});
