import path from 'node:path';
import { z } from 'zod';

/**
 * Typed, validated configuration. The only place that reads `process.env`
 * (STYLE 3.3): everything else receives a `Config`.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z.string().trim().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.string().url().optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  DB_START_TIMEOUT_MS: z.coerce.number().int().min(1000).default(20_000),
  // Invitations and reminders (src/participants); unset: no e-mail, leads export links instead.
  SMTP_URL: z.string().trim().regex(/^smtps?:\/\/\S+$/, 'must look like smtp://user:pass@host:587 or smtps://…').optional(),
  SMTP_FROM: z.string().trim().email('must be an e-mail address').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  SECURE_COOKIES: z.enum(['true', 'false', 'auto']).default('auto'),
  TRUST_PROXY: z.string().default('false'),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(100),
  RESPONDENT_RATE_PER_MINUTE: z.coerce.number().int().min(10).max(1_000_000).default(6_000),
  RESPONDENT_DEVICE_RATE_PER_MINUTE: z.coerce.number().int().min(5).max(1_000_000).default(30),
  // Video/audio answers (src/media).
  MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).default(500 * 1024 * 1024),
  MEDIA_MAX_SECONDS: z.coerce.number().int().min(5).max(24 * 3600).default(600),
  MEDIA_STORE: z.enum(['auto', 'gridfs', 'fs']).default('auto'),
  TRANSCRIBE_URL: z.string().trim().url().optional(),
  TRANSCRIBE_MODEL: z.string().trim().min(1).default('whisper-1'),
  TRANSCRIBE_API_KEY: z.string().trim().min(1).optional(),
  // The report's "Download PDF" (src/reports/report-pdf.ts); empty: the browser's print instead.
  CHROMIUM_PATH: z.string().trim().default('/usr/bin/chromium'),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** Set: use this database. Unset: start the embedded default (see src/db/embedded). */
  readonly mongodbUri?: string;
  /** Absolute directory for the embedded database's files. */
  readonly dataDir: string;
  readonly logLevel: string;
  /** Used to print absolute respondent links; defaults to the request's host. */
  readonly publicBaseUrl?: string;
  readonly shutdownTimeoutMs: number;
  readonly dbStartTimeoutMs: number;
  /** SMTP server for invitation e-mails; set together with smtpFrom. */
  readonly smtpUrl?: string;
  /** Sender address of invitation e-mails (campaigns choose only a display name). */
  readonly smtpFrom?: string;
  /** Unset: a random secret kept in DATA_DIR/session-secret. */
  readonly sessionSecret?: string;
  readonly sessionIdleMinutes: number;
  /** true: cookies only over HTTPS; auto: secure when the request came over TLS. */
  readonly secureCookies: boolean;
  /** Express `trust proxy`: false, a hop count, or addresses/subnets of the proxies. */
  readonly trustProxy: boolean | number | string;
  /** Failed sign-ins per address and account per 15 minutes. */
  readonly loginRateLimit: number;
  /** Failed sign-ins per client address across all accounts per 15 minutes (password spraying). */
  readonly loginRateLimitPerAddress: number;
  /** Respondent consent/submit requests per client address (all devices) and minute before slowing down. */
  readonly respondentRatePerMinute: number;
  /** The same requests per device (resume cookie) and minute before that device slows down. */
  readonly respondentDeviceRatePerMinute: number;
  /** Largest accepted media upload in bytes. */
  readonly mediaMaxBytes: number;
  /** Longest accepted recording in seconds (checked with ffprobe when installed). */
  readonly mediaMaxSeconds: number;
  /** auto: GridFS on MongoDB, the file system (DATA_DIR/media) on FerretDB; see src/media. */
  readonly mediaStore: 'auto' | 'gridfs' | 'fs';
  /** OpenAI-compatible `/v1/audio/transcriptions` endpoint; unset: no automatic transcripts. */
  readonly transcribeUrl?: string;
  readonly transcribeModel: string;
  readonly transcribeApiKey?: string;
  /** Chromium for report PDFs ('' disables them: the report offers the browser's print). */
  readonly chromiumPath: string;
}

export class ConfigError extends Error {}

/** Parses the environment into a frozen Config; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.SMTP_URL) !== Boolean(e.SMTP_FROM)) {
    throw new ConfigError('Invalid configuration:\n  SMTP_URL and SMTP_FROM must be set together (or neither)');
  }
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/$/, ''),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    dbStartTimeoutMs: e.DB_START_TIMEOUT_MS,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    sessionSecret: e.SESSION_SECRET,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    secureCookies: e.SECURE_COOKIES === 'true',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    loginRateLimitPerAddress: e.LOGIN_RATE_LIMIT_PER_ADDRESS,
    respondentRatePerMinute: e.RESPONDENT_RATE_PER_MINUTE,
    respondentDeviceRatePerMinute: e.RESPONDENT_DEVICE_RATE_PER_MINUTE,
    mediaMaxBytes: e.MEDIA_MAX_BYTES,
    mediaMaxSeconds: e.MEDIA_MAX_SECONDS,
    mediaStore: e.MEDIA_STORE,
    transcribeUrl: e.TRANSCRIBE_URL,
    transcribeModel: e.TRANSCRIBE_MODEL,
    transcribeApiKey: e.TRANSCRIBE_API_KEY,
    chromiumPath: e.CHROMIUM_PATH,
  });
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // e.g. "loopback" or "10.0.0.0/8"
}
