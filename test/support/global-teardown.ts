export default async function globalTeardown(): Promise<void> {
  // Each project that started (or shared) the database calls this; the first stops it.
  const database = globalThis.__FERRETDB__;
  globalThis.__FERRETDB__ = undefined;
  await database?.stop();
}
