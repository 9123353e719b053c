import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { isListedInDirectory } from '../listings/listing-visibility';
import { claimOnce } from '../../db/claims';
import { lastListingChange, listingChangesAfter, pruneListingChanges } from '../listings/listing-changes';
import { findApprovedListings, findListings, findListingsUpdatedSince } from '../listings/listing-reads';
import { changeMarks } from '../../db/change-marks';
import { currentTaxonomy } from '../taxonomy/taxonomy-snapshot';
import { TAXONOMY_CHANGE_MARK } from '../taxonomy/term-kinds';
import { gridReferencesOf, SCHOOL_PLACES_CHANGE_MARK } from '../schools/school-places';
import { toDirectoryDocument, type DirectoryDocument, type ImpactSummary } from './directory-document';
import { impactSummariesForListings, type ImpactSummary as FeedbackSummary } from '../commissions/feedback/feedback.service';
import { DirectoryIndex } from './directory-index';
import { directorySnapshotSeq, loadDirectorySnapshot, loadSchoolGrids, saveDirectorySnapshot, saveSchoolGrids } from './directory-snapshot';

/**
 * Another instance's clock may run behind ours, so each look for changes reaches this far back
 * before our previous look began. A listing seen again unchanged (same updatedAt and revision) is skipped.
 */
const CLOCK_SKEW_MS = 5_000;

/**
 * Only what the directory shows or searches: pending revisions and files stay in the database; of the
 * contact details only those published as open data are kept, and of the owners only a key naming the
 * organisation (toDirectoryDocument).
 */
const INDEXED_FIELDS = {
  pendingRevision: 0,
  'contact.name': 0,
  evidence: 0,
  photo: 0,
  statusReason: 0,
} as const;

export type KeeperOptions = { graceDays: number; syncMs: number; logger?: Logger; now?: () => Date };

export type BuildReport = { milliseconds: number; readMilliseconds: number; documents: number; from: 'snapshot' | 'listings' };

/** More listings changed than this at once (a bulk import) and reading them all is quicker than one by one. */
const REBUILD_ABOVE_CHANGED = 500;
/** A new snapshot once the log has grown this much past the last, so a starting instance replays little. */
const SNAPSHOT_EVERY_CHANGES = 1_000;

/**
 * Builds the directory index and keeps it current on this and every other app instance, without
 * rebuilding it: before answering a search it reads (at most every syncMs) the listing-change log past
 * the last entry it applied, and adds, replaces or removes just the listings named there. It starts
 * from the latest directory snapshot when there is one. Review dates and the dates checks lapse are
 * checked against the clock on every search, so an overdue listing, or one whose required check lapsed
 * today, leaves the results at once; the same look drops it from memory.
 */
export class DirectoryIndexKeeper {
  private index: DirectoryIndex | undefined;
  /** Every published listing's review date, listed or already hidden, for Traded Services' review queue. */
  private reviewDue = new Map<string, number>();
  /** Every published listing's moment its first required check lapses, listed or already hidden. */
  private checksLapse = new Map<string, number>();
  /** Every published listing, listed or already hidden. */
  private approved = new Set<string>();
  private changesSince = new Date(0);
  private lastLookAt = 0;
  private taxonomySignature = '';
  private schoolPlacesSignature = '';
  private appliedSeq = 0;
  private snapshotSeq = 0;
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

  /**
   * Published listings whose review date has passed, whether still listed (within the grace period) or
   * already hidden, longest overdue first, as of a look for changes no older than syncMs.
   */
  async listingsDueForReview(): Promise<string[]> {
    await this.current();
    const now = this.now().getTime();
    return [...this.reviewDue]
      .filter(([, due]) => due <= now)
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => id);
  }

  /**
   * Published listings whose first required check lapses by this moment (already lapsed, or due soon),
   * soonest first, as of a look for changes no older than syncMs.
   */
  async listingsWithChecksLapsingBy(moment: Date): Promise<string[]> {
    await this.current();
    return [...this.checksLapse]
      .filter(([, lapse]) => lapse <= moment.getTime())
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => id);
  }

  /** How many listings are published (listed or not), as of a look for changes no older than syncMs. */
  async approvedListingCount(): Promise<number> {
    await this.current();
    return this.approved.size;
  }

  /** One build or look for changes at a time; callers arriving meanwhile wait for it. */
  sync(): Promise<void> {
    const look = async () => {
      if (!this.index || (await this.applyChanges()) === 'rebuild') await this.build({ fromListings: !!this.index });
    };
    this.inFlight ??= look().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Loads every listed provider, from the snapshot if there is a usable one, else from the listings
   * (and then leaves a snapshot for the next instance to start from).
   */
  async build(options: { fromListings?: boolean } = {}): Promise<BuildReport> {
    const started = performance.now();
    const [taxonomy, signatures, snapshot] = await Promise.all([
      currentTaxonomy(),
      this.readSignatures(),
      options.fromListings ? null : loadDirectorySnapshot(),
    ]);
    const lookStartedAt = snapshot?.takenAt ?? new Date();
    const loaded = snapshot ?? (await readListedProviders());
    const readMilliseconds = performance.now() - started;
    const index = new DirectoryIndex(taxonomy);
    const now = this.now();
    index.addAll(loaded.documents.filter((document) => isListedInDirectory(document, now, this.options.graceDays)));
    await this.placeProviders(index, signatures.schoolPlaces);
    this.index = index;
    this.reviewDue = new Map();
    this.checksLapse = new Map();
    this.approved = new Set();
    for (const document of loaded.documents) this.noteApproved(document.id, document);
    this.taxonomySignature = signatures.taxonomy;
    this.schoolPlacesSignature = signatures.schoolPlaces;
    this.appliedSeq = loaded.seq;
    this.markLook(lookStartedAt);
    if (snapshot) {
      this.snapshotSeq = snapshot.seq;
      if ((await this.applyChanges()) === 'rebuild') return this.build({ fromListings: true });
    } else {
      await this.saveSnapshot(loaded.seq, loaded.documents);
    }
    const milliseconds = performance.now() - started;
    const report: BuildReport = { milliseconds, readMilliseconds, documents: index.size, from: snapshot ? 'snapshot' : 'listings' };
    this.options.logger?.info({ ...report, milliseconds: Math.round(milliseconds), readMilliseconds: Math.round(readMilliseconds) }, 'directory index built');
    return report;
  }

  /** 'rebuild' when entries we need were pruned, or so many listings changed that reading them all is quicker. */
  private async applyChanges(): Promise<'applied' | 'rebuild'> {
    const index = this.index!;
    const lookStartedAt = new Date();
    const [signatures, log] = await Promise.all([this.readSignatures(), listingChangesAfter(this.appliedSeq)]);
    const changedIds = log.changes.some((change) => change.ids === null)
      ? await this.updatedSinceLastLook(index)
      : [...new Set(log.changes.flatMap((change) => change.ids ?? []))];
    if (log.gap || changedIds.length > REBUILD_ABOVE_CHANGED) return 'rebuild';
    if (signatures.taxonomy !== this.taxonomySignature) {
      index.replaceTaxonomy(await currentTaxonomy());
      this.taxonomySignature = signatures.taxonomy;
    }
    const now = this.now();
    if (changedIds.length > 0) {
      const changed = await findListings(changedIds, INDEXED_FIELDS);
      const impact = await impactOf(changed.map((listing) => listing._id));
      for (const id of changedIds) {
        index.remove(id);
        this.reviewDue.delete(id);
        this.checksLapse.delete(id);
        this.approved.delete(id);
      }
      for (const listing of changed) {
        this.noteApproved(listing._id.toString(), listing);
        if (isListedInDirectory(listing, now, this.options.graceDays)) index.upsert(toDirectoryDocument(listing, impact.get(listing._id.toString())));
      }
    }
    this.dropOverdue(index, now);
    if (signatures.schoolPlaces !== this.schoolPlacesSignature) {
      await this.placeProviders(index, signatures.schoolPlaces);
      this.schoolPlacesSignature = signatures.schoolPlaces;
    } else if (changedIds.length > 0) {
      await this.learnSchoolGrids(index);
    }
    this.appliedSeq = log.changes.at(-1)?.seq ?? this.appliedSeq;
    this.markLook(lookStartedAt);
    if (this.appliedSeq - this.snapshotSeq >= SNAPSHOT_EVERY_CHANGES) await this.refreshSnapshot();
    return 'applied';
  }

  /** After a bulk write that did not say which listings it touched: those updated since our last look. */
  private async updatedSinceLastLook(index: DirectoryIndex): Promise<string[]> {
    const recent = await findListingsUpdatedSince(this.changesSince);
    return recent
      .filter((listing) => {
        const known = index.get(listing._id.toString());
        return !known || known.revision !== listing.revision || known.updatedAt.getTime() !== listing.updatedAt?.getTime();
      })
      .map((listing) => listing._id.toString());
  }

  /** One instance (whoever claims it) reads the listings afresh and snapshots them; the log before the previous snapshot goes. */
  private async refreshSnapshot(): Promise<void> {
    const latest = (await directorySnapshotSeq()) ?? 0;
    this.snapshotSeq = Math.max(this.snapshotSeq, latest);
    if (this.appliedSeq - this.snapshotSeq < SNAPSHOT_EVERY_CHANGES || !(await claimOnce(`directory-snapshot:${this.appliedSeq}`))) return;
    const fresh = await readListedProviders();
    await this.saveSnapshot(fresh.seq, fresh.documents);
    await pruneListingChanges(latest);
  }

  private async saveSnapshot(seq: number, documents: readonly DirectoryDocument[]): Promise<void> {
    await saveDirectorySnapshot(seq, documents);
    this.snapshotSeq = seq;
  }

  private noteApproved(id: string, listing: { status: string; reviewDueOn?: Date | null; checksLapseOn?: Date | null }): void {
    if (listing.status !== 'approved') return;
    this.approved.add(id);
    if (listing.reviewDueOn) this.reviewDue.set(id, new Date(listing.reviewDueOn).getTime());
    if (listing.checksLapseOn) this.checksLapse.set(id, new Date(listing.checksLapseOn).getTime());
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

  /** The taxonomy's and the schools' change marks, in one read by _id. */
  private async readSignatures(): Promise<{ taxonomy: string; schoolPlaces: string }> {
    const marks = await changeMarks([TAXONOMY_CHANGE_MARK, SCHOOL_PLACES_CHANGE_MARK]);
    return { taxonomy: marks[TAXONOMY_CHANGE_MARK], schoolPlaces: marks[SCHOOL_PLACES_CHANGE_MARK] };
  }

  /**
   * Every listed provider's base: the employing schools' grid references saved as of the schools' current
   * change mark, with any schools missing from them read and the whole saved again; or, when the schools
   * changed since (a GIAS import), all of them read afresh and saved for the other instances.
   */
  private async placeProviders(index: DirectoryIndex, schoolPlacesMark: string): Promise<void> {
    const saved = await loadSchoolGrids(schoolPlacesMark);
    if (saved) {
      index.setSchoolGrids(saved, { replace: true });
      if (index.schoolsWithoutGrid(index.documents()).length === 0) return;
      await this.learnSchoolGrids(index);
    } else {
      index.setSchoolGrids(await gridReferencesOf(index.employingSchools()), { replace: true });
    }
    await saveSchoolGrids(schoolPlacesMark, index.schoolGridMap());
  }

  /** The grid references of employing schools the index does not know yet (no read when it knows them all). */
  private async learnSchoolGrids(index: DirectoryIndex): Promise<void> {
    index.setSchoolGrids(await gridReferencesOf(index.schoolsWithoutGrid(index.documents())));
  }
}

/**
 * Every published listing (listed or not yet reviewed: the clock decides at each search), as of the
 * change-log entry read first, so any write during the read is replayed afterwards.
 */
async function readListedProviders(): Promise<{ seq: number; documents: DirectoryDocument[] }> {
  const seq = await lastListingChange();
  const listings = await findApprovedListings(INDEXED_FIELDS);
  const impact = await impactOf(listings.map((listing) => listing._id));
  return { seq, documents: listings.map((listing) => toDirectoryDocument(listing, impact.get(listing._id.toString()))) };
}

/** Each listing's aggregated impact ratings, where enough schools have responded, as the directory ranks them. */
async function impactOf(listingIds: Types.ObjectId[]): Promise<Map<string, ImpactSummary>> {
  const summaries = listingIds.length > 0 ? await impactSummariesForListings(listingIds) : new Map<string, FeedbackSummary>();
  return new Map([...summaries].map(([id, summary]) => [id, { score: Number(summary.overall), responses: summary.schools }]));
}
