// How long `npm start` takes from launch to the first page served: cold (empty data folder, so the
// database files are created and demo data loaded) and warm (the same folder again).
// Run after `npm run build`; the FerretDB binary must already be built (npm run ferretdb:build).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../src/lib/free-loopback-port';
import { SERVER_NODE_FLAGS } from '../src/lib/node-flags';
import { projectRoot } from '../src/lib/project-root';

async function timeToFirstPage(dataDir: string): Promise<number> {
  const port = await freeLoopbackPort();
  const started = performance.now();
  const app = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(projectRoot, 'dist', 'src', 'server.js')], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/sign-in`).then((response) => response.ok, () => false);
      if (ok) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-bench-start-'));
  const cold = await timeToFirstPage(dataDir);
  const warm: number[] = [];
  for (let run = 0; run < 3; run++) warm.push(await timeToFirstPage(dataDir));
  console.log('start-up to first page (node dist/src/server.js, embedded FerretDB)');
  console.log(`  cold (empty data folder, demo data loaded): ${cold.toFixed(0)} ms`);
  console.log(`  warm (existing data), 3 runs:               ${warm.map((ms) => ms.toFixed(0)).join(' / ')} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
