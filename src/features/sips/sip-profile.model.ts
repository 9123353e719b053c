import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { SIP_TEXT_LIMITS } from './sip-vocabulary';

/**
 * A School Improvement Partner's profile: one per SIP user. The SIP keeps their experience, phases and
 * specialisms up to date; Traded Services (the LA) record their capacity and licence to practise.
 */
const sipProfileSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    experience: { type: String, trim: true, maxlength: SIP_TEXT_LIMITS.experience },
    /** Taxonomy phase slugs. */
    phases: { type: [String], default: [] },
    /** Taxonomy category slugs: the areas of school improvement they know best. */
    specialisms: { type: [String], default: [] },
    /** Days a year the LA has the SIP for; unset until the LA fills it in. */
    capacityDays: { type: Number, min: 0, max: 365 },
    licence: {
      type: new Schema(
        {
          reference: { type: String, trim: true, maxlength: SIP_TEXT_LIMITS.licenceReference },
          renewalDate: { type: Date, required: true },
          recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
          recordedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
  },
  { timestamps: true },
);

sipProfileSchema.index(...scalarIndex({ user: 1 }, { unique: true }));

export type SipProfileFields = InferSchemaType<typeof sipProfileSchema>;
export const SipProfile = model('SipProfile', sipProfileSchema);

/**
 * The LA's figures for SIP deployment (one document, key 'current'): the days a year each caseload school
 * takes of its SIP's capacity. Unset until Traded Services set it.
 */
const sipSettingsSchema = new Schema(
  {
    key: { type: String, required: true, unique: true, default: 'current' },
    daysPerSchool: { type: Number, min: 0, max: 365 },
  },
  { timestamps: true },
);

export const SipSettings = model('SipSettings', sipSettingsSchema);
