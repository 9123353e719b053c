import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { markChanged } from '../../db/change-marks';
import { TAXONOMY_CHANGE_MARK, TERM_KINDS } from './term-kinds';

export { TAXONOMY_CHANGE_MARK, TERM_KINDS } from './term-kinds';
export type { TermKind } from './term-kinds';


/**
 * One term of a configurable list. Other records refer to a term by its slug, which never changes:
 * renaming changes only the label, and a retired or merged term keeps its slug so old references
 * still resolve (to the term it was merged into, where there is one).
 */
const termSchema = new Schema(
  {
    kind: { type: String, required: true, enum: TERM_KINDS },
    slug: { type: String, required: true, match: /^[a-z0-9]+(-[a-z0-9]+)*$/, maxlength: 80 },
    label: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, trim: true, maxlength: 400 },
    // Other words people use for it ("SEN", "numeracy"); lower-case, used by search.
    synonyms: { type: [String], default: [] },
    // For needs: the categories of support that address it, and provider types that suit it.
    categories: { type: [String], default: [] },
    providerTypes: { type: [String], default: [] },
    status: { type: String, required: true, enum: ['active', 'retired'], default: 'active' },
    mergedInto: { type: String },
    order: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

termSchema.index(...scalarIndex({ kind: 1, slug: 1 }, { unique: true }));
termSchema.index({ kind: 1, status: 1, order: 1 });

// Every write leaves a change mark, so each app instance knows when to reload its copy (taxonomy-snapshot.ts).
termSchema.post('save', () => markChanged(TAXONOMY_CHANGE_MARK));
termSchema.post('insertMany', () => markChanged(TAXONOMY_CHANGE_MARK));
termSchema.post(
  ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'],
  { document: false, query: true },
  () => markChanged(TAXONOMY_CHANGE_MARK),
);

export type TermFields = InferSchemaType<typeof termSchema>;
export const TaxonomyTerm = model('TaxonomyTerm', termSchema);
