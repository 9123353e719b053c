import { performance } from 'node:perf_hooks';
import { runCommand } from '../../../db/run-command';
import { rebuildFigures } from './figure-rebuild';

/**
 * `npm run reports:rebuild`: recomputes every report figure from the commissions and feedback, safely
 * while the app runs. Needed only after changing commissions outside the app (the app rebuilds by itself
 * when the figures are missing, as after a restore).
 */
runCommand(async () => {
  const started = performance.now();
  const result = await rebuildFigures();
  if (!result.rebuilt) throw new Error(`The figures were not rebuilt: ${result.reason}.`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Rebuilt the report figures from ${result.commissions} commissions and ${result.feedback} feedback responses in ${seconds} s (${result.sheets} sheets; ${result.pendingKept} steps taken meanwhile stay pending).`);
});
