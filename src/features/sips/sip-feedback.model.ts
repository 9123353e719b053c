import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { SIP_TEXT_LIMITS, type SipRating } from './sip-vocabulary';

/**
 * A head's termly word on their SIP: one per school per term (the unique index decides, on every back end),
 * about the SIP the school had when it was given.
 */
const sipFeedbackSchema = new Schema({
  school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
  /** An academic-calendar term key ("2026-27-1" is autumn 2026). */
  term: { type: String, required: true, maxlength: 10 },
  sip: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  givenBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  givenAt: { type: Date, required: true },
  /** One per SIP_RATINGS, 1 (poor) to 5 (excellent). */
  ratings: {
    type: new Schema(
      {
        challenge: { type: Number, required: true, min: 1, max: 5 },
        evaluation: { type: Number, required: true, min: 1, max: 5 },
        brokering: { type: Number, required: true, min: 1, max: 5 },
      } satisfies Record<SipRating, unknown>,
      { _id: false },
    ),
    required: true,
  },
  comment: { type: String, trim: true, maxlength: SIP_TEXT_LIMITS.feedbackComment },
});

sipFeedbackSchema.index(...scalarIndex({ school: 1, term: 1 }, { unique: true }));
sipFeedbackSchema.index(...scalarIndex({ sip: 1, givenAt: -1 }));

export type SipFeedbackFields = InferSchemaType<typeof sipFeedbackSchema>;
export const SipFeedback = model('SipFeedback', sipFeedbackSchema);
