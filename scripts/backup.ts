// `npm run backup [-- DIR]`: writes a dated backup of every collection (uploads included; not the report
// figures, which are rebuilt from the rest) to DIR (default ./backups), as of one moment even while the
// app is writing (src/db/snapshot-backup.ts): from MONGODB_URI, or else from the embedded database's
// data (SQLite files in DATA_DIR, or FERRETDB_POSTGRESQL_URL), whether the app is running or not.
import { loadConfig } from '../src/config';
import { backupConfiguredDatabase, DEFAULT_BACKUP_DIR, describeBackup } from '../src/db/backup-command';
import { FIGURE_COLLECTIONS } from '../src/features/commissions/figures/figure-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const summary = await backupConfiguredDatabase(config, process.argv[2] ?? DEFAULT_BACKUP_DIR, { derived: FIGURE_COLLECTIONS });
  for (const line of describeBackup(summary)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
