import type { NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import type { Logger } from '../shared/logger.js';
import { z } from 'zod';
import { AppError, badRequest } from '../shared/errors.js';
import { toFieldErrors } from '../shared/validation.js';
import { isDbUnavailableError } from '../db/connection.js';
import { setLanguage } from './locals.js';
import { DICTIONARIES, negotiateLanguage } from '../shared/i18n/index.js';

/** Normalises anything thrown into an AppError. Each branch is a plain instanceof/check. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDbUnavailableError(err)) {
    return new AppError(503, 'db_unavailable', 'The database is not reachable right now; please retry in a moment', { cause: err, expose: true });
  }
  if (err instanceof mongoose.Error.CastError) return new AppError(404, 'not_found', 'Not found', { cause: err });
  // A schema parsed with `.parse()` instead of parseOrThrow: still the client's input, a 400
  // with field messages, never a 500 (issue 12: the board's `?done=` of 21 characters).
  if (err instanceof z.ZodError) return badRequest('Invalid input', toFieldErrors(err));
  if (err instanceof mongoose.Error.ValidationError) return new AppError(400, 'validation_failed', 'Invalid input', { cause: err });
  const e = err as { type?: string; status?: number; statusCode?: number };
  // body-parser errors carry a `type` and a 4xx status.
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'The request is too large', { cause: err });
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'malformed_body', 'The request body is not valid JSON', { cause: err });
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'Unsupported request encoding', { cause: err });
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError(status, 'bad_request', 'Bad request', { cause: err });
  return new AppError(500, 'internal', 'Internal server error', { cause: err, expose: false });
}

const KNOWN_PAGES = [400, 401, 403, 404, 409, 410, 413, 429, 503];

/** The one error handler: JSON for /api and JSON clients, an HTML page otherwise. */
export function errorHandler(logger: Logger) {
  // Express recognises error middleware by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) logger.error({ err, url: req.originalUrl, method: req.method }, 'request failed');
    else logger.info({ status: appErr.status, code: appErr.code, url: req.originalUrl }, 'request rejected');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (appErr.status === 503) res.set('Retry-After', '2');
    const message = appErr.expose ? appErr.message : 'Internal server error';
    const wantsJson = req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
    if (wantsJson) {
      res.status(appErr.status).json({ error: { code: appErr.code, message, ...(appErr.fields ? { fields: appErr.fields } : {}) } });
      return;
    }
    if (!res.locals.t) {
      // Errors before localsMiddleware (body parser: 413, malformed or mis-encoded bodies) arrive
      // without view locals; the layout needs `currentPath` too, or rendering the error page
      // itself failed and Express's default page (with a stack trace outside production) went out.
      setLanguage(res, negotiateLanguage(req.headers['accept-language']));
      res.locals.currentPath = req.path;
    }
    const known = KNOWN_PAGES.includes(appErr.status) ? appErr.status : 500;
    // A cause with its own wording (an expired form, a stakeholder on a lead's page) says what
    // happened instead of the status's general text.
    const codeKey = `errors.code.${appErr.code}`;
    res.status(appErr.status).render('errors/error', {
      title: res.locals.t(`errors.${known}.title`),
      status: known,
      codeText: codeKey in DICTIONARIES.de ? codeKey : '',
      // Only messages we wrote ourselves (expose) are shown; never a stack trace.
      detail: appErr.expose && appErr.status === 409 ? appErr.message : '',
    });
  };
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError(404, 'not_found', 'Not found'));
}
