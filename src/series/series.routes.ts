import { Router, type Request, type Response } from 'express';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import type { CurrentUser } from '../auth/auth.service.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { toFieldErrors } from '../shared/validation.js';
import { linkFormSchema, trendQuerySchema } from './series.schemas.js';
import { labelOf, linkCampaigns, linkCandidates, loadTrend, seriesOf, unlinkCampaign, type LinkInput } from './series.service.js';

/**
 * Campaign series pages (issue 17, item 3), below `/lead/campaigns/:id` (the campaign guard has
 * checked the id and the user's relation already):
 *  - `…/series` (GET, POST) and `…/series/unlink` (POST): leads link and unlink campaigns —
 *    stakeholders never reach these (the guard lets them read only the dashboard and report);
 *  - `…/dashboard/trend`: the trend over the series, for leads and stakeholders alike (under
 *    `dashboard/`, so the guard's read-only rule for stakeholders applies unchanged).
 */
export function seriesRouter(): Router {
  const router = Router();
  router.get('/campaigns/:id/series', showSeries);
  router.post('/campaigns/:id/series', postLink);
  router.post('/campaigns/:id/series/unlink', postUnlink);
  router.get('/campaigns/:id/dashboard/trend', showTrend);
  return router;
}

/** The signed-in user (the guard in app.ts lets no request here without one). */
function userOf(res: Response): CurrentUser {
  const user = res.locals.user as CurrentUser | undefined;
  if (!user) throw notFound('Campaign');
  return user;
}

type FormValues = Partial<Record<keyof LinkInput, string>>;

async function renderSeries(res: Response, campaign: Campaign, status = 200, form: { values?: FormValues; fieldErrors?: Record<string, string>; notice?: string } = {}) {
  const user = userOf(res);
  const series = await seriesOf(campaign._id);
  const candidates = await linkCandidates(user, campaign, series);
  const t = res.locals.t;
  const fieldErrors = form.fieldErrors ?? {};
  const mine = series?.members.find((m) => String(m.campaign._id) === String(campaign._id));
  res.status(status).render('series/manage', {
    title: t('series.title'),
    campaign,
    series: series ? { ...series, members: series.members.map((m) => ({ id: String(m.campaign._id), title: m.campaign.title, label: labelOf(m), status: m.campaign.status, current: m === mine })) } : null,
    candidates: candidates.map((c) => ({ id: String(c._id), title: c.title, status: c.status })),
    values: { name: series?.name ?? '', label: mine?.label ?? '', otherLabel: '', campaign: '', ...form.values },
    fieldErrors,
    errorList: Object.entries(fieldErrors).map(([field, key]) => ({ field, message: t(key) })),
    notice: form.notice,
  });
}

async function showSeries(req: Request<{ id: string }>, res: Response): Promise<void> {
  const campaign = await getCampaign(req.params.id);
  const done = req.query.done;
  await renderSeries(res, campaign, 200, { notice: done === 'linked' || done === 'unlinked' ? `series.notice.${done}` : undefined });
}

async function postLink(req: Request<{ id: string }>, res: Response): Promise<void> {
  const campaign = await getCampaign(req.params.id);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: FormValues = Object.fromEntries((['campaign', 'name', 'label', 'otherLabel'] as const).map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
  const parsed = linkFormSchema.safeParse(values);
  if (!parsed.success) {
    // Our own message keys (`series.error.*`) stand; the shared mapping knows `validation.*` only.
    const fieldErrors = toFieldErrors(parsed.error);
    for (const issue of parsed.error.issues) if (issue.message.startsWith('series.')) fieldErrors[issue.path.map(String).join('.')] = issue.message;
    return renderSeries(res, campaign, 400, { values, fieldErrors });
  }
  try {
    await linkCampaigns(userOf(res), campaign, parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === 'series_link') return renderSeries(res, campaign, err.status, { values, fieldErrors: err.fields });
    throw err;
  }
  res.redirect(303, `/lead/campaigns/${String(campaign._id)}/series?done=linked`);
}

async function postUnlink(req: Request<{ id: string }>, res: Response): Promise<void> {
  const campaign = await getCampaign(req.params.id);
  await unlinkCampaign(campaign);
  res.redirect(303, `/lead/campaigns/${String(campaign._id)}/series?done=unlinked`);
}

async function showTrend(req: Request<{ id: string }>, res: Response): Promise<void> {
  const started = performance.now();
  const campaign = await getCampaign(req.params.id);
  const lang = res.locals.lang as Lang;
  const pick = trendQuerySchema.parse(req.query);
  const trend = await loadTrend(userOf(res), campaign, lang, pick);
  res.set('Server-Timing', `render;dur=${(performance.now() - started).toFixed(1)}`);
  res.render('series/trend', {
    title: res.locals.t('series.trend.title'),
    campaign,
    trend,
    readOnly: Boolean(res.locals.readOnly),
    base: `/lead/campaigns/${String(campaign._id)}/dashboard`,
  });
}
