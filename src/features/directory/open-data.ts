import { stableUuid } from '../../lib/stable-uuid';
import { paths } from '../../paths';
import { DESIGNATED_TYPES, PROVIDER_TYPE_LABELS, PROVIDER_TYPES, type ProviderType } from '../listings/listing-vocabulary';
import type { TaxonomySnapshot } from '../taxonomy/taxonomy-snapshot';
import { TERM_KINDS, type TermKind } from '../taxonomy/term-kinds';
import type { DirectoryDocument } from './directory-document';
import { TERM_FIELDS } from './directory-index';

/**
 * The published directory as Open Referral HSDS 3.0 (docs/open-data.md): services (one per listed pen
 * portrait), the organisations providing them, and the taxonomies their attributes point to. Every object
 * validates against the official 3.0 schemas (test/integration/open-data.test.ts runs them over the whole
 * feed): no nulls (a value the directory lacks is left out), no 3.1 fields, a description on every
 * organisation, taxonomy and term. Only what a provider publishes for anyone to read is included: never a
 * contact name, photo, document or the longer account of experience (which may name people), and a
 * contact email, telephone or "how to get in touch" only where the provider ticked it for open data.
 */

export type Publisher = { laName: string; serviceName: string; baseUrl: string };

type Kind = TermKind | 'type';
const TAXONOMIES: Record<Kind, { name: string; description: string }> = {
  category: { name: 'Categories of support', description: 'The broad areas of school improvement a provider supports.' },
  need: { name: 'School needs', description: 'Needs a school may have, in its own words, that providers address.' },
  phase: { name: 'Phases of education', description: 'The phases of education a provider works in.' },
  subject: { name: 'Subjects', description: 'Curriculum subjects a provider has expertise in.' },
  context: { name: 'School contexts', description: 'Kinds of school and circumstance a provider knows well.' },
  offer: { name: 'Types of support offered', description: 'The forms support takes, such as coaching or a review.' },
  type: { name: 'Provider types', description: 'The kind of provider, including designations such as Specialist Leader of Education.' },
};
const KINDS: Kind[] = ['type', ...TERM_KINDS];

export const HSDS_VERSION = '3.0';

const isoDate = (date: Date | null) => (date ? new Date(date).toISOString().slice(0, 10) : undefined);
/** Leaves out what is undefined or empty: HSDS wants a value left out rather than null. */
function present<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null && value !== '')) as T;
}

export const serviceId = (document: Pick<DirectoryDocument, 'id'>) => stableUuid(`service:${document.id}`);
export const taxonomyId = (kind: Kind) => stableUuid(`taxonomy:${kind}`);
export const taxonomyTermId = (kind: Kind, code: string) => stableUuid(`taxonomy_term:${kind}:${code}`);
/** Two provider accounts with bodies of the same name are two organisations; one account's listings under one name are one. */
export const organizationId = (document: Pick<DirectoryDocument, 'id' | 'organisationKey'>) =>
  stableUuid(`organization:${document.organisationKey ?? `listing:${document.id}`}`);

export type HsdsTaxonomy = { id: string; name: string; description: string; uri?: string; version?: string };
export type HsdsTaxonomyTerm = { id: string; code: string; name: string; description: string; taxonomy: string; taxonomy_id: string; language: string };
export type HsdsOrganization = { id: string; name: string; description: string; services?: HsdsService[] };
export type HsdsService = Record<string, unknown> & {
  id: string;
  organization_id: string;
  name: string;
  last_modified: string;
  attributes: { taxonomy_term_id: string; taxonomy_term: HsdsTaxonomyTerm }[];
};

/**
 * Everything the feed publishes at one moment, built from the directory's listed providers and the
 * taxonomy, for the API (open-data.routes.ts) to page and filter.
 */
export class HsdsCatalogue {
  readonly taxonomies: HsdsTaxonomy[];
  readonly terms: HsdsTaxonomyTerm[];
  readonly services: HsdsService[];
  readonly organizations: HsdsOrganization[];
  private readonly termsByKey = new Map<string, HsdsTaxonomyTerm>();

  constructor(
    documents: readonly DirectoryDocument[],
    private readonly taxonomy: TaxonomySnapshot,
    private readonly publisher: Publisher,
  ) {
    this.taxonomies = KINDS.map((kind) => ({
      id: taxonomyId(kind),
      name: TAXONOMIES[kind].name,
      description: TAXONOMIES[kind].description,
      uri: `${publisher.baseUrl}${paths.openData.hsds.taxonomy(taxonomyId(kind))}`,
    }));
    this.terms = [
      ...PROVIDER_TYPES.map((type) => this.term('type', type, PROVIDER_TYPE_LABELS[type], undefined)),
      // Every term a listing can point to, retired ones included (merged ones resolve to the term they became).
      ...taxonomy.records.filter((record) => !record.mergedInto).map((record) => this.term(record.kind, record.slug, record.label, record.description)),
    ];
    for (const term of this.terms) this.termsByKey.set(`${term.taxonomy_id}:${term.code}`, term);
    const sorted = [...documents].sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.id.localeCompare(b.id));
    this.services = sorted.map((document) => this.service(document));
    const organizations = new Map<string, HsdsOrganization>();
    for (const service of this.services) {
      const organization = organizations.get(service.organization_id) ?? { ...(service.organization as HsdsOrganization), services: [] };
      organization.services!.push(service);
      organizations.set(service.organization_id, organization);
    }
    this.organizations = [...organizations.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.id.localeCompare(b.id));
  }

  private term(kind: Kind, code: string, name: string, description: string | undefined): HsdsTaxonomyTerm {
    return {
      id: taxonomyTermId(kind, code),
      code,
      name,
      description: description || `${name}: one of the ${TAXONOMIES[kind].name.toLowerCase()} in ${this.publisher.serviceName}, ${this.publisher.laName}.`,
      taxonomy: TAXONOMIES[kind].name,
      taxonomy_id: taxonomyId(kind),
      language: 'en',
    };
  }

  private service(document: DirectoryDocument): HsdsService {
    const id = serviceId(document);
    const { laName, serviceName, baseUrl } = this.publisher;
    const organisationName = document.organisation || document.name;
    const organization = {
      id: organizationId(document),
      name: organisationName,
      description: `${organisationName} provides school-improvement support listed in ${serviceName}, ${laName}.`,
    };
    const page = `${baseUrl}${paths.listings.listing(document.id)}`;
    const contact = document.publicContact ?? {};
    const attribute = (kind: Kind, code: string) => {
      const term = this.termsByKey.get(`${taxonomyId(kind)}:${code}`) ?? this.term(kind, code, code, undefined);
      return { id: stableUuid(`attribute:${document.id}:${kind}:${code}`), link_id: id, taxonomy_term_id: term.id, link_type: 'service', link_entity: 'service', taxonomy_term: term };
    };
    const attributes = [
      attribute('type', document.providerType),
      ...TERM_FIELDS.flatMap(([field, kind]) => this.taxonomy.resolveSlugs(kind, document[field]).map((slug) => attribute(kind, slug))),
    ];
    const designated = DESIGNATED_TYPES.includes(document.providerType as ProviderType);
    const { awardedOn, expiresOn } = document.designation;
    const phones = contact.phone ? [{ id: stableUuid(`phone:${document.id}`), service_id: id, number: contact.phone, type: 'voice' }] : [];
    return present({
      id,
      organization_id: organization.id,
      name: document.name,
      description: document.summary,
      url: page,
      email: contact.email,
      status: 'active',
      application_process: [
        `Schools in ${laName} ask for this support through ${serviceName} (${page}, for signed-in school staff).`,
        contact.route ? `The provider says: ${contact.route}` : undefined,
      ]
        .filter(Boolean)
        .join(' '),
      fees_description: document.fundedByLa
        ? `Funded by ${laName}: no cost to the school.`
        : document.dailyRatePence !== null
          ? `£${(document.dailyRatePence / 100).toFixed(2)} a day.`
          : undefined,
      accreditations: designated
        ? [PROVIDER_TYPE_LABELS[document.providerType], awardedOn && `awarded ${isoDate(awardedOn)}`, expiresOn && `valid until ${isoDate(expiresOn)}`].filter(Boolean).join(', ')
        : undefined,
      assured_date: isoDate(document.publishedAt),
      last_modified: new Date(document.updatedAt).toISOString(),
      organization,
      service_areas: document.areas.map((area) => ({ id: stableUuid(`service_area:${document.id}:${area}`), service_id: id, name: area, description: `${area}, as the provider describes where they work.` })),
      // Where and how a school reaches the provider: through the council's service, online.
      service_at_locations: [
        {
          id: stableUuid(`service_at_location:${document.id}`),
          service_id: id,
          location_id: stableUuid(`location:${document.id}`),
          description: `Ask for this support through ${serviceName}.`,
          location: {
            id: stableUuid(`location:${document.id}`),
            location_type: 'virtual',
            url: page,
            name: `${serviceName}, ${laName}`,
            description: 'Schools sign in, read the pen portrait and ask for support; the provider answers there.',
          },
        },
      ],
      cost_options: costOptions(document, id, laName),
      funding: document.fundedByLa ? [{ id: stableUuid(`funding:${document.id}`), service_id: id, source: laName }] : [],
      contacts:
        contact.email || contact.phone
          ? [present({ id: stableUuid(`contact:${document.id}`), service_id: id, organization_id: organization.id, email: contact.email, phones: phones.length ? phones : undefined })]
          : [],
      phones,
      attributes,
    }) as HsdsService;
  }

  /** A service as the list answers it (service_list.json): no nested lists. */
  static listItem(service: HsdsService): Record<string, unknown> {
    const { phones, service_areas, service_at_locations, cost_options, funding, contacts, attributes, ...item } = service;
    void [phones, service_areas, service_at_locations, cost_options, funding, contacts, attributes];
    return item;
  }

  /** An organisation as the list answers it (organization_list.json): without its services. */
  static organizationListItem(organization: HsdsOrganization): Omit<HsdsOrganization, 'services'> {
    const { services, ...item } = organization;
    void services;
    return item;
  }

  /** An organisation with its services in full (organization.json), each without the organisation again. */
  static fullOrganization(organization: HsdsOrganization): HsdsOrganization {
    return { ...organization, services: (organization.services ?? []).map(({ organization: _organization, ...service }) => (void _organization, service) as HsdsService) };
  }
}

function costOptions(document: DirectoryDocument, id: string, laName: string) {
  const option = { id: stableUuid(`cost_option:${document.id}`), service_id: id, currency: 'GBP' };
  if (document.fundedByLa) return [{ ...option, option: `Funded by ${laName}`, amount: 0, amount_description: 'No cost to the school' }];
  if (document.dailyRatePence !== null) return [{ ...option, option: 'Daily rate', amount: document.dailyRatePence / 100, amount_description: 'per day' }];
  return [];
}

export type Page<T> = {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
};

/** One page of items, in the Open Referral API's paging shape; a page past the end is empty. */
export function pageOf<T>(items: readonly T[], page: number, perPage: number): Page<T> {
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const contents = items.slice((page - 1) * perPage, page * perPage);
  return {
    total_items: items.length,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** The whole directory as one page of full services: the original feed at /open-data/directory.json. */
export function toHsdsPage(documents: readonly DirectoryDocument[], taxonomy: TaxonomySnapshot, publisher: Publisher): Page<HsdsService> {
  const catalogue = new HsdsCatalogue(documents, taxonomy, publisher);
  return pageOf(catalogue.services, 1, Math.max(1, catalogue.services.length));
}
