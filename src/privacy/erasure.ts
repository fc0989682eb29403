import mongoose from 'mongoose';
import { supersedeRunsAfterErasure } from '../analysis-runs/analysis-run.service.js';
import { forgetAnswersOf } from '../board/board.service.js';
import { getCampaign, markErased, type Campaign } from '../campaigns/campaign.service.js';
import { forgetRuns } from '../dashboard/dashboard.data.js';
import { deleteParticipantRecord, findByToken, participantsByEmail } from '../participants/participant.service.js';
import { eraseResponsesFromCuration } from '../reports/report-curation.service.js';
import { deleteResponse, responseIdsOfParticipant } from '../responses/response.service.js';
import { notFound } from '../shared/errors.js';
import { parseObjectId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { ErasureModel } from './erasure.model.js';
import { scheduleReclaim } from './reclaim.js';
import { tokenFromLink } from './subject-export.js';

/**
 * Erasure (GDPR Art. 17), in one place: a response goes, and with it everything derived from it.
 *
 *  1. the response and its recordings (responses/, media/);
 *  2. the campaign notes the time of the erasure, so an analysis run that loaded its answers
 *     earlier drops its result when it finishes and runs again (analysis-runs/runner.ts);
 *  3. every finished analysis run of the campaign drops its result — quotes, requirement
 *     evidence, coded answers, cluster terms — and its export code index, and is marked
 *     superseded; a fresh run is queued so the figures exclude the erased answers;
 *  4. the dashboard's stored and cached data of those runs goes;
 *  5. theme-board corrections and the report's curation lose the erased answers;
 *  6. a record THAT an erasure happened is kept (erasure.model.ts), then the embedded database
 *     is compacted so the bytes leave its files too (reclaim.ts).
 * All of it happens in the request (a few single-document writes per run), so when the page comes
 * back nothing of the person remains; only the compaction runs a moment later in the background.
 */

export interface ErasureOutcome {
  responses: number;
  participants: number;
  runs: number;
  corrections: number;
  /** Campaigns in which a person's answers cannot be found because the campaign is anonymous. */
  anonymousCampaigns: number;
}

interface Actor {
  id?: string;
}

async function eraseInCampaign(campaign: Pick<Campaign, '_id'>, responseIds: readonly string[], actor: Actor): Promise<Omit<ErasureOutcome, 'participants' | 'anonymousCampaigns'>> {
  const campaignId = campaign._id;
  for (const rid of responseIds) await deleteResponse(campaignId, rid);
  await markErased(campaignId);
  const runs = await supersedeRunsAfterErasure(campaignId, actor.id);
  await forgetRuns(campaignId, runs);
  const corrections = await forgetAnswersOf(campaignId, responseIds);
  // The report's curation (pinned/hidden quotes) must not keep pointing at the erased answers.
  await eraseResponsesFromCuration(campaignId, responseIds);
  return { responses: responseIds.length, runs: runs.length, corrections };
}

/** A lead deletes one response of their campaign (and everything derived from it). */
export async function eraseResponse(campaign: Campaign, responseId: string, actor: Actor, logger?: Logger): Promise<ErasureOutcome> {
  const done = await eraseInCampaign(campaign, [responseId], actor);
  await ErasureModel.create({ at: new Date(), scope: 'response', campaignId: campaign._id, actorId: parseObjectId(actor.id) ?? undefined, ...done });
  scheduleReclaim(logger);
  return { ...done, participants: 0, anonymousCampaigns: 0 };
}

/**
 * An admin erases a person on request, identified by a personal link (or its token) or by the
 * e-mail address they were invited with: every response given through their links (identified
 * campaigns), everything derived from those, and their participant records (e-mail, name,
 * segments, link hashes). In anonymous campaigns nothing links a response to a person — by
 * design — so only the participant record can go; the outcome says so.
 */
export async function eraseParticipant(input: string, actor: Actor, logger?: Logger): Promise<ErasureOutcome> {
  const trimmed = input.trim().slice(0, 2000);
  const targets: Array<{ participantId: mongoose.Types.ObjectId; campaignId: mongoose.Types.ObjectId }> = [];
  if (trimmed.includes('@') && !trimmed.includes('/')) targets.push(...(await participantsByEmail(trimmed)));
  else {
    const link = await findByToken(tokenFromLink(trimmed));
    if (link) targets.push(link);
  }
  if (!targets.length) throw notFound('Participant');
  const outcome: ErasureOutcome = { responses: 0, participants: 0, runs: 0, corrections: 0, anonymousCampaigns: 0 };
  for (const t of targets) {
    const campaign = await getCampaign(String(t.campaignId)).catch(() => null);
    const responses = (await responseIdsOfParticipant(t.participantId)).filter((r) => String(r.campaignId) === String(t.campaignId)).map((r) => r.id);
    if (campaign && campaign.anonymity !== 'identified') outcome.anonymousCampaigns += 1;
    const done = campaign && responses.length ? await eraseInCampaign(campaign, responses, actor) : { responses: 0, runs: 0, corrections: 0 };
    await deleteParticipantRecord(t.participantId);
    outcome.responses += done.responses;
    outcome.runs += done.runs;
    outcome.corrections += done.corrections;
    outcome.participants += 1;
    await ErasureModel.create({ at: new Date(), scope: 'participant', campaignId: t.campaignId, actorId: parseObjectId(actor.id) ?? undefined, ...done, participants: 1 });
  }
  scheduleReclaim(logger);
  return outcome;
}

/** The latest erasure records (for the admin's privacy page): counts and times only. */
export async function recentErasures(limit = 50) {
  return ErasureModel.find({}).sort({ at: -1 }).limit(limit).lean();
}
