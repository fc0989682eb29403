import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { resumeTokenOf } from '../http/security.js';

/** What a respondent agreed to, and when: stored with the draft and the response. */
export interface ConsentProof {
  version: string;
  at: Date;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** Valid consent of this device for the campaign in the path (`wv_consent`), if any. */
    consent?: ConsentProof;
  }
}

export const CONSENT_COOKIE = 'wv_consent';
const PATH = /^\/r\/([A-Za-z0-9_-]{16,64})(\/|$)/;

/**
 * Consent as a signed device cookie instead of a database record.
 *
 * Why: giving consent used to create the device's draft, so every respondent cost a database
 * write before typing a word, and every submit a read of that draft (for the consent) and a
 * delete. Now consent is an HMAC-signed cookie `<version>.<epoch ms>.<signature>`, bound to the
 * device's resume cookie and the campaign's public token, so it cannot be moved to another device
 * or campaign or forged. The draft is created by the first autosave or upload, and a submit
 * without recordings is one insert. Nothing personal is in the cookie.
 *
 * Drafts made before this cookie existed (or on a device whose cookie is gone) still carry their
 * consent; the service falls back to it.
 */
export function consentCookie(opts: { secret: string; secureCookies: boolean }) {
  const sign = (resumeToken: string, campaignToken: string, version: string, atMs: number) =>
    createHmac('sha256', opts.secret).update(`consent\u0000${resumeToken}\u0000${campaignToken}\u0000${version}\u0000${atMs}`).digest('base64url');

  /** Reads and verifies the cookie for the campaign in the path into `res.locals.consent`. */
  function read(req: Request, res: Response, next: NextFunction): void {
    const m = PATH.exec(req.path);
    const raw = (req.cookies as Record<string, unknown> | undefined)?.[CONSENT_COOKIE];
    const resumeToken = resumeTokenOf(req);
    if (m && resumeToken && typeof raw === 'string') {
      const parts = /^([0-9A-Za-z_-]{1,32})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(raw);
      if (parts) {
        const atMs = Number(parts[2]);
        const expected = Buffer.from(sign(resumeToken, m[1], parts[1], atMs));
        const given = Buffer.from(parts[3]);
        if (given.length === expected.length && timingSafeEqual(given, expected)) res.locals.consent = { version: parts[1], at: new Date(atMs) };
      }
    }
    next();
  }

  /** Gives the device its consent cookie for `/r/<campaignToken>` (after the consent form). */
  function give(req: Request, res: Response, campaignToken: string, resumeToken: string, version: string): ConsentProof {
    const at = new Date();
    res.cookie(CONSENT_COOKIE, `${version}.${at.getTime()}.${sign(resumeToken, campaignToken, version, at.getTime())}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies || req.secure,
      path: `/r/${campaignToken}`,
      maxAge: 180 * 24 * 3600 * 1000,
    });
    res.locals.consent = { version, at };
    return { version, at };
  }

  return { read, give };
}

export type ConsentCookie = ReturnType<typeof consentCookie>;
