import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../shared/errors.js';
import { userForApiToken, userForSession, type CurrentUser } from './auth.service.js';
import type { Role } from './user.model.js';

declare module 'express-serve-static-core' {
  interface Locals {
    user?: CurrentUser;
    /** True when the request authenticated with a Bearer token (no cookies, so no CSRF check). */
    viaApiToken?: boolean;
  }
}

/** Reads the Bearer token, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header || header.length > 200) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/**
 * Identifies the user from a Bearer token (API) or the session cookie. Sets res.locals.user;
 * never rejects by itself.
 */
export async function identify(req: Request, res: Response, next: NextFunction): Promise<void> {
  const token = bearerToken(req);
  if (token) {
    const user = await userForApiToken(token);
    if (!user) {
      // A wrong token never falls back to the cookie (the caller meant the token), and such a
      // request is not exempt from anything: it is refused here, whatever the path.
      return next(new AppError(401, 'unauthenticated', 'The API token is unknown or revoked'));
    }
    res.locals.user = user;
    res.locals.viaApiToken = true;
    return next();
  }
  if (req.session?.userId) {
    const user = await userForSession(req.session.userId, req.session.epoch);
    if (user) res.locals.user = user;
    else await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  }
  next();
}

/**
 * The one gate in front of /lead, /admin, /account and /api/v1: unauthenticated requests get
 * 401 (JSON) or a redirect to the login page (HTML); wrong roles get 403.
 */
export function requireUser(roles?: readonly Role[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user;
    if (!user) {
      const wantsJson = req.originalUrl.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
      if (wantsJson || req.method !== 'GET') {
        next(new AppError(401, 'unauthenticated', 'Sign in or send a valid API token (Authorization: Bearer …)'));
        return;
      }
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.slice(0, 500))}`);
      return;
    }
    if (roles && !roles.includes(user.role)) {
      next(new AppError(403, 'forbidden', 'Your role does not allow this'));
      return;
    }
    next();
  };
}
