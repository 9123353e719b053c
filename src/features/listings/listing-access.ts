import type { SessionUser } from '../../web/identity';
import type { ListingStatus } from './listing-vocabulary';

/** The parts of a listing that decide who may do what with it. */
export type AccessFacts = { status: ListingStatus | string; owners: { toString(): string }[] };

const EDITABLE: readonly string[] = ['draft', 'changes_requested', 'approved', 'suspended'];
const SUBMITTABLE: readonly string[] = ['draft', 'changes_requested'];

export function isOwnerOf(user: SessionUser, listing: AccessFacts): boolean {
  return user.role === 'provider' && listing.owners.some((owner) => owner.toString() === user.id);
}

export function canCreateListings(user: SessionUser): boolean {
  return user.role === 'provider';
}

/** Owners edit drafts and live listings; a listing under review or rejected is read-only. */
export function canEditListing(user: SessionUser, listing: AccessFacts): boolean {
  return isOwnerOf(user, listing) && EDITABLE.includes(listing.status);
}

export function canSubmitListing(user: SessionUser, listing: AccessFacts): boolean {
  return isOwnerOf(user, listing) && SUBMITTABLE.includes(listing.status);
}

export function canDecideListings(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** Owners and Traded Services see every version, the listing's status and its history. */
export function canManageListing(user: SessionUser, listing: AccessFacts): boolean {
  return canDecideListings(user) || isOwnerOf(user, listing);
}
