// `npm run seed`: loads the demo data into the configured database (the running app's, if embedded).
import { runCommand } from '../src/db/run-command';
import { appIndexSpecs } from '../src/housekeeping';
import { seedDemoData } from './demo-data';

runCommand(async () => {
  await seedDemoData();
  console.log('Demo data loaded (anything already there was left alone).');
}, { indexes: appIndexSpecs() });
