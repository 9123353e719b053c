import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

/** A pen portrait's photo and evidence of impact (anyone who may see the listing), or a check's evidence (its owners and Traded Services only). */
export const FILE_KINDS = ['photo', 'evidence', 'check'] as const;

/**
 * An uploaded file, kept in the database so every app instance can serve it (FerretDB has no GridFS).
 * Sizes are capped by the upload settings well below the 16 MB document limit.
 */
const storedFileSchema = new Schema(
  {
    listing: { type: Schema.Types.ObjectId, ref: 'Listing', required: true },
    kind: { type: String, required: true, enum: FILE_KINDS },
    filename: { type: String, required: true, trim: true, maxlength: 200 },
    contentType: { type: String, required: true, enum: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] },
    size: { type: Number, required: true, min: 1 },
    data: { type: Buffer, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

storedFileSchema.index(...scalarIndex({ listing: 1 }));

export const StoredFile = model('StoredFile', storedFileSchema);
