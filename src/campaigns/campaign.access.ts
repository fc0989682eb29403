import type { NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import type { CurrentUser } from '../auth/auth.service.js';
import { notFound } from '../shared/errors.js';
import { parseObjectId } from '../shared/ids.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { CampaignModel, type CampaignRecord } from './campaign.model.js';

export type CampaignRelation = 'admin' | 'lead' | 'stakeholder' | 'none';

type AccessFields = Pick<CampaignRecord, 'ownerId' | 'coLeadIds' | 'stakeholderIds'>;

/**
 * Who belongs to a campaign, cached for 2 s (one database round trip less per API call). A
 * removed member loses access within 2 s on every instance; the writing instance at once
 * (setMember clears the campaign caches).
 */
const accessCache = new TtlCache<AccessFields>(2000);
export function forgetCampaignAccess(): void {
  accessCache.clear();
}

/** How `user` relates to `campaign`. The one place that decides who may do what with a campaign. */
export function relationTo(user: CurrentUser, campaign: AccessFields): CampaignRelation {
  if (user.role === 'admin') return 'admin';
  const uid = user.id;
  const isLead = String(campaign.ownerId) === uid || (campaign.coLeadIds ?? []).some((id) => String(id) === uid);
  if (isLead && user.role === 'lead') return 'lead';
  if ((campaign.stakeholderIds ?? []).some((id) => String(id) === uid) || isLead) return 'stakeholder';
  return 'none';
}

/**
 * Paths (below the campaign) a stakeholder may GET: read-only summaries, never single answers
 * (recordings of quoted answers via `/media/:id`, linked from the dashboard and report).
 */
const STAKEHOLDER_READABLE = [/^\/?$/, /^\/dashboard(\/.*)?$/, /^\/report(\/.*)?$/, /^\/media\/m_[A-Za-z0-9_-]+$/];

/**
 * Mounted on `/lead/campaigns/:id` and `/api/v1/campaigns/:id`. Deny by default: the id must be
 * a canonical campaign id (src/shared/ids.ts) — anything else answers 404 before any database
 * read — and the user must belong to that campaign. A campaign the user may not see answers 404
 * (not 403), so ids of other people's campaigns cannot be probed. The only path below the mount
 * that is not a campaign is the lead's "new campaign" form (`/lead/campaigns/new`, exactly).
 */
export async function campaignAccessGuard(req: Request, res: Response, next: NextFunction): Promise<void> {
  const raw = req.params.id;
  if (raw === 'new' && req.baseUrl === '/lead/campaigns/new' && req.path === '/' && req.method === 'GET') return next();
  const campaignId = parseObjectId(raw);
  const user = res.locals.user;
  if (!campaignId || !user) return next(notFound('Campaign'));
  const id = campaignId.toHexString();
  const campaign = await accessCache.getOrLoad(id, () => CampaignModel.findById(campaignId, { ownerId: 1, coLeadIds: 1, stakeholderIds: 1 }).lean<AccessFields>());
  if (!campaign) return next(notFound('Campaign'));
  const relation = relationTo(user, campaign);
  if (relation === 'admin' || relation === 'lead') return next();
  const sub = req.path;
  if (relation === 'stakeholder' && req.method === 'GET' && STAKEHOLDER_READABLE.some((re) => re.test(sub))) {
    res.locals.readOnly = true;
    return next();
  }
  next(notFound('Campaign'));
}

/** Mongo filter for the campaigns a user may list. */
export function visibleCampaignsFilter(user: CurrentUser): Record<string, unknown> {
  if (user.role === 'admin') return {};
  const uid = new mongoose.Types.ObjectId(user.id);
  return { $or: [{ ownerId: uid }, { coLeadIds: uid }, { stakeholderIds: uid }] };
}
