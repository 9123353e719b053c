import '../../db/mongoose-setup';
import { Schema, model, type InferSchemaType } from 'mongoose';

const supportLevelSchema = new Schema(
  {
    code: { type: String, required: true, trim: true, maxlength: 20 },
    label: { type: String, required: true, trim: true, maxlength: 100 },
    description: { type: String, trim: true, maxlength: 1000 },
    /** LA-funded support days a year a school at this level may have; unset means none promised. */
    entitlementDays: { type: Number, min: 0, max: 365 },
    /** Visits a year from the LA's officer (Derby: its SSIO); unset means the scheme promises none. */
    visitsPerYear: { type: Number, min: 0, max: 52 },
    /** Visits a year for a school not buying the LA's package, where the scheme says so. */
    visitsWithoutPackage: { type: Number, min: 0, max: 52 },
  },
  { _id: false },
);

/**
 * The LA's scheme of school support levels: data, not code. There is one scheme in use (the
 * document with key 'current'); Traded Services start it from a preset, then edit, add, remove and
 * reorder its levels. The levels' order is the array's order.
 */
const supportSchemeSchema = new Schema(
  {
    key: { type: String, required: true, unique: true, default: 'current' },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    preset: { type: String, maxlength: 50 },
    levels: { type: [supportLevelSchema], default: [] },
  },
  { timestamps: true },
);

export type SupportLevel = InferSchemaType<typeof supportLevelSchema>;
export type SupportSchemeFields = InferSchemaType<typeof supportSchemeSchema>;
export const SupportScheme = model('SupportScheme', supportSchemeSchema);
