import type { Types } from 'mongoose';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { type SessionUser } from '../../src/web/identity';
import type { Role } from '../../src/web/identity';
import { requestCommission } from '../../src/features/commissions/commissions.service';
import type { CommissionRequestForm } from '../../src/features/commissions/commissions.schemas';
import { Listing } from '../../src/features/listings/listing.model';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { createUser } from './factories';

export async function createListing(
  owners: Types.ObjectId[],
  overrides: Partial<{ name: string; capacity: { days: number; period: 'term' | 'year' }; dailyRatePence: number; fundedByLa: boolean; arrangedByLa: boolean; status: string }> = {},
) {
  await ensureDefaultTaxonomy();
  return Listing.create({
    name: overrides.name ?? 'Test listing',
    providerType: 'sle',
    expertise: ['mathematics-and-numeracy', 'leadership-and-management'],
    owners,
    capacity: overrides.capacity ?? { days: 10, period: 'term' },
    dailyRatePence: overrides.dailyRatePence ?? 45000,
    fundedByLa: overrides.fundedByLa ?? false,
    arrangedByLa: overrides.arrangedByLa ?? false,
    status: overrides.status ?? 'approved',
  });
}

export async function sessionUserFor(role: Role, overrides: Parameters<typeof createUser>[1] = {}): Promise<SessionUser & { email: string }> {
  const user = await createUser(role, overrides);
  return { ...toSessionUser(user), email: user.email };
}

export const START_IN_AUTUMN_2026 = new Date('2026-10-05T00:00:00Z');

export function requestForm(listingId: string, overrides: Partial<CommissionRequestForm> = {}): CommissionRequestForm {
  return {
    listing: listingId,
    school: undefined,
    need: 'KS2 maths progress is below national',
    categories: ['mathematics-and-numeracy'],
    objectives: 'Improve arithmetic fluency in Year 5 and 6',
    successCriteria: 'Arithmetic scores up 10% by summer',
    days: 3,
    startOn: START_IN_AUTUMN_2026,
    funding: 'school',
    ...overrides,
  };
}

/** A school's direct request, made through the service as the school would. */
export async function requestAs(school: SessionUser, listingId: string, overrides: Partial<CommissionRequestForm> = {}) {
  const result = await requestCommission(school, requestForm(listingId, overrides));
  if (!result.ok) throw new Error(result.message);
  return result;
}
