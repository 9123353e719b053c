import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectAtStart } from '../../src/db/connect';
import { socketUri, startEmbeddedFerretdb } from '../../src/db/embedded-ferretdb';

/** Start-up rides out a database that is not answering yet (still starting, or a replica set electing a primary). */
describe('connecting at start-up', () => {
  it('waits for a database that is still starting, saying so', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-start-'));
    const socket = path.join(dataDir, 'ferretdb.sock');
    const said: string[] = [];
    const connecting = connectAtStart(`${socketUri(socket)}start_test`, (line) => said.push(line), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const database = await startEmbeddedFerretdb({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir, socket });
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
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'ssb-start-')), 'ferretdb.sock');
    await expect(connectAtStart(`${socketUri(socket)}start_test`, () => undefined, 3_000)).rejects.toThrow(/^The database did not answer for 3 s: /);
  }, 20_000);
});
