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
