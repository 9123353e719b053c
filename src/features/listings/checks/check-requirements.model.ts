import '../../../db/mongoose-setup';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { PROVIDER_TYPES } from '../listing-vocabulary';

const providerTypes = { type: [{ type: String, enum: PROVIDER_TYPES }], default: [] };
const months = { type: Number, min: 1, max: 240 };

/**
 * The LA's vetting rules (one document, key 'current'): which provider types need which check, and how
 * many months a DBS certificate and safeguarding training are accepted for (unset: no expiry from the
 * date alone). No document, or a type in no list, means nothing is required of it.
 */
const checkRequirementsSchema = new Schema(
  {
    key: { type: String, required: true, unique: true, default: 'current' },
    requiredFor: {
      dbs: providerTypes,
      safeguarding: providerTypes,
      insurance: providerTypes,
      dpa: providerTypes,
    },
    acceptedMonths: { dbs: months, safeguarding: months },
  },
  { timestamps: true },
);

export type CheckRequirementsFields = InferSchemaType<typeof checkRequirementsSchema>;
export const CheckRequirements = model('CheckRequirements', checkRequirementsSchema);
