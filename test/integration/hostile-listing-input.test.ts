import { useTestDatabase } from '../support/database';
import { LISTING_FORMS } from '../support/hostile-forms';
import { describeHostileInput, useHostileContext } from '../support/hostile-input';

/** The pen portrait form, new and edit: the longest form, in a file of its own so the two halves run side by side. */
useTestDatabase();
describeHostileInput('hostile input on the pen portrait', LISTING_FORMS, useHostileContext());
