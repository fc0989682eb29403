import { Router, type Request, type Response } from 'express';
import { AppError } from '../shared/errors.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import { campaignInputSchema, listQuerySchema, openCampaignEditSchema, pastScheduleErrors, QUESTION_ROLES, QUESTION_TYPES, statusChangeSchema, type CampaignStatus } from './campaign.schemas.js';
import { addressIssues } from './address.js';
import { missingTranslations } from './campaign.texts.js';
import {
  blankQuestion,
  blankSegment,
  formValuesFromBody,
  formValuesFromCampaign,
  toCampaignInput,
  type CampaignFormValues,
} from './campaign.form.js';
import { interviewTemplate } from './interview-template.js';
import { qrPng, qrSvg } from './campaign.qr.js';
import * as campaigns from './campaign.service.js';
import type { Campaign } from './campaign.service.js';
import { visibleCampaignsFilter } from './campaign.access.js';
import { findUserByEmail, getUsersByIds, type CurrentUser } from '../auth/auth.service.js';
import { memberSchema } from '../auth/auth.schemas.js';

/** Absolute respondent link for a campaign. */
export function respondentLink(req: Request, token: string): string {
  const base: string | undefined = req.app.locals.publicBaseUrl;
  return `${base ?? `${req.protocol}://${req.get('host')}`}/r/${token}`;
}

function renderForm(
  res: Response,
  status: number,
  opts: { values: CampaignFormValues; campaignId?: string; fieldErrors?: Record<string, string>; formError?: string },
) {
  const t = res.locals.t;
  const errorList = Object.entries(opts.fieldErrors ?? {}).map(([field, key]) => ({ field, message: t(key) }));
  if (opts.formError) errorList.unshift({ field: '', message: opts.formError });
  res.status(status).render('lead/campaign-form', {
    title: t(opts.campaignId ? 'lead.form.edit_title' : 'lead.form.new_title'),
    values: opts.values,
    campaignId: opts.campaignId,
    roles: QUESTION_ROLES,
    types: QUESTION_TYPES,
    fieldErrors: opts.fieldErrors ?? {},
    errorList,
  });
}

/** Stakeholders read results; they never get a form to create a campaign (nor a link to one). */
function refuseStakeholder(user: CurrentUser): void {
  if (user.role === 'stakeholder') throw new AppError(403, 'stakeholder_cannot_create', 'Stakeholders read results; project leads create campaigns', { expose: true });
}

/** A retention date must not lie in the past: the hourly purge would delete every answer at once. */
function pastRetention(date: Date | undefined): boolean {
  return date !== undefined && date.getTime() < Date.now();
}

/** Dates that lie in the past (retention; the schedule's open and close dates), each with its message. */
function pastDateErrors(c: { retainUntil?: Date; opensAt?: Date; closesAt?: Date }, status: CampaignStatus): Record<string, string> {
  return { ...(pastRetention(c.retainUntil) ? { retainUntil: 'validation.date_past' } : {}), ...pastScheduleErrors(c, status) };
}

type OpenFormValues = Pick<CampaignFormValues, 'title' | 'description' | 'title_de' | 'title_en' | 'description_de' | 'description_en' | 'perLanguage' | 'retainUntil' | 'closesAt' | 'version'>;
const openValues = (v: CampaignFormValues): OpenFormValues => ({
  title: v.title,
  description: v.description,
  title_de: v.title_de,
  title_en: v.title_en,
  description_de: v.description_de,
  description_en: v.description_en,
  perLanguage: v.perLanguage,
  retainUntil: v.retainUntil,
  closesAt: v.closesAt,
  version: v.version,
});

/** The form of an open (or closed) campaign: title, description, retention; what is locked, and why. */
function renderOpenForm(
  res: Response,
  status: number,
  opts: { campaign: Campaign; values: OpenFormValues; fieldErrors?: Record<string, string>; formError?: string },
) {
  const t = res.locals.t;
  const errorList = Object.entries(opts.fieldErrors ?? {}).map(([field, key]) => ({ field, message: t(key) }));
  if (opts.formError) errorList.unshift({ field: '', message: opts.formError });
  res.status(status).render('lead/campaign-edit-open', {
    title: t('lead.form.edit_title'),
    campaign: opts.campaign,
    values: opts.values,
    fieldErrors: opts.fieldErrors ?? {},
    errorList,
  });
}

/** Handles the form's "add a question/segment" buttons, which re-render instead of saving. */
function handleFormAction(req: Request, res: Response, values: CampaignFormValues, campaignId?: string): boolean {
  const action = req.body?.action;
  if (action === 'add_question') values.questions.push(blankQuestion(values.questions.length + 1));
  else if (action === 'add_segment') values.segments.push(blankSegment());
  else return false;
  renderForm(res, 200, { values, campaignId });
  return true;
}

/** Counts of a campaign's responses (the responses feature's; passed in by app.ts: campaigns sit below responses). */
export interface ResponseCounts {
  submitted: (campaignId: Campaign['_id']) => Promise<number>;
  drafts: (campaignId: Campaign['_id']) => Promise<number>;
}

export function campaignsLeadRouter(deps: { counts: ResponseCounts }): Router {
  const { counts } = deps;
  const router = Router();

  // GET /lead — the lead's campaigns
  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuerySchema, req.query);
    const list = await campaigns.listCampaigns(query, visibleCampaignsFilter(res.locals.user!));
    const rows = await Promise.all(list.map(async (c) => ({ campaign: c, responses: await counts.submitted(c._id), demo: Boolean(c.seedKey) })));
    res.render('lead/index', { title: res.locals.t('lead.index.title'), rows, canCreate: res.locals.user!.role !== 'stakeholder' });
  });

  // GET /lead/campaigns/new — from the template (default) or from scratch (?from=scratch)
  router.get('/campaigns/new', (req, res) => {
    refuseStakeholder(res.locals.user!);
    const values =
      req.query.from === 'scratch'
        ? { ...formValuesFromCampaign({ title: '', description: '', titles: { de: '', en: '' }, descriptions: { de: '', en: '' }, languages: ['de', 'en'], anonymity: 'anonymous', address: 'sie', questions: [], segments: [] }), questions: [blankQuestion(1)], segments: [blankSegment()] }
        : formValuesFromCampaign(interviewTemplate({ readiness: true }));
    renderForm(res, 200, { values });
  });

  // POST /lead/campaigns — create a draft
  router.post('/campaigns', async (req, res) => {
    refuseStakeholder(res.locals.user!);
    const values = formValuesFromBody(req.body ?? {});
    if (handleFormAction(req, res, values)) return;
    const { input, mapErrors } = toCampaignInput(values);
    const parsed = campaignInputSchema.safeParse(input);
    if (!parsed.success) return renderForm(res, 400, { values, fieldErrors: mapErrors(toFieldErrors(parsed.error)) });
    const past = pastDateErrors(parsed.data, 'draft');
    if (Object.keys(past).length) return renderForm(res, 400, { values, fieldErrors: past });
    const created = await campaigns.createCampaign(parsed.data, { ownerId: res.locals.user!.id });
    res.redirect(303, `/lead/campaigns/${String(created._id)}?saved=1`);
  });

  // GET /lead/campaigns/:id — overview: status, link, counts, questions
  router.get('/campaigns/:id', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const [submitted, drafts, members] = await Promise.all([
      counts.submitted(campaign._id),
      counts.drafts(campaign._id),
      getUsersByIds([...(campaign.coLeadIds ?? []), ...(campaign.stakeholderIds ?? [])]),
    ]);
    const isIn = (ids: unknown[] | undefined, id: unknown) => (ids ?? []).some((x) => String(x) === String(id));
    const readOnly = Boolean(res.locals.readOnly);
    res.render('lead/campaign-show', {
      readOnly,
      // German wording in the other form of address than the campaign's (leads only).
      addressIssues: readOnly ? [] : addressIssues(campaign),
      // Texts respondents would see in the other language (issue 17; leads only).
      missing: readOnly ? {} : missingTranslations(campaign, res.locals.lang),
      coLeads: members.filter((m) => isIn(campaign.coLeadIds, m._id)),
      stakeholders: members.filter((m) => isIn(campaign.stakeholderIds, m._id)),
      title: campaign.title,
      campaign,
      submitted,
      drafts,
      link: respondentLink(req, campaign.publicToken),
      saved: req.query.saved === '1',
      statusNotice: req.query.status === 'open' || req.query.status === 'closed' ? req.query.status : '',
    });
  });

  // GET /lead/campaigns/:id/qr.svg, /qr.png — the public link as a QR code (leads; `?download=1` saves it as a file)
  const sendQr = (format: 'svg' | 'png') => async (req: Request<{ id: string }>, res: Response) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const link = respondentLink(req, campaign.publicToken);
    res.set('Cache-Control', 'private, no-store');
    if (req.query.download === '1') res.attachment(`campaign-qr-${String(campaign._id)}.${format}`);
    if (format === 'png') res.type('image/png').send(await qrPng(link));
    else res.type('image/svg+xml').send(await qrSvg(link));
  };
  router.get('/campaigns/:id/qr.svg', sendQr('svg'));
  router.get('/campaigns/:id/qr.png', sendQr('png'));

  // GET /lead/campaigns/:id/edit — a draft: everything; open or closed: what is safe to change
  router.get('/campaigns/:id/edit', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    if (campaign.status !== 'draft') {
      const v = formValuesFromCampaign(campaign, campaign.__v);
      return renderOpenForm(res, 200, { campaign, values: openValues(v) });
    }
    renderForm(res, 200, { values: formValuesFromCampaign(campaign, campaign.__v), campaignId: String(campaign._id) });
  });

  // POST /lead/campaigns/:id — save a draft, or the safe fields of an open/closed campaign
  router.post('/campaigns/:id', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const values = formValuesFromBody(req.body ?? {});
    const id = String(campaign._id);
    const expected = /^\d+$/.test(values.version) ? Number(values.version) : undefined;
    if (campaign.status !== 'draft' && req.body?.scope === 'open') return saveOpen(res, campaign, values, expected);
    if (handleFormAction(req, res, values, id)) return;
    const { input, mapErrors } = toCampaignInput(values);
    const parsed = campaignInputSchema.safeParse(input);
    if (!parsed.success) return renderForm(res, 400, { values, campaignId: id, fieldErrors: mapErrors(toFieldErrors(parsed.error)) });
    const past = pastDateErrors(parsed.data, 'draft');
    if (Object.keys(past).length) return renderForm(res, 400, { values, campaignId: id, fieldErrors: past });
    try {
      await campaigns.updateCampaign(id, parsed.data, expected);
    } catch (err) {
      // Keep what the lead typed and say why it was not saved.
      if (err instanceof AppError && err.status === 409) {
        const key = err.code === 'questions_locked' ? 'lead.form.locked' : 'lead.form.conflict';
        return renderForm(res, 409, { values, campaignId: id, formError: res.locals.t(key) });
      }
      throw err;
    }
    res.redirect(303, `/lead/campaigns/${id}?saved=1`);
  });

  // GET /lead/campaigns/:id/close — "Close campaign" asks first: what closing means, then one button
  router.get('/campaigns/:id/close', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    if (campaign.status !== 'open') return res.redirect(303, `/lead/campaigns/${String(campaign._id)}`);
    const [submitted, drafts] = await Promise.all([counts.submitted(campaign._id), counts.drafts(campaign._id)]);
    res.render('lead/campaign-close', { title: res.locals.t('lead.close.title', { title: campaign.title }), campaign, submitted, drafts });
  });

  // POST /lead/campaigns/:id/status — open, or close (only from the confirmation page: confirm=yes)
  router.post('/campaigns/:id/status', async (req, res) => {
    const { status } = parseOrThrow(statusChangeSchema, req.body ?? {});
    if (status === 'closed' && req.body?.confirm !== 'yes') return res.redirect(303, `/lead/campaigns/${req.params.id}/close`);
    const updated = await campaigns.changeStatus(req.params.id, status, { via: 'lead', userId: res.locals.user!.id });
    res.redirect(303, `/lead/campaigns/${String(updated._id)}?status=${status}`);
  });

  // POST /lead/campaigns/:id/members — add or remove a co-lead or stakeholder by e-mail
  router.post('/campaigns/:id/members', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const input = parseOrThrow(memberSchema, req.body ?? {});
    const member = await findUserByEmail(input.email);
    if (!member) throw new AppError(400, 'unknown_user', res.locals.t('lead.members.unknown_user'), { fields: { email: 'lead.members.unknown_user' } });
    if (input.as === 'coLead' && member.role === 'stakeholder') {
      throw new AppError(400, 'wrong_role', res.locals.t('lead.members.not_a_lead'), { fields: { email: 'lead.members.not_a_lead' } });
    }
    await campaigns.setMember(String(campaign._id), member._id, input.as, input.action === 'add');
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}#members`);
  });

  return router;
}

/** Saves the safe fields of an open or closed campaign (openCampaignEditSchema). */
async function saveOpen(res: Response, campaign: Campaign, values: CampaignFormValues, expected: number | undefined): Promise<void> {
  const id = String(campaign._id);
  const shown = openValues(values);
  const parsed = openCampaignEditSchema.safeParse({
    ...(values.perLanguage
      ? { titles: { de: values.title_de, en: values.title_en }, descriptions: { de: values.description_de, en: values.description_en } }
      : { title: values.title, description: values.description }),
    retainUntil: values.retainUntil || undefined,
    closesAt: (campaign.status === 'open' && values.closesAt) || undefined,
  });
  if (!parsed.success) return renderOpenForm(res, 400, { campaign, values: shown, fieldErrors: toFieldErrors(parsed.error) });
  const past = pastDateErrors(parsed.data, campaign.status as CampaignStatus);
  if (Object.keys(past).length) return renderOpenForm(res, 400, { campaign, values: shown, fieldErrors: past });
  try {
    await campaigns.updateOpenCampaign(id, parsed.data, expected);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return renderOpenForm(res, 409, { campaign, values: shown, formError: res.locals.t('lead.form.conflict') });
    throw err;
  }
  res.redirect(303, `/lead/campaigns/${id}?saved=1`);
}
