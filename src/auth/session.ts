import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MongoStore from 'connect-mongo';
import type { RequestHandler } from 'express';
import session from 'express-session';
import mongoose from 'mongoose';

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
}

/**
 * express-session with sessions stored in MongoDB (connect-mongo), so app instances stay
 * stateless. FerretDB has no TTL indexes, hence `autoRemove: 'interval'` (design).
 * Uses the already connected mongoose client: call after connectDb().
 */
export function sessionMiddleware(opts: SessionOptions): RequestHandler {
  const store = MongoStore.create({
    client: mongoose.connection.getClient(),
    collectionName: 'sessions',
    ttl: opts.idleMinutes * 60,
    autoRemove: 'interval',
    autoRemoveInterval: 10,
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
