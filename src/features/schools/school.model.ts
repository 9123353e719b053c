import { Schema, model, type InferSchemaType } from 'mongoose';

/** A school, keyed by its DfE Unique Reference Number. The GIAS import fills the rest in later. */
const schoolSchema = new Schema(
  {
    urn: { type: String, required: true, unique: true, match: /^\d{6}$/ },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    localAuthority: { type: String, trim: true, maxlength: 100 },
    phase: { type: String, trim: true, maxlength: 50 },
    postcode: { type: String, trim: true, maxlength: 10 },
  },
  { timestamps: true },
);

schoolSchema.index({ name: 1 });

export type SchoolFields = InferSchemaType<typeof schoolSchema>;
export const School = model('School', schoolSchema);
