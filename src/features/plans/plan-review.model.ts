import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { MILESTONE_STATUSES } from './plan-rules';

const entrySchema = new Schema(
  {
    milestone: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true, enum: MILESTONE_STATUSES },
    note: { type: String, trim: true, maxlength: 500 },
  },
  { _id: false },
);

/**
 * A SIP's termly review of a plan: progress per milestone, dated. Each review is a new document (the
 * latest in a term is the one that counts), so two reviews at once never overwrite each other.
 */
const planReviewSchema = new Schema({
  plan: { type: Schema.Types.ObjectId, ref: 'SupportPlan', required: true },
  school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
  termKey: { type: String, required: true },
  reviewedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  reviewedAt: { type: Date, required: true },
  entries: { type: [entrySchema], default: [] },
});

planReviewSchema.index(...scalarIndex({ plan: 1, reviewedAt: 1 }));

export type PlanReviewRecord = InferSchemaType<typeof planReviewSchema> & { _id: Types.ObjectId };
export const PlanReview = model('PlanReview', planReviewSchema);
