import type { Request, Response } from 'express';
import { linkTargetOf } from '../campaigns/campaign.queries.js';
import { resolveLanguage, setLanguage } from '../http/locals.js';
import { findByToken } from './participant.service.js';
import { PARTICIPANT_COOKIE } from './participant.tokens.js';

/**
 * GET /p/:token — redeems a personal link. The raw token goes into an httpOnly cookie scoped to
 * the campaign's respondent pages, and the browser is sent (303) to the clean `/r/<publicToken>`,
 * so the token never appears in the address bar, the history or a later Referer header.
 * Unknown and malformed tokens get the same page, status and code path (hash + one query) as an
 * unknown public link.
 */
export async function redeemParticipantLink(req: Request, res: Response): Promise<void> {
  const raw = String(req.params.token ?? '');
  const found = await findByToken(raw);
  const campaign = found
    ? await linkTargetOf(found.campaignId)
    : null;
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
  if (!campaign || campaign.status === 'draft') {
    setLanguage(res, resolveLanguage(req, res));
    res.status(404).render('respond/unavailable', { title: res.locals.t('respond.unavailable.title'), reason: 'unknown' });
    return;
  }
  const path = `/r/${campaign.publicToken}`;
  res.cookie(PARTICIPANT_COOKIE, raw, { httpOnly: true, sameSite: 'lax', secure: req.secure, path, maxAge: 180 * 24 * 3600 * 1000 });
  res.redirect(303, path);
}
