import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { MongoClient } from 'mongodb';
import { startEmbeddedFerretdb } from '../../src/db/embedded-ferretdb';

describe('the embedded database', () => {
  it('keeps data in SQLite files across a stop and a start', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ssb-embedded-'));
    const binary = process.env.FERRETDB_BIN_RESOLVED!;

    const first = await startEmbeddedFerretdb({ binary, dataDir });
    const client = await MongoClient.connect(first.uri);
    await client.db('school_support').collection('users').insertOne({ email: 'kept@test.example' });
    await client.close();
    await first.stop();
    expect(readdirSync(dataDir).some((file) => file.endsWith('.sqlite'))).toBe(true);

    const second = await startEmbeddedFerretdb({ binary, dataDir });
    const again = await MongoClient.connect(second.uri);
    expect(await again.db('school_support').collection('users').countDocuments({ email: 'kept@test.example' })).toBe(1);
    await again.close();
    await second.stop();
  });

  it('listens only on a socket in a folder of its own that other users cannot open, removed when it stops', async () => {
    const database = await startEmbeddedFerretdb({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir: mkdtempSync(path.join(tmpdir(), 'ssb-socket-')) });
    const folder = path.dirname(database.socket);
    expect(database.uri).toBe(`mongodb://${encodeURIComponent(database.socket)}/`);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(database.socket).isSocket()).toBe(true);
    const listening = readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
    const ownSockets = readdirSync(`/proc/${database.pid()}/fd`).flatMap((fd) => /^socket:\[(\d+)\]$/.exec(readlinkOrEmpty(`/proc/${database.pid()}/fd/${fd}`))?.[1] ?? []);
    // No TCP socket of FerretDB's is in the LISTEN state (0A).
    const tcpListening = listening.split('\n').filter((line) => line.split(/\s+/)[4] === '0A').map((line) => line.split(/\s+/)[10]);
    expect(ownSockets.length).toBeGreaterThan(0);
    expect(ownSockets.filter((inode) => tcpListening.includes(inode))).toEqual([]);
    await database.stop();
    expect(existsSync(folder)).toBe(false);
  });

  it('starts again on the same socket if it dies while the app runs', async () => {
    const restarts: number[] = [];
    const database = await startEmbeddedFerretdb({
      binary: process.env.FERRETDB_BIN_RESOLVED!,
      dataDir: mkdtempSync(path.join(tmpdir(), 'ssb-restart-')),
      onRestart: (attempt) => restarts.push(attempt),
    });
    const client = await MongoClient.connect(database.uri);
    await client.db('school_support').collection('kept').insertOne({ n: 1 });
    const firstPid = database.pid();
    process.kill(firstPid!, 'SIGKILL');
    const deadline = Date.now() + 15_000;
    let answered = false;
    while (!answered && Date.now() < deadline) {
      if (database.pid() === firstPid) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      answered = await client
        .db('school_support')
        .collection('kept')
        .countDocuments({ n: 1 })
        .then((count) => count === 1, () => false);
    }
    expect(answered).toBe(true);
    expect(database.pid()).not.toBe(firstPid);
    expect(restarts).toEqual([1]);
    await client.close();
    await database.stop();
  }, 30_000);

  // On the PostgreSQL run only (it needs a server): the URL may hold a password, which `ps` must not show.
  (process.env.TEST_FERRETDB_POSTGRESQL_URL ? it : it.skip)('runs on PostgreSQL without putting its URL on the command line', async () => {
    const url = new URL(process.env.TEST_FERRETDB_POSTGRESQL_URL!);
    url.password = 'not-on-the-command-line';
    url.pathname = `${url.pathname}_argv`;
    const database = await startEmbeddedFerretdb({ binary: process.env.FERRETDB_BIN_RESOLVED!, dataDir: tmpdir(), postgresqlUrl: url.toString() });
    try {
      const client = await MongoClient.connect(database.uri);
      await client.db('argv_check').collection('kept').insertOne({ n: 1 });
      expect(await client.db('argv_check').collection('kept').countDocuments()).toBe(1);
      await client.db('argv_check').dropDatabase();
      await client.close();
      const commandLine = readFileSync(`/proc/${database.pid()!}/cmdline`, 'utf8').split('\0');
      expect(commandLine).toContain('--handler=postgresql');
      expect(commandLine.join(' ')).not.toMatch(/not-on-the-command-line|postgres:\/\//);
    } finally {
      await database.stop();
    }
  });

  it('reports a clear error when it cannot start', async () => {
    await expect(startEmbeddedFerretdb({ binary: '/bin/false', dataDir: mkdtempSync(path.join(tmpdir(), 'ssb-bad-')) })).rejects.toThrow(
      /embedded database exited/,
    );
  });

  it('stops when the app that started it is killed outright', async () => {
    const fixture = path.join(__dirname, '..', 'support', 'fixtures', 'start-embedded-and-wait.ts');
    const app = spawn(process.execPath, ['--import', 'tsx', fixture, process.env.FERRETDB_BIN_RESOLVED!, mkdtempSync(path.join(tmpdir(), 'ssb-crash-'))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const socket = await new Promise<string>((resolve) => {
      app.stdout!.on('data', (chunk: Buffer) => {
        const match = /SOCKET (\S+)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      });
    });
    expect(await accepts(socket)).toBe(true);
    app.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await accepts(socket))) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await accepts(socket)).toBe(false);
  }, 30_000);
});

function readlinkOrEmpty(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '';
  }
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
