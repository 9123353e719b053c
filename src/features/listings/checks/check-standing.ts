import type { Types } from 'mongoose';
import { paths } from '../../../paths';
import { recordAudit } from '../../audit/audit.service';
import { notify } from '../../notifications/notifications.service';
import { Listing } from '../listing.model';
import { CHECK_LABELS, type CheckKind } from './check-kinds';
import { currentRequirements, requiredKindsFor, type Requirements } from './check-requirements';
import { checksHoldBack, listingCheckSummary, type CheckRecordFacts, type ListingCheckSummary } from './check-status';
import { ProviderCheck } from './provider-check.model';

/**
 * Keeps each listing's summary of its checks (checksState, checksLapseOn) true to its check records and
 * the LA's rules, so the directory decides from the listing alone (listing-visibility.ts). Rewritten
 * whenever a check is verified, the rules change, or a listing's type changes.
 */

type ListingFacts = { _id: Types.ObjectId; name: string; providerType: string; status: string; owners?: Types.ObjectId[]; checksState?: string | null; checksLapseOn?: Date | null };
const FACTS = { name: 1, providerType: 1, status: 1, owners: 1, checksState: 1, checksLapseOn: 1 } as const;

export type SummaryChange = { listing: ListingFacts; heldBackBefore: boolean; heldBackAfter: boolean; missing: CheckKind[] };

const same = (listing: ListingFacts, summary: ListingCheckSummary) =>
  (listing.checksState ?? null) === summary.state && (listing.checksLapseOn?.getTime() ?? null) === (summary.lapsesOn?.getTime() ?? null);

/** Each listing's check records by kind. */
async function recordsOf(listingIds: Types.ObjectId[]): Promise<Map<string, Map<CheckKind, CheckRecordFacts>>> {
  const records = await ProviderCheck.find({ listing: { $in: listingIds } }, { listing: 1, kind: 1, verified: 1 }).lean();
  const byListing = new Map<string, Map<CheckKind, CheckRecordFacts>>();
  for (const record of records) {
    const key = record.listing.toString();
    if (!byListing.has(key)) byListing.set(key, new Map());
    byListing.get(key)!.set(record.kind as CheckKind, { verified: record.verified });
  }
  return byListing;
}

async function applySummary(listing: ListingFacts, records: Map<CheckKind, CheckRecordFacts>, requirements: Requirements, now: Date): Promise<SummaryChange> {
  const required = requiredKindsFor(requirements, listing.providerType);
  const summary = listingCheckSummary(required, records, requirements.accepted);
  const heldBackBefore = checksHoldBack(listing, now);
  const change = { listing, heldBackBefore, heldBackAfter: checksHoldBack({ checksState: summary.state, checksLapseOn: summary.lapsesOn }, now), missing: required.filter((kind) => !records.get(kind)?.verified) };
  if (same(listing, summary)) return change;
  const set = { ...(summary.state ? { checksState: summary.state } : {}), ...(summary.lapsesOn ? { checksLapseOn: summary.lapsesOn } : {}) };
  const unset = { ...(summary.state ? {} : { checksState: 1 }), ...(summary.lapsesOn ? {} : { checksLapseOn: 1 }) };
  await Listing.updateOne({ _id: listing._id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}), $inc: { revision: 1 } });
  return change;
}

/** Re-sums one listing's checks; says whether its checks held it back before and after. */
export async function refreshCheckSummary(listingId: Types.ObjectId, now = new Date()): Promise<SummaryChange | null> {
  const listing = await Listing.findById(listingId, FACTS).lean<ListingFacts>();
  if (!listing) return null;
  const [requirements, records] = await Promise.all([currentRequirements(), recordsOf([listing._id])]);
  return applySummary(listing, records.get(listing._id.toString()) ?? new Map(), requirements, now);
}

/**
 * After the rules change: re-sums every listing. A published listing that now lacks a required check
 * leaves the directory; its owners are told which, and its history says so. Returns how many left.
 */
export async function refreshAllCheckSummaries(requirements: Requirements, actor: Types.ObjectId, now = new Date()): Promise<number> {
  const listings = await Listing.find({}, FACTS).lean<ListingFacts[]>();
  const records = await recordsOf(listings.map((listing) => listing._id));
  let left = 0;
  for (const listing of listings) {
    const change = await applySummary(listing, records.get(listing._id.toString()) ?? new Map(), requirements, now);
    if (listing.status !== 'approved' || change.heldBackBefore || !change.heldBackAfter) continue;
    left++;
    const missing = change.missing.map((kind) => CHECK_LABELS[kind]).join(', ');
    await recordAudit({ actor, action: 'listing_checks_required', subjectType: 'Listing', subjectId: listing._id, changes: { missing: change.missing } });
    await notify(listing.owners ?? [], {
      subject: `Traded Services now need checks for ${listing.name}`,
      text: `Traded Services now need these checks from providers like you: ${missing}. Until you record ${change.missing.length === 1 ? 'it' : 'them'} and Traded Services verify ${change.missing.length === 1 ? 'it' : 'them'}, ${listing.name} is not shown in the directory.`,
      href: paths.listings.checks(listing._id.toString()),
    });
  }
  return left;
}
