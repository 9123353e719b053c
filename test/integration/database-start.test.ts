import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectAtStart } from '../../src/db/connect';
import { freeLoopbackPort, startEmbeddedFerretdb } from '../../src/db/embedded-ferretdb';

/** Start-up rides out a database that is not answering yet (still starting, or a replica set electing a primary). */
describe('connecting at start-up', () => {
  it('waits for a database that is still starting, saying so', async () => {
    const port = await freeLoopbackPort();
    const said: string[] = [];
    const connecting = connectAtStart(`mongodb://127.0.0.1:${port}/start_test`, (line) => said.push(line), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const database = await startEmbeddedFerretdb({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir: mkdtempSync(path.join(tmpdir(), 'ssb-start-')), port });
    try {
      await connecting;
      expect(mongoose.connection.readyState).toBe(1);
      expect(said.length).toBeGreaterThanOrEqual(1);
      expect(said[0]).toMatch(/^The database is not answering yet \(.*\); trying again in 1 s\.$/);
    } finally {
      await mongoose.disconnect();
      await database.stop();
    }
  }, 30_000);

  it('gives up after the time allowed, with a message that says so', async () => {
    const port = await freeLoopbackPort();
    await expect(connectAtStart(`mongodb://127.0.0.1:${port}/start_test`, () => undefined, 3_000)).rejects.toThrow(/^The database did not answer for 3 s: /);
  }, 20_000);
});
