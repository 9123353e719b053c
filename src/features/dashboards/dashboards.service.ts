import { NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { ROLES, ROLE_LABELS } from '../../web/identity';
import { activeUsersWithRole } from '../accounts/accounts.service';
import { LRUCache } from 'lru-cache';
import { countListingsWithStatus, listingsOwnedBy } from '../listings/listing-reads';
import { countListingsBelowTwoRecommendations } from '../listings/recommendation-standing';
import { LISTING_STATUSES, type ListingStatus, PROVIDER_TYPE_LABELS } from '../listings/listing-vocabulary';
import { countSchools, findSchoolById } from '../schools/school-reads';

export async function schoolDashboard(user: SessionUser) {
  const school = user.schoolId ? await findSchoolById(user.schoolId) : null;
  if (!school) throw new NotFoundError('This account is not linked to a school');
  return { school: { name: school.name, urn: school.urn, localAuthority: school.localAuthority, phase: school.phase } };
}

export async function providerDashboard(user: SessionUser) {
  const listings = await listingsOwnedBy(user.id);
  return {
    listings: listings.map((listing) => ({
      name: listing.name,
      type: PROVIDER_TYPE_LABELS[listing.providerType],
      status: listing.status,
    })),
  };
}

/**
 * Counts that read most of a big collection on FerretDB (every school; the published listings: about
 * 0.5 s and 1.1 s at national scale), kept for a minute and shared by every request meanwhile. The
 * small counts (listings waiting for a decision, users by role) use an index and are always current.
 */
const LARGE_COUNT_SECONDS = 60;
const largeCounts = new LRUCache<'schools' | 'approved', number>({
  max: 2,
  ttl: LARGE_COUNT_SECONDS * 1000,
  allowStale: true,
  fetchMethod: (key) => (key === 'schools' ? countSchools() : countListingsWithStatus('approved')),
});

const countListings = async (status: ListingStatus) =>
  status === 'approved' ? ((await largeCounts.fetch('approved')) ?? 0) : countListingsWithStatus(status);

export async function tradedServicesDashboard() {
  const [usersByRole, listingsByStatus, schools, belowTwoRecommendations] = await Promise.all([
    Promise.all(ROLES.map(async (role) => ({ label: ROLE_LABELS[role], count: await activeUsersWithRole(role) }))),
    Promise.all(LISTING_STATUSES.map(async (status) => ({ status, count: await countListings(status) }))),
    largeCounts.fetch('schools').then((count) => count ?? 0),
    countListingsBelowTwoRecommendations(),
  ]);
  return { usersByRole, listingsByStatus: listingsByStatus.filter((row) => row.count > 0), schools, belowTwoRecommendations };
}
