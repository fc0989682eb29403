import { pino, type Logger } from 'pino';

export type { Logger };

/** One pino logger per process; JSON lines on stdout (nodebestpractices 2.7). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'workplace-voice' },
    // Never log answer texts or cookies: redact what pino-http would otherwise print.
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
  });
}
