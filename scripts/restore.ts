// `npm run restore -- FILE [--if-empty]`: loads a backup made by `npm run backup` into the configured
// database (the running app's embedded one if it is up). Into an empty database it just loads. A
// database with data is first backed up to ./backups/ (before-restore-*.ndjson.gz), running app
// instances answer "being restored" meanwhile, and everything is replaced by the backup; --if-empty
// refuses such a database instead (for scripts that must never replace data). See docs/backups.md.
import { performance } from 'node:perf_hooks';
import { backupConfiguredDatabase, DEFAULT_BACKUP_DIR, describeBackup } from '../src/db/backup-command';
import { restoreBackup } from '../src/db/backup';
import { appIndexSpecs } from '../src/housekeeping';
import { runCommand } from '../src/db/run-command';
import { rebuildFigures } from '../src/features/commissions/figures/figure-rebuild';
import { FIGURE_COLLECTIONS } from '../src/features/commissions/figures/figure-store';

const args = process.argv.slice(2);
// --replace is the default; it is accepted, to say so in a script.
const replace = !args.includes('--if-empty');
const file = args.find((arg) => !arg.startsWith('--'));
const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--replace' && arg !== '--if-empty');

runCommand(
  async (db, config) => {
    if (!file || unknown.length) throw new Error(`Usage: npm run restore -- FILE [--if-empty]${unknown.length ? ` (unknown: ${unknown.join(' ')})` : ''}`);
    const started = performance.now();
    const summary = await restoreBackup(db, file, {
      derived: FIGURE_COLLECTIONS,
      replace,
      appIndexes: appIndexSpecs(),
      say: console.log,
      beforeReplacing: async () => {
        console.log('Backing up the data this restore replaces ...');
        const before = await backupConfiguredDatabase(config, DEFAULT_BACKUP_DIR, { derived: FIGURE_COLLECTIONS, prefix: 'before-restore' });
        for (const line of describeBackup(before)) console.log(`  ${line}`);
      },
    });
    const total = Object.values(summary.counts).reduce((sum, count) => sum + count, 0);
    const replaced = Object.values(summary.replaced).reduce((sum, count) => sum + count, 0);
    console.log(`Restored ${total} documents in ${Object.keys(summary.counts).length} collections from ${file}${replaced ? ` (replacing ${replaced} documents)` : ''}; built ${summary.indexesCreated.length} indexes.`);
    const figures = await rebuildFigures();
    if (figures.rebuilt) console.log(`Rebuilt the report figures from ${figures.commissions} commissions.`);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. People signed in since the backup was made sign in again.`);
  },
  { quiet: true, indexes: false },
);
