import type { IndexDirection, IndexOptions } from 'mongoose';

/**
 * An index whose name ends in "_scalar", which our build of FerretDB uses for `{ field: string or
 * ObjectId }` on its first field (tools/ferretdb/patches/02-*); stock FerretDB v1 scans for any filter
 * but _id. Only for fields that never hold an array: SQL equality does not look inside arrays, so a
 * document whose field is an array containing the value would be missed. MongoDB ignores the name.
 */
export const isScalarIndexName = (name: string) => name.endsWith('_scalar');

export function scalarIndex(fields: Record<string, IndexDirection>, options: IndexOptions = {}): [Record<string, IndexDirection>, IndexOptions] {
  return [fields, { ...options, name: `${fieldsPart(fields)}_scalar` }];
}

/**
 * A scalar index (above) on one field that our FerretDB build also sorts by: a read with no filter, sorted
 * on that field and limited, walks the index and reads only the documents it returns (patches/04-*);
 * stock FerretDB reads every document to sort them. Only for a field that always holds a string JSON
 * writes without escapes (an ISO date, a code), since SQLite orders the JSON text.
 */
export function sortableScalarIndex(field: string, direction: 1 | -1): [Record<string, IndexDirection>, IndexOptions] {
  const fields = { [field]: direction };
  return [fields, { name: `${fieldsPart(fields)}_sortable_scalar` }];
}

const fieldsPart = (fields: Record<string, IndexDirection>) =>
  Object.entries(fields)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
