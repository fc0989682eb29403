import mongoose from 'mongoose';

// Fail fast instead of queueing queries while the database is away: a respondent's
// autosave should get a 503 within seconds, not hang for mongoose's 10 s buffer timeout.
mongoose.set('bufferCommands', false);
// Unknown query fields are programming errors (and injection attempts); reject them.
mongoose.set('strictQuery', 'throw');
// Strip `$`-operators that arrive inside query filter values (NoSQL injection).
mongoose.set('sanitizeFilter', true);

let currentUri: string | undefined;

/** The URI of the last `connectDb()`: the analysis worker opens its own connection with it. */
export function connectedUri(): string | undefined {
  return currentUri;
}

/** Connects the process-wide mongoose connection. */
export async function connectDb(uri: string, opts: { serverSelectionTimeoutMS?: number } = {}): Promise<void> {
  currentUri = uri;
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 3000,
    // A database that stops answering without closing its connections (frozen, network cut):
    // the driver's monitor checks every 2 s and gives up after 5 s, then marks the server down
    // and interrupts the requests waiting on it (→ 503 within ~7–10 s instead of ~40 s).
    heartbeatFrequencyMS: 2000,
    connectTimeoutMS: 5000,
    // FerretDB 1.x has no retryable writes, so they are off — unless the URI asks for them
    // (`retryWrites=true&w=majority` on a MongoDB replica set: a write interrupted by a failover
    // is retried once by the driver; docs/operations.md).
    ...(/[?&]retryWrites=/i.test(uri) ? {} : { retryWrites: false }),
    autoIndex: true,
  });
}

export async function disconnectDb(): Promise<void> {
  await mongoose.disconnect();
}

/**
 * True when the database answers a ping within `timeoutMs`. Used by /healthz:
 * readyState alone stays "connected" for a while after the server died.
 */
export async function pingDb(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ping = db
      .command({ ping: 1 })
      .then((r) => r.ok === 1)
      .catch(() => false);
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Socket errors the driver can let through unwrapped: a command written to a connection the
 * database has just closed (its process was killed) fails with a plain `EPIPE` "This socket has
 * been ended by the other party" from `socket.write` (seen in the fault test of a killed embedded
 * database: a 500 instead of a 503). Counted as "database gone" only when they come from the
 * driver's own code, so a mail server or transcription service that hangs up is not reported as
 * the database.
 */
const SOCKET_GONE_CODES = new Set(['EPIPE', 'ECONNRESET']);
const fromDriver = (err: Error) => /[\\/]node_modules[\\/]mongodb[\\/]/.test(err.stack ?? '');

/** True for driver errors that mean "the database is unreachable right now" (→ 503). */
export function isDbUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && SOCKET_GONE_CODES.has(code) && fromDriver(err)) return true;
  // Network errors include the driver's "pool cleared" errors after a lost connection.
  const { MongoNetworkError, MongoServerSelectionError } = mongoose.mongo;
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  const name = err.name;
  return (
    name === 'MongoServerSelectionError' ||
    name === 'MongoPoolClearedError' ||
    name === 'MongoPoolClosedError' ||
    name === 'MongoWaitQueueTimeoutError' ||
    name === 'MongooseServerSelectionError' ||
    name === 'MongoNetworkError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoNotConnectedError' ||
    name === 'MongoTopologyClosedError' ||
    /Client must be connected|buffering timed out|connection .* closed/i.test(err.message)
  );
}

/**
 * One sentence for a person when the app cannot reach its database at start: where it tried
 * (credentials removed), why, and what to do.
 */
export function describeStartFailure(err: unknown, uri: string | undefined): string {
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (!uri || !isDbUnavailableError(err)) return why;
  let where = uri;
  try {
    const u = new URL(uri);
    u.username = '';
    u.password = '';
    where = u.toString();
  } catch {
    where = '(unparseable MONGODB_URI)';
  }
  return `The database at MONGODB_URI=${where} did not answer (${why}). Start it, or fix MONGODB_URI (unset it to let the app start its own embedded database).`;
}
