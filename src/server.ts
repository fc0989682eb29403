import type { IncomingMessage, Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDb, describeStartFailure, disconnectDb } from './db/connection.js';
import type { EmbeddedDatabase } from './db/embedded/launcher.js';
import { openDatabase } from './db/open-database.js';
import { createMailer, type Mailer } from './participants/mailer/mailer.js';
import { startReminderJob } from './participants/mail.service.js';
import { createLogger, type Logger } from './shared/logger.js';
import { resolveSessionSecret, sessionMiddleware, startSessionCleanup } from './auth/session.js';
import { startRetentionJob } from './privacy/retention.js';
import { startScheduleJob } from './campaigns/campaign.schedule.js';
import { startReclaimJob } from './privacy/reclaim.js';
import { createRunner } from './analysis-runs/runner.js';
import { chooseMediaStore } from './media/media-store.js';
import { createTranscriber } from './media/transcriber.js';
import { flushDraftDeletes } from './responses/draft-cleanup.js';
import { countUsers } from './auth/auth.service.js';
import { startLine } from './http/start-line.js';

type App = ReturnType<typeof createApp>;

/** configuration → database → app → listen → jobs → graceful shutdown on a signal or a fatal error. */
async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const mailer: Mailer | undefined = config.smtpUrl && config.smtpFrom ? createMailer({ url: config.smtpUrl, from: config.smtpFrom }) : undefined;
  const embedded = await startDatabase(config, logger);
  const app = await buildApp(config, logger, mailer, embedded);
  const server = listen(app, config, logger);
  const jobs = startJobs(config, logger, mailer);
  const shutdown = gracefulShutdown({ server, config, logger, mailer, embedded, jobs });
  server.on('error', async (err) => {
    logger.fatal({ err }, 'HTTP server error');
    await shutdown(1);
  });
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void shutdown(1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown(1);
  });
}

/** The configuration, or every bad variable named on stderr and exit 1. */
function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

/**
 * MONGODB_URI or the embedded database, connected; returns the embedded one (to stop at
 * shutdown). If it cannot start: one message that says why, and exit 1.
 */
async function startDatabase(config: Config, logger: Logger): Promise<EmbeddedDatabase | undefined> {
  let embedded: EmbeddedDatabase | undefined;
  try {
    const db = await openDatabase(config, logger);
    embedded = db.embedded;
    await connectDb(db.uri);
    return embedded;
  } catch (err) {
    const message = describeStartFailure(err, config.mongodbUri);
    logger.fatal({ reason: message }, 'could not start: database unavailable');
    process.stderr.write(`\nWorkplace Voice could not start:\n${message}\n`);
    await embedded?.stop();
    process.exit(1);
  }
}

/** The express app with its real dependencies (sessions, mail, media store, transcription). */
async function buildApp(config: Config, logger: Logger, mailer: Mailer | undefined, embedded: EmbeddedDatabase | undefined): Promise<App> {
  try {
    const secret = await resolveSessionSecret(config.sessionSecret, config.dataDir);
    const session = sessionMiddleware({
      secret,
      idleMinutes: config.sessionIdleMinutes,
      secureCookies: config.secureCookies,
    });
    return createApp({
      logger,
      publicBaseUrl: config.publicBaseUrl,
      session,
      secret,
      secureCookies: config.secureCookies,
      trustProxy: config.trustProxy,
      loginRateLimit: config.loginRateLimit,
      loginRateLimitPerAddress: config.loginRateLimitPerAddress,
      respondentRatePerMinute: config.respondentRatePerMinute,
      respondentDeviceRatePerMinute: config.respondentDeviceRatePerMinute,
      mailer,
      chromiumPath: config.chromiumPath,
      // Video answers: GridFS on MongoDB, DATA_DIR/media on FerretDB (see README "Video answers").
      media: {
        store: await chooseMediaStore(config.mediaStore, config.dataDir).then((store) => {
          logger.info({ mediaStore: store.kind }, store.kind === 'fs' ? 'video answers stored under DATA_DIR/media' : 'video answers stored in GridFS');
          return store;
        }),
        maxBytes: config.mediaMaxBytes,
        maxSeconds: config.mediaMaxSeconds,
        transcriber: config.transcribeUrl
          ? createTranscriber({ url: config.transcribeUrl, model: config.transcribeModel, apiKey: config.transcribeApiKey })
          : undefined,
        logger,
      },
    });
  } catch (err) {
    // Never leave the embedded database running behind a failed start.
    logger.fatal({ err }, 'could not start');
    await disconnectDb().catch(() => undefined);
    await embedded?.stop();
    process.exit(1);
  }
}

function listen(app: App, config: Config, logger: Logger): Server {
  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, host: config.host }, `Workplace Voice listening on http://localhost:${port}`);
    // One line for a person at a terminal; the JSON lines above are for machines (and stay alone
    // when stdout is a pipe or a file).
    if (process.stdout.isTTY) {
      void countUsers()
        .catch(() => 1)
        .then((users) => process.stdout.write(`${startLine({ host: config.host, port, publicBaseUrl: config.publicBaseUrl, users })}\n`));
    }
  });
  // At LOG_LEVEL=debug, one line as each request arrives (its headers are read; the path without
  // the query string, as in the request log). The fault tests wait for it to know that a request
  // is in flight before they send SIGTERM, instead of guessing with a sleep.
  if (logger.isLevelEnabled('debug')) server.on('request', (req: IncomingMessage) => logger.debug({ method: req.method, path: req.url?.split('?')[0] }, 'request received'));
  return server;
}

interface Jobs {
  /** The periodic jobs (schedule, reminders, retention, compaction, session cleanup); they stop at once. */
  stop(): void;
  /** The analysis runner: a run gets a grace period, then its lease is given back. */
  stopAnalysis(): Promise<void>;
}

/** The background jobs every instance runs. */
function startJobs(config: Config, logger: Logger, mailer: Mailer | undefined): Jobs {
  // Privacy: responses of campaigns past their retention date are purged hourly.
  const stopRetention = startRetentionJob(logger);
  // After erasures: the embedded database is compacted so erased text leaves its files (GDPR).
  const stopReclaim = startReclaimJob(logger);
  // Expired staff sessions (an acknowledged delete; see src/auth/session.ts for why not connect-mongo's).
  const stopSessionCleanup = startSessionCleanup(logger);
  // The schedule (issue 17): drafts open and open campaigns close on their dates, every 30 s, each
  // change exactly once across instances (a fence per change: src/campaigns/campaign.schedule.ts).
  const stopSchedule = startScheduleJob({ logger });
  // Participant e-mails (issue 4): reminders to those who have not answered yet.
  const stopReminders = mailer ? startReminderJob({ mailer, publicBaseUrl: config.publicBaseUrl, logger }) : undefined;

  // Analysis runs (issue 6): every instance polls; the lease decides which one runs a job
  // (src/analysis-runs/runner.ts), the engine runs in a worker.
  const analysisRunner = createRunner({ logger });
  analysisRunner.start(1500);
  return {
    stop() {
      stopReminders?.();
      stopSchedule();
      stopRetention();
      stopReclaim();
      stopSessionCleanup();
    },
    // On shutdown: a run gets a few seconds to finish, then its lease is given back for another
    // instance (or the next start) to pick up, without using up one of its attempts.
    stopAnalysis: () => analysisRunner.stop(Math.min(5000, config.shutdownTimeoutMs)),
  };
}

/**
 * Graceful shutdown: stop accepting, let in-flight requests finish (with a deadline), close the
 * database connection, then stop the embedded database and exit with `code`. Called once; later
 * calls do nothing.
 */
function gracefulShutdown(p: { server: Server; config: Config; logger: Logger; mailer: Mailer | undefined; embedded: EmbeddedDatabase | undefined; jobs: Jobs }): (code: number) => Promise<void> {
  const { server, config, logger } = p;
  let stopping = false;
  // While draining, every response tells its client to close the connection: otherwise a client
  // whose keep-alive connection was busy at SIGTERM could go on sending requests over it for as
  // long as the drain lasts, although the server no longer accepts connections.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  return async function shutdown(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    p.jobs.stop();
    p.mailer?.close();
    logger.info('shutting down');
    // Stop accepting at once; requests in flight get SHUTDOWN_TIMEOUT_MS, then are cut.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A connection whose request is still in flight is not idle yet: once its answer is out, it
    // would wait the usual keep-alive time for the client's next request. Let it close instead.
    server.keepAliveTimeout = 1;
    const deadline = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    deadline.unref();
    await p.jobs.stopAnalysis().catch((err) => logger.warn({ err }, 'stopping the analysis runner failed'));
    await closed;
    clearTimeout(deadline);
    // Drafts of responses submitted in the last second (src/responses/draft-cleanup.ts).
    await flushDraftDeletes().catch((err) => logger.warn({ err }, 'deleting submitted drafts failed'));
    await disconnectDb().catch((err) => logger.warn({ err }, 'closing the database connection failed'));
    await p.embedded?.stop().catch((err) => logger.warn({ err }, 'stopping the embedded database failed'));
    logger.info('stopped');
    process.exit(code);
  };
}

void main();
