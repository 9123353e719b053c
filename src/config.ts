import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** How the embedded SQLite database commits: src/db/embedded-ferretdb.ts and docs/database.md explain the trade-off. */
const sqliteSynchronousModes = ['normal', 'full'] as const;
export type SqliteSynchronous = (typeof sqliteSynchronousModes)[number];

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** Every setting the app reads from the environment. docs/configuration.md lists each one (a unit test checks). */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  FERRETDB_POSTGRESQL_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must start with postgres:// or postgresql://')
    .optional(),
  FERRETDB_BIN: z.string().min(1).optional(),
  FERRETDB_CACHE_DIR: z.string().min(1).default(path.join(homedir(), '.cache', 'school-support-brokerage')),
  SQLITE_SYNCHRONOUS: z.enum(sqliteSynchronousModes).default('normal'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: positiveInt(24 * 60).default(30),
  COOKIE_SECURE: booleanFlag.optional(),
  TRUST_PROXY: booleanFlag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: positiveInt(1000).default(10),
  SIGN_IN_MAX_FAILURES_PER_IP: positiveInt(10000).default(15),
  SIGN_IN_LOCKOUT_MINUTES: positiveInt(24 * 60).default(15),
  SIGN_IN_LOCKOUT_MAX_HOURS: positiveInt(24 * 7).default(24),
  SECURITY_EVENTS_KEPT: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  UPLOAD_MAX_PHOTO_MB: positiveInt(50).default(5),
  // A stored file must fit in one 16 MB database document.
  UPLOAD_MAX_DOCUMENT_MB: positiveInt(15).default(10),
  LISTING_REVIEW_MONTHS: positiveInt(120).default(24),
  LISTING_REVIEW_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  UPLOAD_MAX_GIAS_MB: positiveInt(1000).default(200),
  BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: booleanFlag.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  INVITATION_EXPIRY_HOURS: positiveInt(24 * 30).default(72),
  PASSWORD_RESET_EXPIRY_MINUTES: positiveInt(24 * 60).default(60),
  PASSWORD_RESET_REQUESTS_PER_IP: positiveInt(10000).default(20),
  FEEDBACK_DUE_DAYS: positiveInt(365).default(14),
  SIP_LICENCE_REMINDER_DAYS: positiveInt(365).default(30),
  RETENTION_CLOSED_COMMISSION_MONTHS: positiveInt(240).default(72),
  RETENTION_NOTIFICATION_MONTHS: positiveInt(120).default(24),
  RETENTION_NOTICE_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  SEED_DEMO_DATA: booleanFlag.optional(),
  LA_NAME: z.string().min(1).max(100).default('Anyshire County Council'),
  SERVICE_NAME: z.string().min(1).max(100).default('School support directory'),
  DIRECTORY_SYNC_SECONDS: z.coerce.number().min(0).max(3600).default(2),
});

/** The environment variables `loadConfig` reads, with their defaults (undefined: none), for docs and their test. */
export const settings: ReadonlyArray<{ name: string; defaultValue: unknown }> = Object.entries(environmentSchema.shape).map(
  ([name, schema]) => ({ name, defaultValue: schema instanceof z.ZodDefault ? schema.def.defaultValue : undefined }),
);

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Processes serving requests (app-workers.ts): one Node process runs its JavaScript on one core. */
  webConcurrency: number;
  mongodbUri: string | undefined;
  dataDir: string;
  /** postgresqlUrl: the embedded FerretDB keeps its data on this PostgreSQL server instead of SQLite files in dataDir. */
  ferretdb: { binary: string | undefined; cacheDir: string; postgresqlUrl: string | undefined; synchronous: SqliteSynchronous };
  session: { secret: string; idleMinutes: number; cookieSecure: boolean };
  trustProxy: boolean;
  logLevel: string;
  /** lockoutMinutes: the first lockout (and the counting window); each repeat doubles it, up to maxLockoutMinutes. */
  signIn: { maxFailuresPerAccount: number; maxFailuresPerIp: number; lockoutMinutes: number; maxLockoutMinutes: number };
  /** How many of the latest security events the Security events page keeps; the audit trail keeps them all. */
  securityEvents: { kept: number };
  /** tempDir: where large uploads (the GIAS file) wait on disk while they are read; inside DATA_DIR, not a RAM-backed /tmp. */
  uploads: { maxPhotoBytes: number; maxDocumentBytes: number; maxGiasBytes: number; tempDir: string };
  listings: { reviewMonths: number; reviewGraceDays: number };
  /** Where users reach the service, for links in emails. */
  baseUrl: string;
  mail: {
    from: string;
    /** Unset: mail is kept in the outbox collection, for Traded Services to read, instead of sent. */
    smtp: { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined } | undefined;
  };
  tokens: { invitationHours: number; passwordResetMinutes: number };
  /** Forgotten-password requests one address (IP) may make an hour; each email address may be asked for RESET_REQUESTS_PER_EMAIL_PER_HOUR times. */
  resetRequests: { perIpPerHour: number };
  feedbackDueDays: number;
  /** How long before a SIP's licence to practise is due for renewal they are reminded, and it shows as due. */
  sips: { licenceReminderDays: number };
  /**
   * The retention schedule (features/privacy/retention.service.ts): months after a commission closed
   * before its free text and feedback evidence go; months notifications and sent emails are kept; days a
   * purge is shown on the Retention page before it runs.
   */
  retention: RetentionPeriods;
  seedDemoData: boolean;
  laName: string;
  serviceName: string;
  directory: { syncMs: number };
};

export type RetentionPeriods = { closedCommissionMonths: number; notificationMonths: number; noticeDays: number };

export class ConfigError extends Error {}

const MB = 1024 * 1024;

/**
 * Parses the environment into a Config, or throws a ConfigError whose message is one line naming
 * the variable and what is wrong with it.
 */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(emptyToUndefined(environment));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const received = environment[String(issue.path[0])];
    throw new ConfigError(
      `Setting ${String(issue.path[0])} is invalid: ${issue.message}` +
        (received === undefined ? '' : ` (got "${received.slice(0, 40)}")`),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError('Setting SESSION_SECRET is required when NODE_ENV=production (at least 32 characters).');
  }
  if (e.MONGODB_URI && e.FERRETDB_POSTGRESQL_URL) {
    throw new ConfigError('Set MONGODB_URI or FERRETDB_POSTGRESQL_URL, not both: MONGODB_URI connects to a running database, FERRETDB_POSTGRESQL_URL starts the embedded one on PostgreSQL.');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    webConcurrency: e.WEB_CONCURRENCY,
    mongodbUri: e.MONGODB_URI,
    dataDir,
    ferretdb: { binary: e.FERRETDB_BIN, cacheDir: path.resolve(e.FERRETDB_CACHE_DIR), postgresqlUrl: e.FERRETDB_POSTGRESQL_URL, synchronous: e.SQLITE_SYNCHRONOUS },
    session: {
      secret: e.SESSION_SECRET ?? readOrCreateSecret(dataDir),
      idleMinutes: e.SESSION_IDLE_MINUTES,
      cookieSecure: e.COOKIE_SECURE ?? production,
    },
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    signIn: {
      maxFailuresPerAccount: e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.SIGN_IN_MAX_FAILURES_PER_IP,
      lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
      maxLockoutMinutes: Math.max(e.SIGN_IN_LOCKOUT_MAX_HOURS * 60, e.SIGN_IN_LOCKOUT_MINUTES),
    },
    securityEvents: { kept: e.SECURITY_EVENTS_KEPT },
    uploads: {
      maxPhotoBytes: e.UPLOAD_MAX_PHOTO_MB * MB,
      maxDocumentBytes: e.UPLOAD_MAX_DOCUMENT_MB * MB,
      maxGiasBytes: e.UPLOAD_MAX_GIAS_MB * MB,
      tempDir: path.join(dataDir, 'uploads'),
    },
    listings: { reviewMonths: e.LISTING_REVIEW_MONTHS, reviewGraceDays: e.LISTING_REVIEW_GRACE_DAYS },
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mail: {
      from: e.MAIL_FROM ?? `${e.SERVICE_NAME} <no-reply@localhost>`,
      smtp: e.SMTP_HOST
        ? { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, password: e.SMTP_PASSWORD }
        : undefined,
    },
    tokens: { invitationHours: e.INVITATION_EXPIRY_HOURS, passwordResetMinutes: e.PASSWORD_RESET_EXPIRY_MINUTES },
    resetRequests: { perIpPerHour: e.PASSWORD_RESET_REQUESTS_PER_IP },
    feedbackDueDays: e.FEEDBACK_DUE_DAYS,
    sips: { licenceReminderDays: e.SIP_LICENCE_REMINDER_DAYS },
    retention: {
      closedCommissionMonths: e.RETENTION_CLOSED_COMMISSION_MONTHS,
      notificationMonths: e.RETENTION_NOTIFICATION_MONTHS,
      noticeDays: e.RETENTION_NOTICE_DAYS,
    },
    seedDemoData: e.SEED_DEMO_DATA ?? !production,
    laName: e.LA_NAME,
    serviceName: e.SERVICE_NAME,
    directory: { syncMs: e.DIRECTORY_SYNC_SECONDS * 1000 },
  };
}

/** An exported but empty variable (`PORT=`) means "use the default", as most tools treat it. */
function emptyToUndefined(environment: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === '' ? undefined : value]));
}

/** Outside production the secret is generated once and kept beside the data, so sessions survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
