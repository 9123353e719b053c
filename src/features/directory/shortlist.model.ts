import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

/** Providers saved for one school by a SIP, Traded Services or the school itself. */
const shortlistSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 100 },
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    author: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { timestamps: true },
);

shortlistSchema.index(...scalarIndex({ author: 1, updatedAt: -1 }));
shortlistSchema.index(...scalarIndex({ school: 1, updatedAt: -1 }));

export const Shortlist = model('Shortlist', shortlistSchema);

/**
 * One provider on a shortlist, with the author's note. A document of its own rather than an array
 * element, so a note changes with one plain update (FerretDB has no positional updates).
 */
const shortlistEntrySchema = new Schema(
  {
    shortlist: { type: Schema.Types.ObjectId, ref: 'Shortlist', required: true },
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    note: { type: String, trim: true, maxlength: 1000, default: '' },
  },
  { timestamps: true },
);

shortlistEntrySchema.index(...scalarIndex({ shortlist: 1, listing: 1 }, { unique: true }));

export const ShortlistEntry = model('ShortlistEntry', shortlistEntrySchema);
