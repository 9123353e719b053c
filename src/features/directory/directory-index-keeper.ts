import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { isListedInDirectory } from '../listings/listing-visibility';
import { listingsChangeMark } from '../listings/listing-changes';
import { Listing } from '../listings/listing.model';
import { loadTaxonomySnapshot } from '../taxonomy/taxonomy-snapshot';
import { TaxonomyTerm } from '../taxonomy/taxonomy.model';
import { toDirectoryDocument, type DirectoryDocument, type ImpactSummary } from './directory-document';
import { impactSummariesForListings, type ImpactSummary as FeedbackSummary } from '../feedback/feedback.service';
import { DirectoryIndex } from './directory-index';

/**
 * Another instance's clock may run behind ours, so each look for changes reaches this far back
 * before our previous look began. A listing seen again unchanged (same updatedAt and revision) is skipped.
 */
const CLOCK_SKEW_MS = 5_000;

/** Only what the directory shows or searches: pending revisions, contacts, owners and files stay in the database. */
const INDEXED_FIELDS = {
  pendingRevision: 0,
  contact: 0,
  owners: 0,
  evidence: 0,
  photo: 0,
  statusReason: 0,
  employingSchool: 0,
} as const;

export type KeeperOptions = { graceDays: number; syncMs: number; logger?: Logger; now?: () => Date };

/**
 * Builds the directory index from the database and keeps it current, on this and every other app
 * instance, without rebuilding it: before answering a search it looks (at most every syncMs) for
 * listings changed since its last look, using the indexed updatedAt, and adds, replaces or removes
 * just those. Review dates are checked against the clock on every search, so an overdue listing
 * leaves the results at once; the same look drops it from memory.
 */
export class DirectoryIndexKeeper {
  private index: DirectoryIndex | undefined;
  private changesSince = new Date(0);
  private lastLookAt = 0;
  private taxonomySignature = '';
  private listingsMark = '';
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: KeeperOptions) {}

  get graceDays(): number {
    return this.options.graceDays;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The index, built on first use and brought up to date when the last look is older than syncMs. */
  async current(): Promise<DirectoryIndex> {
    if (!this.index || Date.now() - this.lastLookAt >= this.options.syncMs) await this.sync();
    return this.index!;
  }

  /** One build or look for changes at a time; callers arriving meanwhile wait for it. */
  sync(): Promise<void> {
    this.inFlight ??= (this.index ? this.applyChanges() : this.build().then(() => undefined)).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Loads every listed provider; returns how long it took (reading, and in all) and how many went in. */
  async build(): Promise<{ milliseconds: number; readMilliseconds: number; documents: number }> {
    const started = performance.now();
    const lookStartedAt = new Date();
    const [taxonomy, signature, mark, listings] = await Promise.all([
      loadTaxonomySnapshot(),
      this.readTaxonomySignature(),
      listingsChangeMark(),
      Listing.find({ status: 'approved' }, INDEXED_FIELDS).lean(),
    ]);
    this.listingsMark = mark;
    const readMilliseconds = performance.now() - started;
    const index = new DirectoryIndex(taxonomy);
    const now = this.now();
    const listed = listings.filter((listing) => isListedInDirectory(listing, now, this.options.graceDays));
    const impact = await impactOf(listed.map((listing) => listing._id));
    index.addAll(listed.map((listing) => toDirectoryDocument(listing, impact.get(listing._id.toString()))));
    this.index = index;
    this.taxonomySignature = signature;
    this.markLook(lookStartedAt);
    const milliseconds = performance.now() - started;
    this.options.logger?.info({ documents: index.size, milliseconds: Math.round(milliseconds), readMilliseconds: Math.round(readMilliseconds) }, 'directory index built');
    return { milliseconds, readMilliseconds, documents: index.size };
  }

  private async applyChanges(): Promise<void> {
    const index = this.index!;
    const lookStartedAt = new Date();
    // First only ids and versions (small, even just after a bulk import), then whole listings for those that changed.
    const [signature, mark] = await Promise.all([this.readTaxonomySignature(), listingsChangeMark()]);
    if (signature !== this.taxonomySignature) {
      index.replaceTaxonomy(await loadTaxonomySnapshot());
      this.taxonomySignature = signature;
    }
    const now = this.now();
    if (mark === this.listingsMark) {
      this.dropOverdue(index, now);
      this.lastLookAt = Date.now();
      return;
    }
    this.listingsMark = mark;
    const recent = await Listing.find({ updatedAt: { $gte: this.changesSince } }, { _id: 1, updatedAt: 1, revision: 1 }).lean();
    const changedIds = recent
      .filter((listing) => {
        const known = index.get(listing._id.toString());
        return !known || known.revision !== listing.revision || known.updatedAt.getTime() !== listing.updatedAt?.getTime();
      })
      .map((listing) => listing._id);
    const changed = changedIds.length > 0 ? await Listing.find({ _id: { $in: changedIds } }, INDEXED_FIELDS).lean() : [];
    const impact = await impactOf(changed.map((listing) => listing._id));
    for (const listing of changed) {
      const id = listing._id.toString();
      if (isListedInDirectory(listing, now, this.options.graceDays)) index.upsert(toDirectoryDocument(listing, impact.get(id)));
      else index.remove(id);
    }
    this.dropOverdue(index, now);
    this.markLook(lookStartedAt);
  }

  private dropOverdue(index: DirectoryIndex, now: Date): void {
    const overdue: DirectoryDocument[] = [];
    for (const document of index.documents()) if (!isListedInDirectory(document, now, this.options.graceDays)) overdue.push(document);
    for (const document of overdue) index.remove(document.id);
  }

  private markLook(startedAt: Date): void {
    this.changesSince = new Date(startedAt.getTime() - CLOCK_SKEW_MS);
    this.lastLookAt = Date.now();
  }

  /** Changes whenever any term is added or edited; terms are few, so reading their ids and times is cheap. */
  private async readTaxonomySignature(): Promise<string> {
    const terms = await TaxonomyTerm.find({}, { _id: 1, updatedAt: 1 }).sort({ _id: 1 }).lean();
    return terms.map((term) => `${term._id.toString()}@${term.updatedAt?.getTime() ?? 0}`).join(',');
  }
}

/** Each listing's aggregated impact ratings, where enough schools have responded, as the directory ranks them. */
async function impactOf(listingIds: Types.ObjectId[]): Promise<Map<string, ImpactSummary>> {
  const summaries = listingIds.length > 0 ? await impactSummariesForListings(listingIds) : new Map<string, FeedbackSummary>();
  return new Map([...summaries].map(([id, summary]) => [id, { score: Number(summary.overall), responses: summary.schools }]));
}
