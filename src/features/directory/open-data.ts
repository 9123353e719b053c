import { stableUuid } from '../../lib/stable-uuid';
import { DESIGNATED_TYPES, PROVIDER_TYPE_LABELS } from '../listings/listing-vocabulary';
import type { TaxonomySnapshot } from '../taxonomy/taxonomy-snapshot';
import type { TermKind } from '../taxonomy/term-kinds';
import type { DirectoryDocument } from './directory-document';
import { TERM_FIELDS } from './directory-index';

const TAXONOMY_NAMES: Record<TermKind | 'type', string> = {
  category: 'Categories of support',
  need: 'School needs',
  phase: 'Phases of education',
  subject: 'Subjects',
  context: 'School contexts',
  offer: 'Types of support offered',
  type: 'Provider types',
};

const isoDate = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/**
 * The published directory in Open Referral HSDS 3.0 shape: a page of services, each with its
 * organisation, service areas, taxonomy terms (as attributes), costs, capacity and quality assurance
 * (assured_date, accreditations). Only what a provider publishes for schools to read in public is
 * included: no contact names, email addresses, phone numbers, photos, documents or the longer
 * account of experience, which may name people.
 */
export function toHsdsPage(documents: readonly DirectoryDocument[], taxonomy: TaxonomySnapshot, publisher: { laName: string; serviceName: string }) {
  const contents = [...documents].sort((a, b) => a.name.localeCompare(b.name, 'en-GB')).map((document) => toHsdsService(document, taxonomy, publisher));
  return {
    total_items: contents.length,
    total_pages: 1,
    page_number: 1,
    size: contents.length,
    first_page: true,
    last_page: true,
    empty: contents.length === 0,
    contents,
  };
}

function toHsdsService(document: DirectoryDocument, taxonomy: TaxonomySnapshot, publisher: { laName: string; serviceName: string }) {
  const serviceId = stableUuid(`service:${document.id}`);
  const organisationName = document.organisation || document.name;
  const organisationId = stableUuid(`organization:${organisationName.toLowerCase()}`);
  const term = (kind: TermKind | 'type', code: string, name: string) => ({
    id: stableUuid(`attribute:${document.id}:${kind}:${code}`),
    link_id: serviceId,
    link_type: 'service',
    link_entity: 'service',
    value: null,
    taxonomy_term: {
      id: stableUuid(`taxonomy_term:${kind}:${code}`),
      code,
      name,
      description: null,
      parent_id: null,
      taxonomy: TAXONOMY_NAMES[kind],
      language: 'en',
      taxonomy_id: stableUuid(`taxonomy:${kind}`),
      term_uri: null,
    },
  });
  const attributes = [
    term('type', document.providerType, PROVIDER_TYPE_LABELS[document.providerType]),
    ...TERM_FIELDS.flatMap(([field, kind]) => taxonomy.resolveSlugs(kind, document[field]).map((slug) => term(kind, slug, taxonomy.label(kind, slug)))),
  ];
  const designated = DESIGNATED_TYPES.includes(document.providerType);
  const { awardedOn, expiresOn } = document.designation;
  return {
    id: serviceId,
    organization_id: organisationId,
    name: document.name,
    alternate_name: null,
    description: document.summary || null,
    status: 'active',
    accreditations: designated
      ? [PROVIDER_TYPE_LABELS[document.providerType], awardedOn && `awarded ${isoDate(awardedOn)}`, expiresOn && `valid until ${isoDate(expiresOn)}`].filter(Boolean).join(', ')
      : null,
    assured_date: isoDate(document.publishedAt),
    application_process: `Through ${publisher.serviceName}, ${publisher.laName}.`,
    last_modified: document.updatedAt.toISOString(),
    organization: { id: organisationId, name: organisationName, description: null },
    service_areas: document.areas.map((area) => ({
      id: stableUuid(`service_area:${document.id}:${area}`),
      service_id: serviceId,
      name: area,
      description: null,
      extent: null,
      extent_type: null,
      uri: null,
    })),
    cost_options: costOptions(document, serviceId),
    funding: document.fundedByLa ? [{ id: stableUuid(`funding:${document.id}`), service_id: serviceId, source: publisher.laName }] : [],
    capacities: document.capacity
      ? [
          {
            id: stableUuid(`capacity:${document.id}`),
            service_id: serviceId,
            available: document.capacity.days,
            maximum: null,
            description: `Days available this ${document.capacity.period}`,
            updated: document.updatedAt.toISOString(),
            unit: { id: stableUuid('unit:days'), name: 'days', scheme: null, identifier: null, uri: null },
          },
        ]
      : [],
    contacts: [],
    phones: [],
    attributes,
  };
}

function costOptions(document: DirectoryDocument, serviceId: string) {
  const option = { id: stableUuid(`cost_option:${document.id}`), service_id: serviceId, valid_from: null, valid_to: null, currency: 'GBP' };
  if (document.fundedByLa) return [{ ...option, option: 'Funded by the local authority', amount: 0, amount_description: 'No cost to the school' }];
  if (document.dailyRatePence !== null) return [{ ...option, option: 'Daily rate', amount: document.dailyRatePence / 100, amount_description: 'per day' }];
  return [];
}
