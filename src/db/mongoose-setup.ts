// Imported (for its effect) by every model file, so these apply to every schema: mongoose applies a
// global plugin only to models compiled after it is registered.
import mongoose from 'mongoose';
import { lookUpIdsOneAtATime } from './id-lookups';

mongoose.set('strictQuery', true);
mongoose.plugin(lookUpIdsOneAtATime);
// Otherwise every query captures a stack trace (for a rarely seen "query was already executed" message):
// about 1.5% of the app's CPU under load in bench:search's profile.
mongoose.set('skipOriginalStackTraces', true);
