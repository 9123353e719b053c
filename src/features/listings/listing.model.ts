import { Schema, model, type InferSchemaType } from 'mongoose';

export const PROVIDER_TYPES = [
  'nle',
  'lle',
  'sle',
  'ast',
  'lead_professional',
  'professional_partner',
  'traded_service',
  'good_practice_school',
] as const;

export const PROVIDER_TYPE_LABELS: Record<(typeof PROVIDER_TYPES)[number], string> = {
  nle: 'National Leader of Education',
  lle: 'Local Leader of Education',
  sle: 'Specialist Leader of Education',
  ast: 'Advanced Skills Teacher',
  lead_professional: 'Lead professional',
  professional_partner: 'Professional partner',
  traded_service: 'Traded service',
  good_practice_school: 'Good-practice school',
};

export const LISTING_STATUSES = ['draft', 'submitted', 'approved', 'changes_requested', 'rejected', 'suspended'] as const;

/** A provider's pen portrait. The listings issue adds the full portrait and its approval workflow. */
const listingSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    providerType: { type: String, required: true, enum: PROVIDER_TYPES },
    organisation: { type: String, trim: true, maxlength: 200 },
    summary: { type: String, trim: true, maxlength: 400 },
    owners: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    status: { type: String, required: true, enum: LISTING_STATUSES, default: 'draft' },
  },
  { timestamps: true },
);

listingSchema.index({ owners: 1 });
listingSchema.index({ status: 1 });

export type ListingFields = InferSchemaType<typeof listingSchema>;
export const Listing = model('Listing', listingSchema);
