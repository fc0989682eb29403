import { Router } from 'express';
import type { Campaign } from './campaign.service.js';
import { parseOrThrow } from '../shared/validation.js';
import { campaignInputSchema, listQuerySchema, pastScheduleErrors, statusChangeSchema, type CampaignInput } from './campaign.schemas.js';
import * as campaigns from './campaign.service.js';
import { respondentLink } from './campaign.lead.routes.js';
import type { Request } from 'express';
import { z } from 'zod';
import { visibleCampaignsFilter } from './campaign.access.js';
import { AppError, badRequest } from '../shared/errors.js';
import { questionType } from './question-types.js';

/** A draft's schedule must lie ahead (the lead pages check the same). */
function refusePastSchedule(input: CampaignInput): void {
  const past = pastScheduleErrors(input, 'draft');
  if (Object.keys(past).length) throw badRequest('Invalid input', past);
}

function localizedOf(per: { de?: string | null; en?: string | null } | null | undefined, single: string, languages: string[]): { de: string; en: string } {
  if (per && (per.de || per.en)) return { de: per.de ?? '', en: per.en ?? '' };
  const first = languages[0] === 'en' ? 'en' : 'de';
  return { de: '', en: '', [first]: single };
}

const labelOf = (l: { de?: string | null; en?: string | null } | null | undefined) => ({ de: l?.de ?? '', en: l?.en ?? '' });

/** One question in the API: its type (issue 17; `open` for questions stored before types) and the type's settings. */
function questionDto(q: campaigns.Campaign['questions'][number]) {
  const type = questionType(q);
  return {
    key: q.key,
    role: q.role,
    type,
    prompt: labelOf(q.prompt),
    modes: q.modes,
    required: q.required,
    ...(type === 'scale' && q.scale ? { scale: { min: q.scale.min, max: q.scale.max, minLabel: labelOf(q.scale.minLabel), maxLabel: labelOf(q.scale.maxLabel) } } : {}),
    ...(type !== 'open' && type !== 'scale' ? { options: (q.options ?? []).map((o) => ({ key: o.key, label: labelOf(o.label) })) } : {}),
    ...(type === 'single' || type === 'multi' ? { allowOther: q.allowOther === true } : {}),
  };
}

/** The API representation of a campaign (stable: documented in openapi.json). */
export function campaignDto(c: campaigns.Campaign, req: Request, responseCount?: number) {
  return {
    id: String(c._id),
    title: c.title,
    description: c.description ?? '',
    // Texts per language (issue 17); an older campaign's single texts count as its first language's.
    titles: localizedOf(c.titles, c.title, c.languages),
    descriptions: localizedOf(c.descriptions, c.description ?? '', c.languages),
    languages: c.languages,
    anonymity: c.anonymity,
    status: c.status,
    link: respondentLink(req, c.publicToken),
    questions: c.questions.map(questionDto),
    segments: c.segments.map((s) => ({
      key: s.key,
      label: { de: s.label?.de ?? '', en: s.label?.en ?? '' },
      required: s.required,
      options: s.options.map((o) => ({ key: o.key, label: { de: o.label?.de ?? '', en: o.label?.en ?? '' } })),
    })),
    version: c.__v ?? 0,
    questionsLocked: Boolean(c.questionsLockedAt),
    ...(responseCount === undefined ? {} : { responseCount }),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    openedAt: c.openedAt ?? null,
    closedAt: c.closedAt ?? null,
    opensAt: c.opensAt ?? null,
    closesAt: c.closesAt ?? null,
  };
}

const updateSchema = z.object({ version: z.number().int().min(0).optional() });

export function campaignsApiRouter(deps: { counts: { submitted: (campaignId: Campaign['_id']) => Promise<number> } }): Router {
  const router = Router();

  // GET /api/v1/campaigns
  router.get('/campaigns', async (req, res) => {
    const query = parseOrThrow(listQuerySchema, req.query);
    const list = await campaigns.listCampaigns(query, visibleCampaignsFilter(res.locals.user!));
    res.json({ items: list.map((c) => campaignDto(c, req)) });
  });

  // POST /api/v1/campaigns
  router.post('/campaigns', async (req, res) => {
    if (res.locals.user!.role === 'stakeholder') throw new AppError(403, 'forbidden', 'Stakeholders cannot create campaigns');
    const input = parseOrThrow(campaignInputSchema, req.body);
    refusePastSchedule(input);
    const created = await campaigns.createCampaign(input, { ownerId: res.locals.user!.id });
    res.status(201).location(`/api/v1/campaigns/${String(created._id)}`).json(campaignDto(created, req, 0));
  });

  // GET /api/v1/campaigns/:id
  router.get('/campaigns/:id', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    res.json(campaignDto(campaign, req, await deps.counts.submitted(campaign._id)));
  });

  // PUT /api/v1/campaigns/:id — replace a draft's content (optional `version` for 409 on conflict)
  router.put('/campaigns/:id', async (req, res) => {
    const input = parseOrThrow(campaignInputSchema, req.body);
    refusePastSchedule(input);
    const { version } = parseOrThrow(updateSchema, { version: req.body?.version });
    const updated = await campaigns.updateCampaign(req.params.id, input, version);
    res.json(campaignDto(updated, req));
  });

  // POST /api/v1/campaigns/:id/status — {"status":"open"|"closed"}
  router.post('/campaigns/:id/status', async (req, res) => {
    const { status } = parseOrThrow(statusChangeSchema, req.body);
    const updated = await campaigns.changeStatus(req.params.id, status, { via: 'api', userId: res.locals.user!.id });
    res.json(campaignDto(updated, req));
  });

  return router;
}
