// The official HSDS 3.0 schemas (test/fixtures/hsds-3.0, from openreferral/specification branch 3.0),
// compiled with ajv (and formats), each as published and as a closed copy (no property the schema does
// not define, so nothing from HSDS 3.1 such as `capacities`, or of our own, slips in). Shared by
// `npm run open-data:check` and test/integration/open-data.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'hsds-3.0');

export const hsdsSchema = (file: string) => JSON.parse(gunzipSync(readFileSync(path.join(FIXTURES, `${file}.gz`))).toString()) as Record<string, unknown>;

/** A copy of a schema in which every object with properties allows no others. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, closed(value)]));
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

export type HsdsCheck = { official: ValidateFunction; closed: ValidateFunction };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// taxonomy.json and taxonomy_term.json refer to metadata.json (and taxonomy_term.json to taxonomy.json) by name.
ajv.addSchema(hsdsSchema('metadata.json'), 'metadata.json');
ajv.addSchema(hsdsSchema('taxonomy.json'), 'taxonomy.json');

export const hsdsCheck = (document: Record<string, unknown>): HsdsCheck => ({
  official: ajv.compile(document),
  closed: ajv.compile(closed(document) as Record<string, unknown>),
});

/** The schemas of every kind of object the feed serves. */
export const HSDS_CHECKS = {
  service: hsdsCheck(hsdsSchema('compiled/service.json')),
  service_list: hsdsCheck(hsdsSchema('compiled/service_list.json')),
  organization: hsdsCheck(hsdsSchema('compiled/organization.json')),
  organization_list: hsdsCheck(hsdsSchema('compiled/organization_list.json')),
  taxonomy: hsdsCheck(hsdsSchema('taxonomy.json')),
  taxonomy_term: hsdsCheck(hsdsSchema('taxonomy_term.json')),
};
