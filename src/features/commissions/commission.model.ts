import '../../db/mongoose-setup';
import { scalarIndex, sortableScalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { COMMISSION_STATUSES } from './commission-status';
import { FUNDING_SOURCES, ROUTES } from './commission-vocabulary';

export { FUNDING_LABELS, FUNDING_SOURCES, ROUTE_LABELS, ROUTES } from './commission-vocabulary';
export type { CommissionRoute, FundingSource } from './commission-vocabulary';


/**
 * Support asked for by (or brokered for) one school from one listing. The listing's name, type, owners
 * and rate are copied at request time: later edits to the listing do not change what was agreed, and
 * who may act on the commission is decided from the commission alone.
 */
const commissionSchema = new Schema(
  {
    reference: { type: String, required: true, unique: true },
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    schoolName: { type: String, required: true },
    // The school's support level when it asked; never shown to providers.
    supportLevel: { type: String },
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    listingName: { type: String, required: true },
    providerType: { type: String, required: true },
    owners: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    route: { type: String, required: true, enum: ROUTES },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    brokeredBy: { type: Schema.Types.ObjectId, ref: 'User' },
    need: { type: String, required: true, maxlength: 1000 },
    // The priority of the school's support plan this support serves, if any, with its title as it was then.
    plan: { type: Schema.Types.ObjectId, ref: 'SupportPlan' },
    planPriority: { type: Schema.Types.ObjectId },
    planPriorityTitle: { type: String, maxlength: 1000 },
    categories: { type: [String], default: [] },
    objectives: { type: String, required: true, maxlength: 2000 },
    successCriteria: { type: String, required: true, maxlength: 2000 },
    days: { type: Number, required: true, min: 1, max: 100 },
    startOn: { type: Date, required: true },
    // Derived from startOn, kept so reports group without date arithmetic in the database.
    termKey: { type: String, required: true },
    academicYear: { type: String, required: true },
    dailyRatePence: { type: Number, required: true, min: 0 },
    costPence: { type: Number, required: true, min: 0 },
    funding: { type: String, required: true, enum: FUNDING_SOURCES },
    status: { type: String, required: true, enum: COMMISSION_STATUSES },
    // Bumped by every status step; see commission-steps.ts for why.
    version: { type: Number, required: true, default: 0 },
    statusReason: { type: String, maxlength: 2000 },
    proposal: {
      days: { type: Number, min: 1, max: 100 },
      startOn: { type: Date },
      note: { type: String, maxlength: 2000 },
    },
    // What this commission holds in the capacity and entitlement ledgers (the key, the days and the hold's
    // id: day-ledgers.ts), so a cancellation gives back exactly that.
    capacityKey: { type: String },
    capacityDays: { type: Number, default: 0 },
    capacityHold: { type: String },
    entitlementKey: { type: String },
    entitlementDays: { type: Number, default: 0 },
    entitlementHold: { type: String },
    entitlementApproved: { type: Boolean, default: false },
    completedAt: { type: Date },
    feedbackReminderSentAt: { type: Date },
    // When it was made as an ISO string, set when it is saved: Traded Services' list of the most recent
    // commissions sorts by it (our FerretDB build sorts and limits in SQLite only by such a string field's
    // index, so a list by createdAt read every commission ever made).
    createdAtKey: { type: String, match: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/ },
  },
  { timestamps: true },
);

/** What createdAtKey holds for a commission made at `date` (or, without one, when its _id was made). */
export const createdAtKeyOf = (date: Date) => date.toISOString();

commissionSchema.pre('validate', function () {
  // Timestamps are set after validation, so a new commission's createdAt is set here, for the key to match it.
  if (this.isNew) this.createdAt ??= new Date();
  this.createdAtKey ??= createdAtKeyOf(this.createdAt ?? this._id.getTimestamp());
});

commissionSchema.index(...scalarIndex({ school: 1, createdAt: -1 }));
commissionSchema.index({ owners: 1, createdAt: -1 });
commissionSchema.index(...scalarIndex({ listing: 1, createdAt: -1 }));
commissionSchema.index(...scalarIndex({ status: 1, completedAt: 1 }));
commissionSchema.index(...scalarIndex({ termKey: 1 }));
commissionSchema.index(...scalarIndex({ plan: 1 }));
commissionSchema.index({ createdAt: -1 });
commissionSchema.index(...sortableScalarIndex('createdAtKey', -1));

export type CommissionFields = InferSchemaType<typeof commissionSchema>;
export type CommissionRecord = CommissionFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const Commission = model('Commission', commissionSchema);

/** What a list row shows of a commission (commissionSummary), for reads that need no more. */
export const SUMMARY_FIELDS = { reference: 1, schoolName: 1, listingName: 1, days: 1, startOn: 1, status: 1 } as const;
export type CommissionSummaryFields = Pick<CommissionRecord, '_id' | keyof typeof SUMMARY_FIELDS>;
