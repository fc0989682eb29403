import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { slowDown } from 'express-slow-down';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../shared/errors.js';

/**
 * Security headers. The CSP allows no inline script or style and nothing from other origins
 * (every asset is served by the app).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

const csrf = csrfSync({
  // Forms send `_csrf`; fetch and uploads send the header, so the check runs before any body
  // (or multipart stream) is read.
  getTokenFromRequest: (req) => {
    const header = req.headers['x-csrf-token'];
    if (typeof header === 'string') return header;
    const body = req.body as { _csrf?: unknown } | undefined;
    if (typeof body?._csrf === 'string') return body._csrf;
    // A multipart form (file upload without JavaScript) is not parsed before this check, so its
    // token rides in the form's action URL. Our request logs never record query strings.
    if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
    return undefined;
  },
});

/**
 * CSRF protection for every state-changing request that could carry a cookie. Requests
 * authenticated with a Bearer token carry no cookies, so a forged cross-site request cannot
 * use them; they are exempt.
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.viaApiToken || res.locals.invalidToken) return next();
  csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
    if (err) return next(new AppError(403, 'csrf_failed', 'The form has expired or did not come from this site. Reload the page and try again.', { expose: true }));
    next();
  });
}

/** `csrfToken()` for views: generated on first use, so pages without forms create no session. */
export function csrfLocals(req: Request, res: Response, next: NextFunction): void {
  let token: string | undefined;
  res.locals.csrfToken = () => (token ??= req.session ? csrf.generateToken(req) : '');
  next();
}

export interface LimitOptions {
  loginMax: number;
  windowMs?: number;
}

/**
 * Wrong logins: keyed by client address AND e-mail, so an attacker hammering one account from
 * one address is stopped while the real user (another address) can still sign in. Successful
 * logins do not count.
 */
export function loginLimiter(opts: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs ?? 15 * 60_000,
    limit: opts.loginMax,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { email?: unknown })?.email ?? '').trim().toLowerCase().slice(0, 254)}`,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_attempts', 'Too many failed sign-ins. Wait a few minutes and try again.', { expose: true })),
  });
}

/**
 * Submissions and link redemptions slow down instead of failing: many employees share one
 * company NAT address, so a hard limit would lock out a whole office.
 */
export function respondentSlowDown(): RequestHandler {
  return slowDown({
    windowMs: 60_000,
    delayAfter: 120,
    delayMs: (used) => (used - 120) * 100,
    maxDelayMs: 5_000,
  });
}

/** Reports and exports must not be kept in shared caches or the browser's history cache. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}
