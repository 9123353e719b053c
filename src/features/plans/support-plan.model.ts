import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** One of the school's priorities: a need from the taxonomy, its own words, or both. */
const prioritySchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    need: { type: String, trim: true, maxlength: 100 },
    words: { type: String, trim: true, maxlength: 1000 },
    objectives: { type: String, trim: true, maxlength: 2000 },
    successCriteria: { type: String, trim: true, maxlength: 2000 },
  },
  { _id: false },
);

/** A dated step towards a priority. Kept beside the priorities, not inside them: FerretDB has no nested arrays. */
const milestoneSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    priority: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true, trim: true, maxlength: 300 },
    dueOn: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * A school's support plan for one academic year (September to August): its priorities, each with
 * objectives, success criteria and milestones. Every edit rewrites the arrays whole and adds one to
 * `version`, in one update of this one document; `agreed` records the version the school agreed, so an
 * edit after agreement shows as "changed since agreed" until the school agrees again.
 */
const supportPlanSchema = new Schema(
  {
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    academicYear: { type: String, required: true, match: /^\d{4}-\d{2}$/ },
    priorities: { type: [prioritySchema], default: [] },
    milestones: { type: [milestoneSchema], default: [] },
    version: { type: Number, required: true, default: 0 },
    editedAt: { type: Date },
    editedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    agreed: {
      type: new Schema(
        {
          version: { type: Number, required: true },
          by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
          at: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
  },
  { timestamps: true },
);

supportPlanSchema.index(...scalarIndex({ school: 1, academicYear: 1 }, { unique: true }));
supportPlanSchema.index(...scalarIndex({ academicYear: 1 }));

export type PlanPriority = InferSchemaType<typeof prioritySchema>;
export type PlanMilestone = InferSchemaType<typeof milestoneSchema>;
export type SupportPlanRecord = InferSchemaType<typeof supportPlanSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const SupportPlan = model('SupportPlan', supportPlanSchema);
