import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { slowDown } from 'express-slow-down';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { doubleCsrf } from 'csrf-csrf';
import { randomBytes } from 'node:crypto';
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

// Forms send `_csrf`; fetch and uploads send the header, so the check runs before any body
// (or multipart stream) is read.
function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as { _csrf?: unknown } | undefined;
  if (typeof body?._csrf === 'string') return body._csrf;
  // A multipart form (file upload without JavaScript) is not parsed before this check, so its
  // token rides in the form's action URL. Our request logs never record query strings.
  if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return undefined;
}

const staffCsrf = csrfSync({ getTokenFromRequest: (req) => tokenFromRequest(req) });

/** Respondent pages live under /r and /p: no server session there (see respondentSession). */
export function isRespondentPath(path: string): boolean {
  return path.startsWith('/r/') || path.startsWith('/p/');
}

export const RESUME_COOKIE = 'wv_resume';
const resumeTokens = new WeakMap<Request, string>();

/**
 * Respondents get no server-side session: with thousands of respondents a session lookup per
 * request is exactly the query FerretDB/SQLite cannot index. Their "session" is the random
 * resume cookie of the device (path /r/<campaign token>), set on the first GET; the CSRF token is
 * an HMAC bound to it (csrf-csrf's double-submit pattern), so checking it costs no database
 * access.
 */
export function respondentSession(opts: { secureCookies: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = /^\/r\/([A-Za-z0-9_-]{16,64})(\/|$)/.exec(req.path);
    if (!m) return next();
    let token = readResumeCookie(req);
    if (!token && req.method === 'GET') {
      token = randomBytes(16).toString('base64url');
      res.cookie(RESUME_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies || req.secure,
        path: `/r/${m[1]}`,
        maxAge: 180 * 24 * 3600 * 1000,
      });
    }
    if (token) resumeTokens.set(req, token);
    next();
  };
}

function readResumeCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[RESUME_COOKIE];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(value) ? value : undefined;
}

/** The device's resume token (from the cookie, or the one just set on this GET). */
export function resumeTokenOf(req: Request): string | undefined {
  return resumeTokens.get(req);
}

export interface CsrfOptions {
  /** Secret for the respondents' HMAC tokens (the session secret). */
  secret: string;
  secureCookies: boolean;
  /**
   * Whether `/r/<token>` is a campaign. A form posted to a link that is no campaign changes
   * nothing anyway: it gets the same 404 as opening that link, not a CSRF refusal (which would
   * tell a prober nothing new, but reads as "expired form" to a person with an old link).
   */
  campaignExists?: (publicToken: string) => Promise<boolean>;
}

/**
 * CSRF protection for every state-changing request that could carry a cookie: csrf-sync
 * (synchroniser token in the session) for staff, csrf-csrf (HMAC bound to the resume cookie) for
 * respondents. Requests authenticated with a Bearer token carry no cookies, so a forged
 * cross-site request cannot use them; they are exempt.
 */
export function csrf(opts: CsrfOptions) {
  const respondent = doubleCsrf({
    getSecret: () => opts.secret,
    getSessionIdentifier: (req) => resumeTokens.get(req) ?? '',
    cookieName: 'wv_csrf',
    cookieOptions: { sameSite: 'lax', path: '/r', secure: opts.secureCookies, httpOnly: true },
    getCsrfTokenFromRequest: (req) => tokenFromRequest(req),
  });
  const failed = () => new AppError(403, 'csrf_failed', 'The form has expired or did not come from this site. Reload the page and try again.', { expose: true });

  const protection = (req: Request, res: Response, next: NextFunction): void => {
    if (res.locals.viaApiToken) return next();
    if (isRespondentPath(req.path)) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
      if (resumeTokens.get(req) && respondent.validateRequest(req)) return next();
      const token = /^\/r\/([^/]+)/.exec(req.path)?.[1];
      if (!token || !opts.campaignExists) return next(failed());
      opts.campaignExists(token).then(
        (exists) => next(exists ? failed() : undefined),
        (err: unknown) => next(err),
      );
      return;
    }
    staffCsrf.csrfSynchronisedProtection(req, res, (err?: unknown) => next(err ? failed() : undefined));
  };

  /** `csrfToken()` for views: generated on first use, so pages without forms create no session. */
  const locals = (req: Request, res: Response, next: NextFunction): void => {
    let token: string | undefined;
    // Decided now: inside a mounted router req.path no longer starts with /r.
    const respondentPage = isRespondentPath(req.path);
    res.locals.csrfToken = () =>
      (token ??= respondentPage
        ? resumeTokens.get(req)
          ? respondent.generateCsrfToken(req, res)
          : ''
        : req.session
          ? staffCsrf.generateToken(req)
          : '');
    next();
  };
  return { protection, locals };
}

export interface LimitOptions {
  loginMax: number;
  /** Failed sign-ins per address across all accounts (default 100). */
  perAddressMax?: number;
  windowMs?: number;
}

/**
 * Wrong logins: keyed by client address AND e-mail, so an attacker hammering one account from
 * one address is stopped while the real user (another address) can still sign in. Successful
 * logins do not count. A second, generous limit per address across all accounts stops
 * password spraying.
 */
export function loginLimiter(opts: LimitOptions): RequestHandler {
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const refuse: RequestHandler = (_req, _res, next) => next(new AppError(429, 'too_many_attempts', 'Too many failed sign-ins. Wait a few minutes and try again.', { expose: true }));
  // One account from one address: guessing one person's password.
  const perAccount = rateLimit({
    windowMs,
    limit: opts.loginMax,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { email?: unknown })?.email ?? '').trim().toLowerCase().slice(0, 254)}`,
    handler: refuse,
  });
  // One address across all accounts: password spraying (one common password against many
  // accounts). Generous, because a whole office may sign in through one NAT address and only
  // failures count: 100 failed sign-ins per 15 minutes by default (LOGIN_RATE_LIMIT_PER_ADDRESS).
  const perAddress = rateLimit({
    windowMs,
    limit: opts.perAddressMax ?? 100,
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => `addr|${ipKeyGenerator(req.ip ?? '')}`,
    handler: refuse,
  });
  return (req, res, next) => perAddress(req, res, (err?: unknown) => (err ? next(err) : perAccount(req, res, next)));
}

export interface RespondentLimits {
  /** Consent + submit requests per device (resume cookie) and minute before that device slows down. */
  perDevice?: number;
  /** The same requests per client address and minute (all devices together) before the address slows down. */
  perAddress?: number;
  /** Extra delay per request over a budget, and its ceiling (ms). */
  stepMs?: number;
  maxDelayMs?: number;
}

/** 30 per device: a person consents and submits once or twice; retries after a network error fit easily. */
export const RESPONDENT_DEVICE_RATE_PER_MINUTE = 30;
/** 6,000 per address: 2,000 people behind one office NAT answering within a few minutes (two requests each). */
export const RESPONDENT_ADDRESS_RATE_PER_MINUTE = 6_000;

/**
 * Submissions and link redemptions slow down instead of failing, on two budgets:
 *  - per device (the resume cookie, src/http/security.ts respondentSession): one person or script
 *    repeating itself slows down after `perDevice` requests a minute, whatever its address;
 *  - per address, all devices together, with a much higher ceiling: a whole office behind one NAT
 *    address (thousands of devices) is never held up, while a client that mints a new device for
 *    every request still slows down after `perAddress` a minute.
 * Requests without a device (a personal link redemption) count on the address budget only.
 * Never a hard block: +20 ms per request over a budget, at most 2 s.
 */
export function respondentSlowDown(limits: RespondentLimits = {}): RequestHandler {
  const perDevice = limits.perDevice ?? RESPONDENT_DEVICE_RATE_PER_MINUTE;
  const perAddress = limits.perAddress ?? RESPONDENT_ADDRESS_RATE_PER_MINUTE;
  const step = limits.stepMs ?? 20;
  const maxDelayMs = limits.maxDelayMs ?? 2_000;
  const address = slowDown({
    windowMs: 60_000,
    delayAfter: perAddress,
    delayMs: (used) => (used - perAddress) * step,
    maxDelayMs,
    keyGenerator: (req) => `addr|${ipKeyGenerator(req.ip ?? '')}`,
    requestPropertyName: 'slowDownAddress',
  });
  const device = slowDown({
    windowMs: 60_000,
    delayAfter: perDevice,
    delayMs: (used) => (used - perDevice) * step,
    maxDelayMs,
    keyGenerator: (req) => `device|${resumeTokens.get(req) ?? ''}`,
    skip: (req) => !resumeTokens.get(req),
    requestPropertyName: 'slowDownDevice',
  });
  return (req, res, next) => address(req, res, (err?: unknown) => (err ? next(err) : device(req, res, next)));
}

/** Reports and exports must not be kept in shared caches or the browser's history cache. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}
