// `npm run backup [-- DIR]`: writes a dated backup of every collection (uploads included; not the report
// figures, which are rebuilt from the rest) to DIR
// (default ./backups), from MONGODB_URI or the embedded database (the running app's, if it is running).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeBackup } from '../src/db/backup';
import { runCommand } from '../src/db/run-command';
import { FIGURE_COLLECTIONS } from '../src/features/reports/figure-store';

runCommand(
  async (db) => {
    const directory = path.resolve(process.argv[2] ?? 'backups');
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `school-support-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);
    const { collections } = await writeBackup(db, file, { derived: FIGURE_COLLECTIONS });
    const total = Object.values(collections).reduce((sum, count) => sum + count, 0);
    console.log(`Backed up ${total} documents in ${Object.keys(collections).length} collections to ${file}`);
  },
  { quiet: true },
);
