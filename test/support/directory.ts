import { Types } from 'mongoose';
import type { DirectoryDocument } from '../../src/features/directory/directory-document';
import { DirectoryIndex } from '../../src/features/directory/directory-index';
import type { DirectorySource } from '../../src/features/directory/directory.service';
import { Listing } from '../../src/features/listings/listing.model';
import { TaxonomySnapshot, type TermRecord } from '../../src/features/taxonomy/taxonomy-snapshot';
import { DEFAULT_TAXONOMY } from '../../src/features/taxonomy/taxonomy.defaults';
import { TERM_KINDS } from '../../src/features/taxonomy/term-kinds';

/** The default taxonomy as a snapshot, without a database. */
export function defaultTaxonomy(extra: TermRecord[] = []): TaxonomySnapshot {
  const records: TermRecord[] = TERM_KINDS.flatMap((kind) =>
    DEFAULT_TAXONOMY[kind].map((term, order) => ({
      kind,
      slug: term.slug,
      label: term.label,
      synonyms: term.synonyms ?? [],
      categories: term.categories ?? [],
      providerTypes: term.providerTypes ?? [],
      status: 'active' as const,
      order,
    })),
  );
  return new TaxonomySnapshot([...records, ...extra]);
}

export function directoryDocument(overrides: Partial<DirectoryDocument> = {}): DirectoryDocument {
  return {
    id: new Types.ObjectId().toString(),
    name: 'A provider',
    providerType: 'sle',
    organisation: 'Testshire School',
    summary: '',
    experience: '',
    expertise: [],
    phases: [],
    subjects: [],
    contexts: [],
    offers: [],
    areas: [],
    employingSchoolId: null,
    capacity: { days: 5, period: 'term' },
    fundedByLa: false,
    dailyRatePence: 40_000,
    designation: { awardedOn: null, expiresOn: null },
    status: 'approved',
    reviewDueOn: null,
    publishedAt: null,
    revision: 1,
    updatedAt: new Date('2026-01-01'),
    ...overrides,
  };
}

/** An index held in memory, served the way the keeper serves the real one. */
export function inMemorySource(documents: DirectoryDocument[], options: { now?: Date; graceDays?: number } = {}) {
  const index = new DirectoryIndex(defaultTaxonomy());
  index.addAll(documents);
  const source: DirectorySource = {
    current: async () => index,
    now: () => options.now ?? new Date('2026-03-01'),
    graceDays: options.graceDays ?? 30,
  };
  return { index, source };
}

/** A published listing in the database, as the listings feature will leave it after approval. */
export async function createListedListing(overrides: Record<string, unknown> = {}) {
  return Listing.create({
    name: `Provider ${new Types.ObjectId().toString().slice(-6)}`,
    providerType: 'sle',
    organisation: 'Testshire School',
    summary: 'Support for schools',
    status: 'approved',
    fundedByLa: false,
    revision: 1,
    publishedAt: new Date(),
    ...overrides,
  });
}

/** The providers' names on a results page, in the order shown (each result card's heading link). */
export function resultNamesIn(html: string): string[] {
  return [...html.matchAll(/<article class="app-provider app-provider--result">\s*<h\d [^>]*><a class="govuk-link" href="\/listings\/[0-9a-f]+">([^<]+)<\/a>/g)].map((m) =>
    m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}
