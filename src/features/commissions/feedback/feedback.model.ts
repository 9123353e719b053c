import '../../../db/mongoose-setup';
import { scalarIndex } from '../../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';

import { OBJECTIVES_MET, isLowRated } from './ratings';

export { RATING_LABELS, RATINGS } from './ratings';
export type { Rating } from './ratings';


const rating = { type: Number, required: true, min: 1, max: 5 };

/** A school's impact feedback on one completed commission: one per commission (the unique index says so). */
const feedbackSchema = new Schema(
  {
    commission: { type: Schema.Types.ObjectId, ref: 'Commission', required: true },
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    givenBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    // Copied from the commission so reports group ratings without joins (FerretDB has no $lookup).
    listingName: { type: String, required: true },
    categories: { type: [String], default: [] },
    termKey: { type: String, required: true },
    supportLevel: { type: String },
    ratings: { type: new Schema({ quality: rating, impact: rating, value: rating, recommend: rating }, { _id: false }), required: true },
    // How far the objectives were met; feedback given before the question was asked has none.
    objectivesMet: { type: String, enum: OBJECTIVES_MET },
    whatChanged: { type: String, required: true, maxlength: 3000 },
    evidence: { type: Schema.Types.ObjectId, ref: 'FeedbackEvidence' },
    // 'low_rating' when the ratings average below 3 (set from them on every save), so Traded Services'
    // list of feedback needing attention finds it by an index instead of reading every feedback record.
    attention: { type: String, enum: ['low_rating'] },
  },
  { timestamps: true },
);
/** The attention marker feedback with these ratings carries (writes that skip validation set it with this). */
export const attentionFor = (ratings: Parameters<typeof isLowRated>[0]) => (isLowRated(ratings) ? ('low_rating' as const) : undefined);
feedbackSchema.pre('validate', function () {
  this.attention = this.ratings ? attentionFor(this.ratings) : undefined;
});
feedbackSchema.index(...scalarIndex({ commission: 1 }, { unique: true }));
feedbackSchema.index(...scalarIndex({ listing: 1 }));
feedbackSchema.index({ createdAt: -1 });
feedbackSchema.index(...scalarIndex({ attention: 1 }));

/** An evidence PDF, kept in the database (FerretDB has no GridFS), no larger than UPLOAD_MAX_DOCUMENT_MB. */
const evidenceSchema = new Schema({
  filename: { type: String, required: true, maxlength: 200 },
  data: { type: Buffer, required: true },
  size: { type: Number, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
});

export type FeedbackFields = InferSchemaType<typeof feedbackSchema>;
export const Feedback = model('Feedback', feedbackSchema);
export const FeedbackEvidence = model('FeedbackEvidence', evidenceSchema, 'feedback_evidence');
