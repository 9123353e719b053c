/** The database the app uses on the embedded FerretDB (with MONGODB_URI, the URI's own database). */
export const DATABASE_NAME = 'school_support';
