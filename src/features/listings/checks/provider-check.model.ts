import '../../../db/mongoose-setup';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { scalarIndex } from '../../../db/scalar-index';
import { CHECK_KINDS } from './check-kinds';

/** One submission of a check: its facts (check-status.ts), the evidence document, who sent it and who verified it. */
const submissionSchema = new Schema(
  {
    datedOn: { type: Date },
    endsOn: { type: Date },
    updateService: { type: Boolean },
    updateServiceRenewsOn: { type: Date },
    evidence: { type: Schema.Types.ObjectId, ref: 'StoredFile', required: true },
    submittedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    submittedAt: { type: Date, required: true },
    verifiedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    verifiedAt: { type: Date },
  },
  { _id: false },
);

/**
 * One kind of check for one listing: the verified submission (the one that counts) and a newer one
 * waiting for Traded Services, so a renewal sent before the old check lapses never takes the listing out
 * of the directory. When Traded Services verify, the waiting one replaces the verified one (whose
 * evidence is deleted); when they return it, it goes, with their reason kept for the provider.
 */
const providerCheckSchema = new Schema(
  {
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    kind: { type: String, required: true, enum: CHECK_KINDS },
    verified: { type: submissionSchema },
    waiting: { type: submissionSchema },
    // 'waiting' exactly while `waiting` is set: an indexed marker for Traded Services' queue.
    waitingState: { type: String, enum: ['waiting'] },
    returned: {
      reason: { type: String, trim: true, maxlength: 2000 },
      at: { type: Date },
      by: { type: Schema.Types.ObjectId, ref: 'User' },
    },
  },
  { timestamps: true },
);

providerCheckSchema.index(...scalarIndex({ listing: 1, kind: 1 }, { unique: true }));
providerCheckSchema.index(...scalarIndex({ waitingState: 1 }));

export type CheckSubmission = InferSchemaType<typeof submissionSchema>;
export type ProviderCheckRecord = InferSchemaType<typeof providerCheckSchema> & { _id: Types.ObjectId; updatedAt: Date };
export const ProviderCheck = model('ProviderCheck', providerCheckSchema);
