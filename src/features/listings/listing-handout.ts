import { Types } from 'mongoose';
import { Listing, type ListingFields } from './listing.model';
import { recommendingSchoolsOf } from './recommendations.service';

export type ContactShown = { name?: string; email?: string; phone?: string; route?: string };

/**
 * The contact details a provider gave for their pen portrait, as signed-in users see them on screen and on a
 * printed handout. (The public open-data feed carries only those the provider also ticked for it.)
 */
export function contactShown(contact: ListingFields['contact'] | null | undefined): ContactShown {
  const shown: ContactShown = {};
  if (contact?.name) shown.name = contact.name;
  if (contact?.email) shown.email = contact.email;
  if (contact?.phone) shown.phone = contact.phone;
  if (contact?.route) shown.route = contact.route;
  return shown;
}

export type HandoutDetails = { contact: ContactShown; recommendedBy: string[] };

/** What a printed shortlist adds to the directory's view of each provider: how to reach them and the schools recommending them. */
export async function handoutDetailsOf(listingIds: readonly string[]): Promise<Map<string, HandoutDetails>> {
  const ids = listingIds.filter((id) => Types.ObjectId.isValid(id));
  const [listings, recommenders] = await Promise.all([
    Listing.find({ _id: { $in: ids } }, { contact: 1 }).lean(),
    recommendingSchoolsOf(ids.map((id) => new Types.ObjectId(id))),
  ]);
  return new Map(
    listings.map((listing) => {
      const id = listing._id.toString();
      return [id, { contact: contactShown(listing.contact), recommendedBy: recommenders.get(id) ?? [] }];
    }),
  );
}
