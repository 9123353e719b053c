// Imported (for its effect) by every model file, so these settings apply before any model is compiled.
import mongoose from 'mongoose';

mongoose.set('strictQuery', true);
// Otherwise every query captures a stack trace (for a rarely seen "query was already executed" message):
// about 1.5% of the app's CPU under load in bench:search's profile.
mongoose.set('skipOriginalStackTraces', true);
// Indexes have one owner, ensureIndexes (indexes.ts), called at start-up, after a restore and by the
// tests: it creates only what is missing, one at a time, and stops start-up when one cannot be built.
// Mongoose's own index builds ran in the background, asked for indexes that existed (which can panic
// FerretDB when a restore then asked again) and only logged a failure.
mongoose.set('autoIndex', false);

// No string the app stores or looks for carries a NUL character: PostgreSQL cannot store one, so
// FerretDB on PostgreSQL refused it with an error (a NUL typed into the Security events page's email
// filter answered 500), while SQLite and MongoDB would keep it. Every value cast to a String path,
// in a document or in a query filter, goes through this; the web layer also strips control characters
// from every form field and query-string value (web/form-text.ts) before anything reads them.
const castString = mongoose.Schema.Types.String.cast() as (value: unknown) => unknown;
mongoose.Schema.Types.String.cast((value: unknown) => {
  const cast = castString(value);
  return typeof cast === 'string' && cast.includes('\u0000') ? cast.replaceAll('\u0000', '') : cast;
});

/**
 * True when the filter asks a field to be in an empty list ({ field: { $in: [] } } at its top level, where
 * conditions are ANDed), so no document can match.
 */
export function matchesNothing(filter: Record<string, unknown>): boolean {
  return Object.entries(filter).some(([field, condition]) => {
    if (field.startsWith('$') || condition === null || typeof condition !== 'object') return false;
    const list = (condition as { $in?: unknown }).$in;
    return Array.isArray(list) && list.length === 0;
  });
}

// A read that can match nothing is answered without asking the database: pages pass the ids they
// collected, often none, and each such read still cost a round trip (and on FerretDB a full table scan:
// bench:load's list of reads that scan showed it on the shortlist page, 510 a minute).
const NOTHING: Record<string, unknown> = { find: [], findOne: null, countDocuments: 0 };
mongoose.plugin((schema) => {
  for (const operation of Object.keys(NOTHING) as ('find' | 'findOne' | 'countDocuments')[]) {
    schema.pre(operation, function () {
      // Thrown, not returned: kareem looks only at what a hook without `next` throws or rejects with.
      if (matchesNothing(this.getFilter())) throw mongoose.skipMiddlewareFunction(NOTHING[operation]);
    });
  }
});
