import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/project-root';
import { ferretdbPatches, writePatchedModule } from './ferretdb-patches';

const SOURCE_DIR = path.join(projectRoot, 'tools', 'ferretdb');
const SOURCE_FILES = ['main.go', 'go.mod', 'go.sum'];

/** Binary name carries a hash of our Go sources and patches, so a change to them builds a fresh binary. */
export function ferretdbBinaryPath(cacheDir: string): string {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(readFileSync(path.join(SOURCE_DIR, file)));
  for (const patch of ferretdbPatches()) hash.update(patch.text);
  return path.join(cacheDir, `ferretdb-v1.24.2-${hash.digest('hex').slice(0, 12)}`);
}

/**
 * Returns the path of a runnable FerretDB, building it with Go the first time.
 * The build goes to a temporary name and is renamed into place, so an interrupted or
 * concurrent build never leaves a half-written binary behind.
 */
export async function ensureFerretdbBinary(
  options: { cacheDir: string; override?: string | undefined },
  say: (line: string) => void = (line) => console.log(line),
): Promise<string> {
  if (options.override) {
    if (!existsSync(options.override)) throw new Error(`FERRETDB_BIN points at ${options.override}, which does not exist`);
    return options.override;
  }
  const binary = ferretdbBinaryPath(options.cacheDir);
  if (existsSync(binary)) return binary;

  mkdirSync(options.cacheDir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  say('Building the embedded database (FerretDB v1.24.2, for SQLite or PostgreSQL) with Go. This happens once per machine');
  say(`and takes a few minutes on a fresh machine; the binary is cached in ${options.cacheDir}.`);
  const started = Date.now();
  const ticker = setInterval(() => say(`  still building... ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  try {
    const ferretdbModule = JSON.parse(await run('go', ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], SOURCE_DIR)) as { Dir: string };
    const patched = writePatchedModule(ferretdbModule.Dir, SOURCE_DIR);
    try {
      await run('go', ['build', '-trimpath', `-modfile=${patched.modFile}`, '-o', partial, '.'], SOURCE_DIR);
    } finally {
      rmSync(patched.workDir, { recursive: true, force: true });
    }
  } finally {
    clearInterval(ticker);
  }
  renameSync(partial, binary);
  say(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return binary;
}

/** Runs a command, showing its errors, and resolves with what it printed. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('Go 1.24+ is needed to build the embedded database. Install Go, or set MONGODB_URI to use MongoDB.')
          : error,
      ),
    );
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
