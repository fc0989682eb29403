import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { reportMarkdown } from './report-markdown.js';
import { setLanguage } from '../http/locals.js';
import { notFound } from '../shared/errors.js';
import { translator, type Lang, type Translate } from '../shared/i18n/index.js';
import { parseId } from '../shared/ids.js';
import { projectRoot } from '../shared/paths.js';
import { toFieldErrors } from '../shared/validation.js';
import { boardCorrectionCounts, evidenceLinks, fileBase, latestAnalysis, runRespondents, segmentContext } from './report-data.js';
import { loadCuration } from './report-curation.service.js';
import { applyCurationForm, CURATION_FORMS, type CurationForm, type FormOutcome } from './report-curation.forms.js';
import { printStylesheet } from './report-print.js';
import { PdfUnavailableError, type PdfAsset, type PdfRenderer } from './report-pdf.js';
import { createShare, findActiveShare, listShares, revokeShare, type ShareView } from './report-share.service.js';
import { curationDoneSchema, reportQuerySchema, shareCreateSchema } from './report.schemas.js';
import { buildReport, type ReportView } from './report.service.js';
import { sinceLastCampaign } from '../series/series.service.js';

/** Cookie that carries a redeemed share token, scoped to the link's clean path. */
export const SHARE_COOKIE = 'wv_share';

/** The report language: `?lang=` if valid, else the UI language. */
function reportLang(req: Request, res: Response): Lang {
  const q = reportQuerySchema.safeParse({ lang: req.query.lang });
  return (q.success && q.data.lang) || (res.locals.lang as Lang);
}

/**
 * Builds the report of the campaign's newest finished analysis with the lead's curation (null
 * when there is none). `curate`: the lead's view (curation forms, further quotes, links to the
 * answers); readers (stakeholders, share links, exports) get the curated report only.
 */
export async function loadReport(campaign: Campaign, lang: Lang, opts: { curate?: boolean } = {}): Promise<ReportView | null> {
  const id = campaign._id;
  const latest = await latestAnalysis(id);
  if (!latest) return null;
  // The plan over this run's respondents: the same as the run's dashboard (report-data.ts).
  const [ctx, curation, board, links] = await Promise.all([
    segmentContext(campaign, { run: runRespondents(latest.result) }),
    loadCuration(id),
    boardCorrectionCounts(id, latest.run),
    opts.curate ? evidenceLinks(campaign, latest.result.requirements) : Promise.resolve(undefined),
  ]);
  return buildReport(campaign, latest.run, latest.result, ctx, lang, { codebook: latest.codebook, board, curation, curate: opts.curate, links });
}

interface ViewOptions {
  basePath: string;
  /** Render what readers get, whoever asks (the PDF: a document to forward, without the lead's tools). */
  reader?: boolean;
  share?: ShareView;
  pdf: PdfRenderer;
  status?: number;
  form?: FormOutcome;
  notice?: string;
}

/** Who may curate: a campaign's leads and admins (the guard marks stakeholders read-only). */
function canCurate(res: Response, share?: ShareView): boolean {
  const role = res.locals.user?.role;
  return !share && !res.locals.readOnly && (role === 'lead' || role === 'admin');
}

async function reportLocals(req: Request, res: Response, campaign: Campaign, opts: ViewOptions) {
  const lang = reportLang(req, res);
  setLanguage(res, lang);
  const curate = !opts.reader && canCurate(res, opts.share);
  const report = await loadReport(campaign, lang, { curate });
  // "Since the last campaign" (issue 17, item 3): only in a series, with an analysed predecessor.
  const sinceLast = report ? await sinceLastCampaign(campaign, lang) : null;
  const done = curationDoneSchema.safeParse(req.query.done);
  return {
    title: `${res.locals.t('report.title')}: ${campaign.title}`,
    campaign: { id: String(campaign._id), title: campaign.title },
    report,
    sinceLast,
    readOnly: !curate,
    curate,
    share: opts.share,
    basePath: opts.basePath,
    pdfAvailable: opts.pdf.available,
    pdfFailed: req.query.pdf === 'unavailable',
    done: opts.notice ?? (done.success ? done.data : undefined),
    form: opts.form,
    printedOn: new Date(),
  };
}

async function renderReport(req: Request, res: Response, campaign: Campaign, opts: ViewOptions): Promise<void> {
  const locals = await reportLocals(req, res, campaign, opts);
  res.status(opts.status ?? 200).render('report/report', locals);
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

/** GET …/print.css: the footer of the printed report (campaign and date) as `@page` margin boxes. */
function sendPrintCss(req: Request, res: Response, campaign: Campaign): void {
  const lang = reportLang(req, res);
  res.type('text/css; charset=utf-8').send(printStylesheet(campaign.title, lang, new Date()));
}

/**
 * GET …/pdf: the page readers get (same view, same anonymity; for a lead too — a PDF is for
 * forwarding, so it carries none of the lead's tools or links to single answers), rendered on the
 * server and printed by headless Chromium with the print stylesheet. Without Chromium, back to
 * the report with a note to use the browser's print.
 */
async function sendPdf(req: Request, res: Response, campaign: Campaign, opts: ViewOptions): Promise<void> {
  const locals = await reportLocals(req, res, campaign, { ...opts, reader: true });
  const lang = locals.report?.lang ?? (res.locals.lang as Lang);
  const fallback = `${opts.basePath}?lang=${lang}&pdf=unavailable`;
  if (!locals.report || !opts.pdf.available) return res.redirect(303, fallback);
  const html = await new Promise<string>((resolve, reject) => res.render('report/report', locals, (err: Error | null, out: string) => (err ? reject(err) : resolve(out))));
  const assets = new Map<string, PdfAsset>([
    ['/static/css/app.css', { type: 'text/css', body: await readFile(path.join(projectRoot(), 'public', 'css', 'app.css')) }],
    [`${opts.basePath}/print.css`, { type: 'text/css', body: printStylesheet(campaign.title, lang, locals.printedOn) }],
  ]);
  let pdf: Buffer;
  try {
    pdf = await opts.pdf.render(html, assets);
  } catch (err) {
    if (err instanceof PdfUnavailableError) return res.redirect(303, fallback);
    throw err;
  }
  res.set('Content-Disposition', `attachment; filename="${fileBase(campaign)}-report-${lang}.pdf"`);
  res.type('application/pdf').send(pdf);
}

function shareUrl(req: Request, token: string): string {
  const base: string | undefined = req.app.locals.publicBaseUrl;
  return `${base ?? `${req.protocol}://${req.get('host')}`}/share/${token}`;
}

async function renderShares(res: Response, campaign: Campaign, extra: { status?: number; created?: { url: string }; revoked?: boolean; fieldErrors?: Record<string, string>; values?: { label: string; days: string } }) {
  const shares = await listShares(campaign._id);
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
 * Deny by default: a curation change needs a lead or admin of the campaign. The campaign guard
 * already refuses every non-GET of a stakeholder (404); this is the second lock on the same door.
 */
function leadsOnly(_req: Request, res: Response, next: NextFunction): void {
  if (!canCurate(res)) return next(notFound('Campaign'));
  next();
}

const reportPath = (campaign: Campaign) => `/lead/campaigns/${String(campaign._id)}/report`;

/**
 * Lead/stakeholder routes (mounted on /lead behind the campaign guard): the report, its PDF and
 * Markdown for everyone who may read the campaign (STAKEHOLDER_READABLE covers GET /report/...),
 * curation and share-link management for leads only.
 */
export function reportLeadRouter(opts: { pdf: PdfRenderer }): Router {
  const router = Router();

  // GET /lead/campaigns/:id/report
  router.get('/campaigns/:id/report', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await renderReport(req, res, campaign, { basePath: reportPath(campaign), pdf: opts.pdf });
  });

  router.get('/campaigns/:id/report/markdown', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await sendMarkdown(req, res, campaign);
  });

  router.get('/campaigns/:id/report/print.css', async (req, res) => {
    sendPrintCss(req, res, await getCampaign(req.params.id));
  });

  router.get('/campaigns/:id/report/pdf', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await sendPdf(req, res, campaign, { basePath: reportPath(campaign), pdf: opts.pdf });
  });

  // POST /lead/campaigns/:id/report/summary and …/report/requirements/:rid/<form>: curation
  const curationHandler = (form: CurationForm) => async (req: Request, res: Response) => {
    const campaign = await getCampaign(String(req.params.id));
    const user = res.locals.user!;
    const outcome = await applyCurationForm(campaign, form, typeof req.params.rid === 'string' ? req.params.rid : undefined, req.body, { id: user.id, name: user.name || user.email });
    const lang = reportLang(req, res);
    if (outcome.ok) return res.redirect(303, `${reportPath(campaign)}?lang=${lang}&done=${outcome.done}#${outcome.anchor}`);
    await renderReport(req, res, campaign, { basePath: reportPath(campaign), pdf: opts.pdf, status: 400, form: outcome });
  };
  router.post('/campaigns/:id/report/summary', leadsOnly, curationHandler('summary'));
  for (const form of CURATION_FORMS) if (form !== 'summary') router.post(`/campaigns/:id/report/requirements/:rid/${form}`, leadsOnly, curationHandler(form));

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
    const { token } = await createShare(campaign._id, parsed.data, res.locals.user?.id);
    // The raw token is shown this once (201, no redirect: a reload must not show it again).
    await renderShares(res, campaign, { status: 201, created: { url: shareUrl(req, token) } });
  });

  router.post('/campaigns/:id/shares/:publicId/revoke', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await revokeShare(campaign._id, String(req.params.publicId), res.locals.user?.id);
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
 * the link (revocation and expiry take effect on the next request). Read-only: GET only; the
 * curated report, without curation controls or links to single answers.
 */
export function shareRouter(opts: { secureCookies?: boolean; pdf: PdfRenderer }): Router {
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
    await renderReport(req, res, found.campaign, { basePath: `/share/r/${found.share.publicId}`, share: found.share, pdf: opts.pdf });
  });

  router.get('/r/:publicId/markdown', async (req, res) => {
    const found = await fromCookie(req);
    if (!found) return unavailable(res);
    await sendMarkdown(req, res, found.campaign);
  });

  router.get('/r/:publicId/print.css', async (req, res) => {
    const found = await fromCookie(req);
    if (!found) return unavailable(res);
    sendPrintCss(req, res, found.campaign);
  });

  router.get('/r/:publicId/pdf', async (req, res) => {
    const found = await fromCookie(req);
    if (!found) return unavailable(res);
    await sendPdf(req, res, found.campaign, { basePath: `/share/r/${found.share.publicId}`, share: found.share, pdf: opts.pdf });
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
