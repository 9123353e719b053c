import type { ListingTermField, TermUsage } from '../taxonomy/term-references';
import { Listing } from './listing.model';

/** The taxonomy's questions about the listings that use its terms (see TermUsage). */
export const listingTermUsage: TermUsage = {
  countsByTerm: (field) =>
    Listing.aggregate<{ _id: string; count: number }>([{ $unwind: `$${field}` }, { $group: { _id: `$${field}`, count: { $sum: 1 } } }]),

  // Two single-document-safe steps per field: add the target, then pull the source.
  async replaceTerm(field: ListingTermField, source, target) {
    let listingsUpdated = 0;
    for (const path of [field, `pendingRevision.${field}`]) {
      await Listing.updateMany({ [path]: source }, { $addToSet: { [path]: target } });
      const pulled = await Listing.updateMany({ [path]: source }, { $pull: { [path]: source }, $inc: { revision: 1 } });
      if (path === field) listingsUpdated = pulled.modifiedCount;
    }
    return listingsUpdated;
  },
};
