import { spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort } from '../../src/lib/free-loopback-port';
import { projectRoot } from '../../src/lib/project-root';
import { paths } from '../../src/paths';

export type RunningApp = { baseUrl: string; pid: number; output: () => string; stop: () => Promise<number | null> };

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** The app as `npm start` runs it (from source, through tsx), as a child process, once it answers. */
export async function startApp(environment: Record<string, string>, timeoutMs = 90_000): Promise<RunningApp> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', SESSION_SECRET: 'a-test-secret-that-is-long-enough-1234567890', ...environment, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-6000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The app did not answer within ${timeoutMs / 1000} s:\n${output}`);
    }
    const answered = await fetch(`${baseUrl}${paths.health}`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    baseUrl,
    pid: child.pid!,
    output: () => output,
    /** Asks the app to stop as an operator would, and gives its exit code. */
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      children.delete(child);
      return code;
    },
  };
}

export type CommandResult = { code: number | null; stdout: string; stderr: string };

/** `npm run <script> -- args` as a person would type it, in the project folder, with these settings. */
export function npmRun(script: string, args: string[], environment: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
