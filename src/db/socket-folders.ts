import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PREFIX = 'ssb-db-';
/** `ssb-db-<pid of the app that made it>-<random>`: the pid is how a later start tells a folder left behind. */
const NAMED = /^ssb-db-(\d+)-[A-Za-z0-9]+$/;
export const SOCKET_NAME = 'ferretdb.sock';

/** A new folder, only this user may open (mkdtemp makes it 0700), for the embedded database's socket. */
export function makeSocketFolder(parent = tmpdir()): string {
  return mkdtempSync(path.join(parent, `${PREFIX}${process.pid}-`));
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** True unless something accepts connections on the socket (a FerretDB still serving it). */
function nobodyListens(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' || error.code === 'ECONNREFUSED'));
  });
}

/**
 * Removes socket folders that apps killed outright left behind (a stop removes its own): this user's, named
 * by an app process that no longer exists, with nothing listening on the socket inside. Both are checked
 * because a process in another pid namespace sharing this folder would look gone. Returns what it removed.
 */
export async function removeAbandonedSocketFolders(parent = tmpdir()): Promise<string[]> {
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const pid = NAMED.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || !processIsGone(Number(pid))) continue;
    const folder = path.join(parent, name);
    try {
      if (uid !== undefined && statSync(folder).uid !== uid) continue;
      if (!(await nobodyListens(path.join(folder, SOCKET_NAME)))) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch {
      // Gone already, or not ours to read: leave it.
    }
  }
  return removed;
}
