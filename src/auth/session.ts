import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MongoStore from 'connect-mongo';
import type { RequestHandler } from 'express';
import session from 'express-session';
import mongoose from 'mongoose';
import type { Logger } from '../shared/logger.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    loginAt?: number;
    /** The user's session epoch at sign-in (a password change increments it: src/auth/user.model.ts). */
    epoch?: number;
  }
}

export interface SessionOptions {
  secret: string;
  /** Idle timeout: the cookie expires this long after the last request (rolling). */
  idleMinutes: number;
  /** Send the cookie only over HTTPS (set when behind TLS). */
  secureCookies: boolean;
  /** The database client (default: the connected mongoose client). */
  client?: mongoose.mongo.MongoClient;
}

export const SESSIONS_COLLECTION = 'sessions';

/**
 * express-session with sessions stored in MongoDB (connect-mongo), so app instances stay
 * stateless. Uses the already connected mongoose client: call after connectDb().
 *
 * Expired sessions: FerretDB has no TTL indexes, and connect-mongo's `autoRemove: 'interval'`
 * deletes with an UNACKNOWLEDGED write (w:0). FerretDB 1.x answers such a write anyway, and the
 * unread answer is then taken by the next command on that pooled connection — a `find` failed with
 * "BSON element "cursor" is missing" (the dashboard's 500 under load, issue 15) and every later
 * command on that connection read the previous one's answer. So connect-mongo's removal is off,
 * and removeExpiredSessions() deletes with an acknowledged write (startSessionCleanup, server.ts).
 */
export function sessionMiddleware(opts: SessionOptions): RequestHandler {
  const store = MongoStore.create({
    client: opts.client ?? mongoose.connection.getClient(),
    collectionName: SESSIONS_COLLECTION,
    ttl: opts.idleMinutes * 60,
    autoRemove: 'disabled',
    touchAfter: 60,
    stringify: false,
  });
  return session({
    name: 'wv_sid',
    secret: opts.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined,
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secureCookies ? true : 'auto', maxAge: opts.idleMinutes * 60_000, path: '/' },
  });
}

/**
 * SESSION_SECRET, or a random secret kept in the data directory (created 0600 on first start),
 * so `npm start` works out of the box and sessions survive restarts.
 */
export async function resolveSessionSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** Deletes the sessions that have expired (an acknowledged write); returns how many went. */
export async function removeExpiredSessions(db: mongoose.mongo.Db | undefined = mongoose.connection.db, now = new Date()): Promise<number> {
  if (!db) return 0;
  const res = await db.collection(SESSIONS_COLLECTION).deleteMany({ expires: { $lt: now } });
  return res.deletedCount;
}

/** Removes expired sessions every `intervalMs` (10 minutes). Returns a stop function. */
export function startSessionCleanup(logger: Logger, intervalMs = 10 * 60_000): () => void {
  const t = setInterval(() => {
    removeExpiredSessions().catch((err: unknown) => logger.warn({ err }, 'removing expired sessions failed; will retry'));
  }, intervalMs);
  t.unref();
  return () => clearInterval(t);
}
