import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { actOnCommission } from '../../src/features/commissions/commissions.service';
import { Commission } from '../../src/features/commissions/commission.model';
import { Shortlist, ShortlistEntry } from '../../src/features/directory/shortlist.model';
import { Feedback } from '../../src/features/commissions/feedback/feedback.model';
import { Listing } from '../../src/features/listings/listing.model';
import { Recommendation } from '../../src/features/listings/recommendation.model';
import { createListing, requestAs } from './commission-factories';
import { createUser } from './factories';

/**
 * A provider and a school user who have worked together: the provider's published listing (with the
 * provider as its contact), the school's recommendation of it asked for by the provider, a commission
 * the school asked for and the provider accepted (so notifications and emails), the school's feedback
 * and a shortlist. Every text is marked with `label`, so a test can tell one world's data from another's.
 */
export async function providerAndSchoolWorld(label: string, phone: string) {
  const provider = await createUser('provider', { name: `${label} Provider Person`, email: `${label.toLowerCase()}.provider@test.example` });
  const schoolUser = await createUser('school', { name: `${label} Head Person`, email: `${label.toLowerCase()}.head@test.example` });
  const listing = await createListing([provider._id], { name: `${label} Maths Service` });
  await Listing.updateOne({ _id: listing._id }, { $set: { contact: { name: provider.name, email: provider.email, phone, route: 'Email first, please' } } });
  await Recommendation.create({
    listing: listing._id,
    school: schoolUser.schools![0],
    status: 'given',
    requestedBy: provider._id,
    requestedAt: new Date(),
    answeredBy: schoolUser._id,
    answeredAt: new Date(),
    workSeen: `${label} work seen`,
    statement: `${label} recommendation statement`,
  });
  const commission = await requestAs(toSessionUser(schoolUser), listing.id as string);
  const accepted = await actOnCommission(toSessionUser(provider), commission.id, 'accept');
  if (!accepted.ok) throw new Error('The provider could not accept the commission');
  await Commission.updateOne({ _id: commission.id }, { $set: { supportLevel: `${label} SECRET LEVEL` } });
  await Feedback.create({
    commission: commission.id,
    listing: listing._id,
    school: schoolUser.schools![0],
    givenBy: schoolUser._id,
    listingName: listing.name,
    termKey: '2026-autumn',
    ratings: { quality: 5, impact: 4, value: 4, recommend: 5 },
    whatChanged: `${label} feedback words`,
  });
  const shortlist = await Shortlist.create({ title: `${label} shortlist`, school: schoolUser.schools![0], author: schoolUser._id });
  await ShortlistEntry.create({ shortlist: shortlist._id, listing: listing._id, note: `${label} shortlist note` });
  return { provider, schoolUser, listing, commission, phone };
}
