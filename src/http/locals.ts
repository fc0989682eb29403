import type { NextFunction, Request, Response } from 'express';
import { isLang, negotiateLanguage, pick, translator, type Address, type Lang } from '../shared/i18n/index.js';

export const LANG_COOKIE = 'wv_lang';

/** Reads one cookie without a parser dependency (we only need two cookies). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The UI language: `?lang=` (remembered in a cookie), then the cookie, then Accept-Language. */
export function resolveLanguage(req: Request, res: Response, allowed?: readonly Lang[]): Lang {
  const fromQuery = req.query.lang;
  if (isLang(fromQuery) && (!allowed || allowed.includes(fromQuery))) {
    res.cookie(LANG_COOKIE, fromQuery, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/' });
    return fromQuery;
  }
  const fromCookie = readCookie(req, LANG_COOKIE);
  if (isLang(fromCookie) && (!allowed || allowed.includes(fromCookie))) return fromCookie;
  return negotiateLanguage(req.headers['accept-language'], allowed);
}

/**
 * Sets what every view needs: `lang`, `t`, `pick`, and the current path for the language
 * switch. Views never receive the request object itself. `address`: Du or Sie in German (a
 * campaign's setting, on respondent pages).
 */
export function setLanguage(res: Response, lang: Lang, address: Address = 'sie'): void {
  res.locals.lang = lang;
  res.locals.t = translator(lang, address);
  res.locals.pick = (text: { de?: string | null; en?: string | null }) => pick(text, lang);
}

export function localsMiddleware(req: Request, res: Response, next: NextFunction): void {
  setLanguage(res, resolveLanguage(req, res));
  // Path only (no query string): used to build the language-switch links.
  res.locals.currentPath = req.path;
  res.locals.fieldErrors = {};
  res.locals.fieldId = fieldId;
  res.locals.formErrors = [];
  next();
}

/** `questions.0.prompt.de` → `f-questions-0-prompt-de`: the id an error summary links to. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_]+/g, '-')}`;
}
