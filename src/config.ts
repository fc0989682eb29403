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
  });
}
