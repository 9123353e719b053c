import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';

export const RECOMMENDATION_STATUSES = ['requested', 'given', 'declined', 'withdrawn'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/**
 * One school's recommendation of one listing, from the provider's request (or the school's own
 * initiative) to the school's answer. The unique index is the "one per school per listing" rule.
 */
const recommendationSchema = new Schema(
  {
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    status: { type: String, required: true, enum: RECOMMENDATION_STATUSES },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    requestedAt: { type: Date },
    answeredBy: { type: Schema.Types.ObjectId, ref: 'User' },
    answeredAt: { type: Date },
    statement: { type: String, trim: true, maxlength: 1000 },
    workSeen: { type: String, trim: true, maxlength: 200 },
  },
  { timestamps: true },
);

recommendationSchema.index(...scalarIndex({ listing: 1, school: 1 }, { unique: true }));
recommendationSchema.index(...scalarIndex({ school: 1, status: 1 }));

export type RecommendationFields = InferSchemaType<typeof recommendationSchema>;
export const Recommendation = model('Recommendation', recommendationSchema);
