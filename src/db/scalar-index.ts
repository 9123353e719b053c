import type { IndexDirection, IndexOptions } from 'mongoose';

/**
 * An index whose name ends in "_scalar", which our build of FerretDB uses for `{ field: string or
 * ObjectId }` on its first field (tools/ferretdb/patches/02-*); stock FerretDB v1 scans for any filter
 * but _id. Only for fields that never hold an array: SQL equality does not look inside arrays, so a
 * document whose field is an array containing the value would be missed. MongoDB ignores the name.
 */
export const isScalarIndexName = (name: string) => name.endsWith('_scalar');

export function scalarIndex(fields: Record<string, IndexDirection>, options: IndexOptions = {}): [Record<string, IndexDirection>, IndexOptions] {
  const name = `${Object.entries(fields)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_')}_scalar`;
  return [fields, { ...options, name }];
}
