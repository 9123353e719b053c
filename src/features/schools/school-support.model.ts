import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';

/** One decision about a school's support level: who set it, when, why, and when to look again. */
const levelDecisionSchema = new Schema(
  {
    level: { type: String, required: true, maxlength: 20 },
    levelLabel: { type: String, required: true, maxlength: 100 },
    setBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    setAt: { type: Date, required: true },
    reason: { type: String, required: true, trim: true, maxlength: 2000 },
    reviewDue: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * A school's support level and its history, kept apart from the School record because it is
 * sensitive: only the school, its SIP and Traded Services may see it (schools.service decides).
 * `current` and `history` change together in one single-document update.
 */
const schoolSupportSchema = new Schema(
  {
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    current: { type: levelDecisionSchema, required: true },
    history: { type: [levelDecisionSchema], default: [] },
  },
  { timestamps: true },
);
schoolSupportSchema.index(...scalarIndex({ school: 1 }, { unique: true }));

export type LevelDecision = InferSchemaType<typeof levelDecisionSchema>;
export type SchoolSupportFields = InferSchemaType<typeof schoolSupportSchema>;
export const SchoolSupport = model('SchoolSupport', schoolSupportSchema);
