// Imported (for its effect) by every model file, so these settings apply before any model is compiled.
import mongoose from 'mongoose';

mongoose.set('strictQuery', true);
// Otherwise every query captures a stack trace (for a rarely seen "query was already executed" message):
// about 1.5% of the app's CPU under load in bench:search's profile.
mongoose.set('skipOriginalStackTraces', true);
