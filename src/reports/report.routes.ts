import { Router, type Request, type Response } from 'express';
import type mongoose from 'mongoose';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { reportMarkdown } from '../exports/report-markdown.js';
import { setLanguage } from '../http/locals.js';
import { translator, type Lang, type Translate } from '../shared/i18n/index.js';
import { toFieldErrors } from '../shared/validation.js';
import { fileBase, latestAnalysis, runRespondents, segmentContext } from './report-data.js';
import { createShare, findActiveShare, listShares, revokeShare, type ShareView } from './report-share.service.js';
import { reportQuerySchema, shareCreateSchema } from './report.schemas.js';
import { buildReport, type ReportView } from './report.service.js';
import { parseId } from '../shared/ids.js';

/** Cookie that carries a redeemed share token, scoped to the link's clean path. */
export const SHARE_COOKIE = 'wv_share';

/** The report language: `?lang=` if valid, else the UI language. */
function reportLang(req: Request, res: Response): Lang {
  const q = reportQuerySchema.safeParse(req.query);
  return (q.success && q.data.lang) || (res.locals.lang as Lang);
}

/** Builds the report of the campaign's newest finished analysis (null when there is none). */
export async function loadReport(campaign: Campaign, lang: Lang): Promise<ReportView | null> {
  const latest = await latestAnalysis(campaign._id as mongoose.Types.ObjectId);
  if (!latest) return null;
  // The plan over this run's respondents: the same as the run's dashboard (report-data.ts).
  const ctx = await segmentContext(campaign, { run: runRespondents(latest.result) });
  return buildReport(campaign, latest.run, latest.result, ctx, lang, { codebook: latest.codebook, corrections: latest.corrections });
}

async function renderReport(req: Request, res: Response, campaign: Campaign, opts: { basePath: string; share?: ShareView }): Promise<void> {
  const lang = reportLang(req, res);
  setLanguage(res, lang);
  const report = await loadReport(campaign, lang);
  res.render('report/report', {
    title: `${res.locals.t('report.title')}: ${campaign.title}`,
    campaign: { id: String(campaign._id), title: campaign.title },
    report,
    readOnly: Boolean(res.locals.readOnly) || Boolean(opts.share),
    share: opts.share,
    basePath: opts.basePath,
  });
}

async function sendMarkdown(req: Request, res: Response, campaign: Campaign): Promise<void> {
  const lang = reportLang(req, res);
  const t: Translate = translator(lang);
  const report = await loadReport(campaign, lang);
  if (!report) {
    res.status(404).type('text/plain; charset=utf-8').send(t('report.none'));
    return;
  }
  const name = `${fileBase(campaign)}-report-${lang}.md`;
  res.set('Content-Disposition', `attachment; filename="${name}"`);
  res.type('text/markdown; charset=utf-8').send(reportMarkdown(report, t, campaign.title));
}

function shareUrl(req: Request, token: string): string {
  const base: string | undefined = req.app.locals.publicBaseUrl;
  return `${base ?? `${req.protocol}://${req.get('host')}`}/share/${token}`;
}

async function renderShares(res: Response, campaign: Campaign, extra: { status?: number; created?: { url: string }; revoked?: boolean; fieldErrors?: Record<string, string>; values?: { label: string; days: string } }) {
  const shares = await listShares(campaign._id as mongoose.Types.ObjectId);
  const t = res.locals.t as Translate;
  const fieldErrors = extra.fieldErrors ?? {};
  res.status(extra.status ?? 200).render('report/shares', {
    title: t('report.shares.title'),
    campaign,
    shares,
    created: extra.created,
    revoked: extra.revoked ?? false,
    values: extra.values ?? { label: '', days: '14' },
    fieldErrors,
    formErrors: Object.entries(fieldErrors).map(([field, key]) => ({ field, message: t(key as Parameters<Translate>[0]) })),
  });
}

/**
 * Lead/stakeholder routes (mounted on /lead behind the campaign guard): the report and its
 * Markdown for everyone who may read the campaign (STAKEHOLDER_READABLE covers /report/...),
 * share-link management for leads only (/shares is not stakeholder-readable).
 */
export function reportLeadRouter(): Router {
  const router = Router();

  router.get('/campaigns/:id/report', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await renderReport(req, res, campaign, { basePath: `/lead/campaigns/${String(campaign._id)}/report` });
  });

  router.get('/campaigns/:id/report/markdown', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await sendMarkdown(req, res, campaign);
  });

  router.get('/campaigns/:id/shares', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await renderShares(res, campaign, { revoked: req.query.revoked === '1' });
  });

  router.post('/campaigns/:id/shares', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { label: typeof body.label === 'string' ? body.label : '', days: typeof body.days === 'string' ? body.days : '' };
    const parsed = shareCreateSchema.safeParse(values);
    if (!parsed.success) {
      // Our schema's messages are report.* keys; anything else gets the generic validation key.
      const generic = toFieldErrors(parsed.error);
      const fieldErrors = Object.fromEntries(
        Object.keys(generic).map((field) => [field, parsed.error.issues.find((i) => i.path.join('.') === field && i.message.startsWith('report.'))?.message ?? generic[field]]),
      );
      await renderShares(res, campaign, { status: 400, fieldErrors, values });
      return;
    }
    const { token } = await createShare(campaign._id as mongoose.Types.ObjectId, parsed.data, res.locals.user?.id);
    // The raw token is shown this once (201, no redirect: a reload must not show it again).
    await renderShares(res, campaign, { status: 201, created: { url: shareUrl(req, token) } });
  });

  router.post('/campaigns/:id/shares/:publicId/revoke', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await revokeShare(campaign._id as mongoose.Types.ObjectId, String(req.params.publicId), res.locals.user?.id);
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/shares?revoked=1`);
  });

  return router;
}

function unavailable(res: Response): void {
  res.status(404).render('report/unavailable', { title: res.locals.t('report.shares.unavailable_title') });
}

/**
 * Public share links, outside /lead (no account): `GET /share/<token>` puts the raw token into
 * an httpOnly cookie scoped to `/share/r/<publicId>` and redirects (303) to that clean path, so
 * the token does not stay in the address bar, the history or a later Referer. Every view re-checks
 * the link (revocation and expiry take effect on the next request). Read-only: GET only.
 */
export function shareRouter(opts: { secureCookies?: boolean } = {}): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    next();
  });

  const fromCookie = async (req: Request): Promise<{ share: ShareView; campaign: Campaign } | null> => {
    const publicId = String(req.params.publicId ?? '');
    const raw = (req.cookies as Record<string, unknown> | undefined)?.[SHARE_COOKIE];
    if (!parseId('sharePublicId', publicId) || typeof raw !== 'string') return null;
    const share = await findActiveShare(raw, publicId);
    if (!share) return null;
    try {
      return { share, campaign: await getCampaign(share.campaignId) };
    } catch {
      return null;
    }
  };

  router.get('/r/:publicId', async (req, res) => {
    const found = await fromCookie(req);
    if (!found) return unavailable(res);
    await renderReport(req, res, found.campaign, { basePath: `/share/r/${found.share.publicId}`, share: found.share });
  });

  router.get('/r/:publicId/markdown', async (req, res) => {
    const found = await fromCookie(req);
    if (!found) return unavailable(res);
    await sendMarkdown(req, res, found.campaign);
  });

  router.get('/:token', async (req, res) => {
    const raw = String(req.params.token ?? '');
    const share = await findActiveShare(raw);
    if (!share) return unavailable(res);
    const path = `/share/r/${share.publicId}`;
    const maxAge = Math.max(1000, share.expiresAt.getTime() - Date.now());
    res.cookie(SHARE_COOKIE, raw, { httpOnly: true, sameSite: 'lax', secure: opts.secureCookies || req.secure, path, maxAge });
    res.redirect(303, path);
  });

  return router;
}
