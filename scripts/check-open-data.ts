// `npm run open-data:check [-- BASE_URL]` (default http://localhost:3000): reads a running service's whole
// open-data feed, as a consumer would, and validates every object against the official HSDS 3.0 schemas
// kept in test/fixtures/hsds-3.0 (ajv, with formats), and against closed copies of them (no property the
// schema does not define). Prints what it validated and every error; exits 1 if there is any.
import { paths } from '../src/paths';
import { HSDS_CHECKS as SCHEMAS } from './hsds-schemas';

const base = (process.argv[2] ?? 'http://localhost:3000').replace(/\/+$/, '');
const counts: Record<string, number> = {};
const errors: string[] = [];

function validate(name: keyof typeof SCHEMAS, object: unknown, where: string): void {
  for (const validator of [SCHEMAS[name].official, SCHEMAS[name].closed]) if (!validator(object)) for (const error of validator.errors ?? []) errors.push(`${where}: ${error.instancePath} ${error.message}`);
  counts[name] = (counts[name] ?? 0) + 1;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(`${base}${url}`);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

async function everyPage<T extends { id: string }>(url: string, item: keyof typeof SCHEMAS): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const body = await get<{ contents: T[]; last_page: boolean }>(`${url}${url.includes('?') ? '&' : '?'}per_page=200&page=${page}`);
    body.contents.forEach((entry, index) => validate(item, entry, `${url} page ${page} item ${index}`));
    items.push(...body.contents);
    if (body.last_page) return items;
  }
}

type Service = { id: string; attributes?: unknown[]; service_areas?: unknown[]; cost_options?: unknown[]; contacts?: unknown[] };

async function main(): Promise<void> {
  const hsds = paths.openData.hsds;
  const full = await everyPage<Service>(`${hsds.services}?full=true`, 'service');
  await everyPage(hsds.services, 'service_list');
  for (const { id } of full) validate('service', await get(hsds.service(id)), hsds.service(id));
  const organizations = await everyPage(hsds.organizations, 'organization_list');
  for (const { id } of organizations) validate('organization', await get(hsds.organization(id)), hsds.organization(id));
  for (const { id } of await everyPage(hsds.taxonomies, 'taxonomy')) validate('taxonomy', await get(hsds.taxonomy(id)), hsds.taxonomy(id));
  const terms = await everyPage(hsds.taxonomyTerms, 'taxonomy_term');
  for (const { id } of terms) validate('taxonomy_term', await get(hsds.taxonomyTerm(id)), hsds.taxonomyTerm(id));
  const sum = (field: keyof Service) => full.reduce((total, service) => total + ((service[field] as unknown[] | undefined)?.length ?? 0), 0);
  console.log(`${base}: ${full.length} services, ${organizations.length} organizations, ${terms.length} taxonomy terms;`);
  console.log(`  in the services: ${sum('attributes')} attributes, ${sum('service_areas')} service areas, ${sum('cost_options')} cost options, ${sum('contacts')} contacts`);
  console.log(`Validated ${Object.entries(counts).map(([name, count]) => `${count} ${name}`).join(', ')} against the HSDS 3.0 schemas: ${errors.length} errors`);
  for (const error of errors.slice(0, 50)) console.log(`  ${error}`);
  if (errors.length) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
