import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSocketFolder, removeAbandonedSocketFolders, SOCKET_NAME } from '../../src/db/socket-folders';

/** The pid of a process that has exited (so no process has it, barring reuse in the moment between). */
function pidOfAnExitedProcess(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the embedded database socket folders', () => {
  let parent: string;
  const servers: Server[] = [];
  beforeEach(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'socket-folders-test-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(parent, { recursive: true, force: true });
  });

  const folder = (name: string) => {
    const made = path.join(parent, name);
    mkdirSync(made, { mode: 0o700 });
    return made;
  };
  const listenIn = async (made: string) => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path.join(made, SOCKET_NAME), resolve));
  };

  it('are private and named by the app process that made them', () => {
    const made = makeSocketFolder(parent);
    expect(path.basename(made)).toMatch(new RegExp(`^ssb-db-${process.pid}-`));
    expect(statSync(made).mode & 0o777).toBe(0o700);
  });

  it('removes only the folders of apps that are gone and whose socket nobody serves', async () => {
    const gone = pidOfAnExitedProcess();
    const abandoned = folder(`ssb-db-${gone}-abc123`);
    const abandonedWithSocket = folder(`ssb-db-${gone}-def456`);
    await listenIn(abandonedWithSocket);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const stillServed = folder(`ssb-db-${gone}-ghi789`);
    await listenIn(stillServed);
    const running = folder(`ssb-db-${process.ppid}-jkl012`);
    const ours = folder(`ssb-db-${process.pid}-mno345`);
    const unrelated = folder('ssb-db-nopid');

    const removed = await removeAbandonedSocketFolders(parent);

    expect(removed.sort()).toEqual([abandoned, abandonedWithSocket]);
    expect([stillServed, running, ours, unrelated].map(existsSync)).toEqual([true, true, true, true]);
    expect([abandoned, abandonedWithSocket].map(existsSync)).toEqual([false, false]);
  });
});
