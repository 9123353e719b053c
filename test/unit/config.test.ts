import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { ferretdbEnvironment, sqliteUrl } from '../../src/db/embedded-ferretdb';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'ssb-config-'));

describe('loadConfig', () => {
  it('gives working defaults with an empty environment', () => {
    const data = dataDir();
    const config = loadConfig({ DATA_DIR: data });
    expect(config.port).toBe(3000);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.session.idleMinutes).toBe(30);
    expect(config.session.cookieSecure).toBe(false);
    expect(config.seedDemoData).toBe(true);
    expect(config.uploads).toEqual({ maxPhotoBytes: 5 * 1024 * 1024, maxDocumentBytes: 10 * 1024 * 1024, maxGiasBytes: 200 * 1024 * 1024, tempDir: path.join(data, 'uploads') });
    expect(config.resetRequests).toEqual({ perIpPerHour: 20 });
    expect(config.mail.smtp).toBeUndefined();
    expect(config.baseUrl).toBe('http://localhost:3000');
  });

  it('generates a session secret once and keeps it in the data folder', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).session.secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8')).toBe(first);
    expect(loadConfig({ DATA_DIR: dir }).session.secret).toBe(first);
  });

  it('names the variable and the problem in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Setting PORT is invalid: .*\(got "eighty"\)$/);
    expect(() => loadConfig({ MONGODB_URI: 'postgres://x' })).toThrow(/MONGODB_URI .*mongodb:\/\//);
    expect(() => loadConfig({ COOKIE_SECURE: 'yes' })).toThrow(/COOKIE_SECURE/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('starts the embedded database on PostgreSQL when given its address, and refuses two databases at once', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir }).ferretdb.postgresqlUrl).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dir, FERRETDB_POSTGRESQL_URL: 'postgres://app:secret@db.internal:5432/school_support' }).ferretdb.postgresqlUrl).toBe(
      'postgres://app:secret@db.internal:5432/school_support',
    );
    expect(() => loadConfig({ DATA_DIR: dir, FERRETDB_POSTGRESQL_URL: 'mongodb://x/y' })).toThrow(/^Setting FERRETDB_POSTGRESQL_URL is invalid: must start with postgres:\/\//);
    expect(() => loadConfig({ DATA_DIR: dir, FERRETDB_POSTGRESQL_URL: 'postgresql://h/d', MONGODB_URI: 'mongodb://h/d' })).toThrow(/MONGODB_URI or FERRETDB_POSTGRESQL_URL, not both/);
  });

  it('commits SQLite with synchronous(normal) and immediate write transactions unless told full', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir }).ferretdb.synchronous).toBe('normal');
    expect(loadConfig({ DATA_DIR: dir, SQLITE_SYNCHRONOUS: 'full' }).ferretdb.synchronous).toBe('full');
    expect(() => loadConfig({ DATA_DIR: dir, SQLITE_SYNCHRONOUS: 'off' })).toThrow(/^Setting SQLITE_SYNCHRONOUS is invalid/);
    expect(sqliteUrl('/data', 'full')).toBe('file:/data/?_txlock=immediate&_pragma=synchronous(full)');
  });

  it('starts the embedded FerretDB collecting garbage less often unless GOGC is set, with the PostgreSQL URL in its environment', () => {
    expect(ferretdbEnvironment({ PATH: '/bin' }, undefined)).toEqual({ PATH: '/bin', GOGC: '200', FERRETDB_POSTGRESQL_URL: '' });
    expect(ferretdbEnvironment({ GOGC: '100' }, 'postgres://db/x')).toEqual({ GOGC: '100', FERRETDB_POSTGRESQL_URL: 'postgres://db/x' });
  });

  it('requires a strong session secret in production and does not write one', () => {
    const dir = dataDir();
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir })).toThrow(/SESSION_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET .*32/);
    expect(existsSync(path.join(dir, 'session-secret'))).toBe(false);
  });

  it('secures cookies and skips demo data in production by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) });
    expect(config.session.cookieSecure).toBe(true);
    expect(config.seedDemoData).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATA_DIR: dataDir() }).port).toBe(3000);
  });
});
