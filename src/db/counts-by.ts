import type { Model } from 'mongoose';

/**
 * How many of the documents matching `match` hold each value of `field`, in one aggregate. One
 * accumulator only: FerretDB v1 computes the first accumulator of a $group and returns 0 for the rest.
 */
export async function countsBy(model: Pick<Model<unknown>, 'aggregate'>, field: string, match: Record<string, unknown>): Promise<Map<string, number>> {
  const groups = await model.aggregate<{ _id: unknown; count: number }>([{ $match: match }, { $group: { _id: `$${field}`, count: { $sum: 1 } } }]);
  return new Map(groups.map((group) => [String(group._id), group.count]));
}
