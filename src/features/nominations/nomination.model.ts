import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/**
 * A school identified as good practice in some areas (seed 001: "a directory of identified good practice",
 * found at the SIP's summer-term visit), by its SIP or Traded Services. The school is invited to publish a
 * good-practice listing: it names who will lead the support (or the nominator did), Traded Services invite
 * that person, and a draft listing is started for them, which then follows the normal rules.
 */
const nominationSchema = new Schema(
  {
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    /** Category slugs from the taxonomy. */
    areas: { type: [String], default: [] },
    note: { type: String, trim: true, maxlength: 1000 },
    nominatedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Who at the school will lead the support, once someone has said. */
    contact: {
      type: new Schema({ name: { type: String, trim: true, maxlength: 100 }, email: { type: String, trim: true, lowercase: true, maxlength: 254 } }, { _id: false }),
      default: undefined,
    },
    invitedAt: { type: Date },
    invitedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    /** The draft good-practice listing started for the contact. */
    listing: { type: Schema.Types.ObjectId, ref: 'Listing' },
  },
  { timestamps: true },
);

nominationSchema.index(...scalarIndex({ school: 1, createdAt: -1 }));
nominationSchema.index({ invitedAt: 1 });

export type NominationFields = InferSchemaType<typeof nominationSchema>;
export type NominationRecord = NominationFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const Nomination = model('Nomination', nominationSchema);
