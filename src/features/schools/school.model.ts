import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';

export const SCHOOL_STATUSES = ['open', 'closed', 'proposed_to_close', 'proposed_to_open'] as const;
export type SchoolStatus = (typeof SCHOOL_STATUSES)[number];

export const SCHOOL_STATUS_LABELS: Record<SchoolStatus, string> = {
  open: 'Open',
  closed: 'Closed',
  proposed_to_close: 'Open, proposed to close',
  proposed_to_open: 'Proposed to open',
};

/** Statuses of a school the LA supports now (a school proposed to close is still open). */
export const OPEN_STATUSES: SchoolStatus[] = ['open', 'proposed_to_close'];

/**
 * A school, keyed by its DfE Unique Reference Number. The GIAS import fills in and updates the
 * facts (everything but `sip` and `priorities`); closed schools stay, marked closed.
 * The support level is deliberately not here but in SchoolSupport, so nothing that reads schools
 * can show it by accident.
 */
const schoolSchema = new Schema(
  {
    urn: { type: String, required: true, match: /^\d{6}$/ },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    localAuthority: { type: String, trim: true, maxlength: 100 },
    laCode: { type: String, trim: true, maxlength: 10 },
    phase: { type: String, trim: true, maxlength: 50 },
    type: { type: String, trim: true, maxlength: 100 },
    status: { type: String, enum: SCHOOL_STATUSES, required: true, default: 'open' },
    openedOn: { type: Date },
    closedOn: { type: Date },
    address: { type: [String], default: undefined },
    postcode: { type: String, trim: true, maxlength: 10 },
    location: {
      type: new Schema({ latitude: Number, longitude: Number }, { _id: false }),
      default: undefined,
    },
    /** Where GIAS places the school on the British National Grid (metres), for straight-line distances. */
    grid: {
      type: new Schema({ easting: Number, northing: Number }, { _id: false }),
      default: undefined,
    },
    trust: { type: String, trim: true, maxlength: 200 },
    headName: { type: String, trim: true, maxlength: 200 },
    pupils: { type: Number, min: 0 },
    website: { type: String, trim: true, maxlength: 300 },
    /** The School Improvement Partner whose caseload this school is in. */
    sip: { type: Schema.Types.ObjectId, ref: 'User' },
    /** What the school must improve: need slugs from the taxonomy, plus its own words. */
    priorities: {
      type: new Schema(
        {
          needs: { type: [String], default: [] },
          notes: { type: String, trim: true, maxlength: 2000 },
          updatedAt: { type: Date },
          updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
        },
        { _id: false },
      ),
      default: undefined,
    },
    /** Seed 001, 5.3: "schools which have the overall capacity to support another school", as the LA judges. */
    capacityToSupport: {
      type: new Schema(
        {
          note: { type: String, trim: true, maxlength: 1000 },
          recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
          recordedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
    importedAt: { type: Date },
  },
  { timestamps: true },
);

schoolSchema.index(...scalarIndex({ urn: 1 }, { unique: true }));
schoolSchema.index({ name: 1 });
schoolSchema.index(...scalarIndex({ sip: 1, name: 1 }));
schoolSchema.index(...scalarIndex({ status: 1, name: 1 }));

export type SchoolFields = InferSchemaType<typeof schoolSchema>;
export const School = model('School', schoolSchema);
