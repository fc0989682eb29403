import { Router } from 'express';
import { getCampaign, getCampaignCached } from '../campaigns/campaign.service.js';
import { parseOrThrow } from '../shared/validation.js';
import { apiCreateResponseSchema, responseListQuerySchema } from './response.schemas.js';
import { createFromApi, getResponse, listResponses, segmentPrivacy, type ResponseView } from './response.service.js';

/** Segment values (and combinations) of groups below the minimum size are left out (anonymous campaigns). */
function withVisibleSegments(r: ResponseView, shown: (s: Record<string, string>) => Record<string, string>): ResponseView {
  return { ...r, segments: shown(r.segments) };
}

function draftSegments(campaign: { anonymity?: string }): (s: Record<string, string>) => Record<string, string> {
  return campaign.anonymity === 'identified' ? (s) => s : () => ({});
}

export function responsesApiRouter(): Router {
  const router = Router();

  // GET /api/v1/campaigns/:id/responses
  router.get('/campaigns/:id/responses', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const query = parseOrThrow(responseListQuerySchema, req.query);
    const { items, total } = await listResponses(campaign._id, query);
    // Drafts are not part of the population the anonymity plan protects (people still answering):
    // in an anonymous campaign their segment values are not shown at all.
    const visible = query.status === 'draft' ? draftSegments(campaign) : await segmentPrivacy(campaign, items);
    res.json({ items: items.map((r) => withVisibleSegments(r, visible)), total, limit: query.limit, skip: query.skip });
  });

  // POST /api/v1/campaigns/:id/responses — a complete response; idempotent per submissionId
  router.post('/campaigns/:id/responses', async (req, res) => {
    // Hot path (many submissions per second): the campaign comes from the 2-second cache.
    const campaign = await getCampaignCached(req.params.id);
    const input = parseOrThrow(apiCreateResponseSchema, req.body);
    const { response, repeated } = await createFromApi(campaign, input);
    res.status(repeated ? 200 : 201).location(`/api/v1/campaigns/${response.campaignId}/responses/${response.id}`).json(response);
  });

  // GET /api/v1/campaigns/:id/responses/:rid
  router.get('/campaigns/:id/responses/:rid', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const response = await getResponse(campaign._id, req.params.rid);
    const visible = await segmentPrivacy(campaign, [response]);
    res.json(withVisibleSegments(response, visible));
  });

  return router;
}
