import { Router, type Request, type Response } from 'express';
import { AppError } from '../shared/errors.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import { countDrafts, countSubmitted } from '../responses/response.service.js';
import { campaignInputSchema, listQuerySchema, QUESTION_ROLES, statusChangeSchema } from './campaign.schemas.js';
import {
  blankQuestion,
  blankSegment,
  formValuesFromBody,
  formValuesFromCampaign,
  toCampaignInput,
  type CampaignFormValues,
} from './campaign.form.js';
import { interviewTemplate } from './interview-template.js';
import * as campaigns from './campaign.service.js';
import { visibleCampaignsFilter } from './campaign.access.js';
import { findUserByEmail, getUsersByIds } from '../auth/auth.service.js';
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

export function campaignsLeadRouter(): Router {
  const router = Router();

  // GET /lead — the lead's campaigns
  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuerySchema, req.query);
    const list = await campaigns.listCampaigns(query, visibleCampaignsFilter(res.locals.user!));
    const rows = await Promise.all(list.map(async (c) => ({ campaign: c, responses: await countSubmitted(c._id) })));
    res.render('lead/index', { title: res.locals.t('lead.index.title'), rows });
  });

  // GET /lead/campaigns/new — from the template (default) or from scratch (?from=scratch)
  router.get('/campaigns/new', (req, res) => {
    if (res.locals.user!.role === 'stakeholder') throw new AppError(403, 'forbidden', 'Stakeholders cannot create campaigns');
    const values =
      req.query.from === 'scratch'
        ? { ...formValuesFromCampaign({ title: '', description: '', languages: ['de', 'en'], anonymity: 'anonymous', questions: [], segments: [] }), questions: [blankQuestion(1)], segments: [blankSegment()] }
        : formValuesFromCampaign(interviewTemplate());
    renderForm(res, 200, { values });
  });

  // POST /lead/campaigns — create a draft
  router.post('/campaigns', async (req, res) => {
    if (res.locals.user!.role === 'stakeholder') throw new AppError(403, 'forbidden', 'Stakeholders cannot create campaigns');
    const values = formValuesFromBody(req.body ?? {});
    if (handleFormAction(req, res, values)) return;
    const { input, mapErrors } = toCampaignInput(values);
    const parsed = campaignInputSchema.safeParse(input);
    if (!parsed.success) return renderForm(res, 400, { values, fieldErrors: mapErrors(toFieldErrors(parsed.error)) });
    const created = await campaigns.createCampaign(parsed.data, { ownerId: res.locals.user!.id });
    res.redirect(303, `/lead/campaigns/${String(created._id)}?saved=1`);
  });

  // GET /lead/campaigns/:id — overview: status, link, counts, questions
  router.get('/campaigns/:id', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const [submitted, drafts, members] = await Promise.all([
      countSubmitted(campaign._id),
      countDrafts(campaign._id),
      getUsersByIds([...(campaign.coLeadIds ?? []), ...(campaign.stakeholderIds ?? [])]),
    ]);
    const isIn = (ids: unknown[] | undefined, id: unknown) => (ids ?? []).some((x) => String(x) === String(id));
    res.render('lead/campaign-show', {
      readOnly: Boolean(res.locals.readOnly),
      coLeads: members.filter((m) => isIn(campaign.coLeadIds, m._id)),
      stakeholders: members.filter((m) => isIn(campaign.stakeholderIds, m._id)),
      title: campaign.title,
      campaign,
      submitted,
      drafts,
      link: respondentLink(req, campaign.publicToken),
      saved: req.query.saved === '1',
    });
  });

  // GET /lead/campaigns/:id/edit — only drafts are editable
  router.get('/campaigns/:id/edit', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    if (campaign.status !== 'draft') throw new AppError(409, 'questions_locked', res.locals.t('lead.form.locked'));
    renderForm(res, 200, { values: formValuesFromCampaign(campaign, campaign.__v), campaignId: String(campaign._id) });
  });

  // POST /lead/campaigns/:id — save a draft
  router.post('/campaigns/:id', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const values = formValuesFromBody(req.body ?? {});
    const id = String(campaign._id);
    if (handleFormAction(req, res, values, id)) return;
    const { input, mapErrors } = toCampaignInput(values);
    const parsed = campaignInputSchema.safeParse(input);
    if (!parsed.success) return renderForm(res, 400, { values, campaignId: id, fieldErrors: mapErrors(toFieldErrors(parsed.error)) });
    const expected = /^\d+$/.test(values.version) ? Number(values.version) : undefined;
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

  // POST /lead/campaigns/:id/status — open or close
  router.post('/campaigns/:id/status', async (req, res) => {
    const { status } = parseOrThrow(statusChangeSchema, req.body ?? {});
    const updated = await campaigns.changeStatus(req.params.id, status);
    res.redirect(303, `/lead/campaigns/${String(updated._id)}`);
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
