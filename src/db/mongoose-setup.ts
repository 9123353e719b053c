// Imported (for its effect) by every model file, so these apply to every schema: mongoose applies a
// global plugin only to models compiled after it is registered.
import mongoose from 'mongoose';
import { lookUpIdsOneAtATime } from './id-lookups';

mongoose.set('strictQuery', true);
mongoose.plugin(lookUpIdsOneAtATime);
