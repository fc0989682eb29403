import { forgetCampaign } from '../campaigns/campaign.service.js';
import mongoose from 'mongoose';
import { CampaignModel } from '../campaigns/campaign.model.js';
import { DraftModel, ResponseModel } from '../responses/response.model.js';
import type { Logger } from '../shared/logger.js';
import { deleteMediaOfCampaign } from '../media/media.service.js';

/**
 * Deletes all responses (submitted and drafts) of campaigns whose retention date has passed.
 * Runs as a periodic job rather than a TTL index: FerretDB 1.x has no TTL indexes (design).
 * Returns how many responses were removed.
 */
export async function purgeExpiredResponses(now = new Date()): Promise<{ campaigns: number; responses: number }> {
  // sanitizeFilter is on globally: operators written here are marked trusted.
  const due = await CampaignModel.find(
    { retainUntil: mongoose.trusted({ $lte: now }), responsesPurgedAt: null },
    { _id: 1 },
  ).lean<Array<{ _id: mongoose.Types.ObjectId }>>();
  let responses = 0;
  for (const c of due) {
    const res = await ResponseModel.deleteMany({ campaignId: c._id });
    await DraftModel.deleteMany({ campaignId: c._id });
    await deleteMediaOfCampaign(c._id);
    responses += res.deletedCount ?? 0;
    await CampaignModel.updateOne({ _id: c._id }, { $set: { responsesPurgedAt: now } });
    forgetCampaign();
  }
  return { campaigns: due.length, responses };
}

/** Runs the purge now and then every `intervalMs`; returns a stop function. */
export function startRetentionJob(logger: Logger, intervalMs = 60 * 60_000): () => void {
  const run = () =>
    purgeExpiredResponses()
      .then((r) => {
        if (r.campaigns) logger.info(r, 'retention: purged responses of expired campaigns');
      })
      .catch((err) => logger.warn({ err }, 'retention job failed; will retry'));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
