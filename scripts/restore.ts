// `npm run restore -- FILE`: loads a backup into the configured database, which must be empty.
import { restoreBackup } from '../src/db/backup';
import { runCommand } from '../src/db/run-command';
import { rebuildFigures } from '../src/features/commissions/figures/figure-rebuild';
import { FIGURE_COLLECTIONS } from '../src/features/commissions/figures/figure-store';

runCommand(
  async (db) => {
    const file = process.argv[2];
    if (!file) throw new Error('Usage: npm run restore -- FILE');
    const counts = await restoreBackup(db, file, { derived: FIGURE_COLLECTIONS });
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    console.log(`Restored ${total} documents in ${Object.keys(counts).length} collections from ${file}`);
    const figures = await rebuildFigures();
    if (figures.rebuilt) console.log(`Rebuilt the report figures from ${figures.commissions} commissions.`);
  },
  { quiet: true },
);
