import { NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../accounts/accounts.service';
import { ROLES, ROLE_LABELS } from '../accounts/roles';
import { User } from '../accounts/user.model';
import { Listing, LISTING_STATUSES, listingsOwnedBy, PROVIDER_TYPE_LABELS } from '../listings/listing.model';
import { School } from '../schools/school.model';

export async function schoolDashboard(user: SessionUser) {
  const school = user.schoolId ? await School.findById(user.schoolId).lean() : null;
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

export async function tradedServicesDashboard() {
  const [usersByRole, listingsByStatus, schools] = await Promise.all([
    Promise.all(ROLES.map(async (role) => ({ label: ROLE_LABELS[role], count: await User.countDocuments({ role, active: true }) }))),
    Promise.all(LISTING_STATUSES.map(async (status) => ({ status, count: await Listing.countDocuments({ status }) }))),
    School.countDocuments(),
  ]);
  return { usersByRole, listingsByStatus: listingsByStatus.filter((row) => row.count > 0), schools };
}
