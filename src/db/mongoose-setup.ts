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
