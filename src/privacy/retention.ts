import { forgetCampaign } from '../campaigns/campaign.service.js';
import mongoose from 'mongoose';
import { CampaignModel } from '../campaigns/campaign.model.js';
import { DraftModel, ResponseModel } from '../responses/response.model.js';
import type { Logger } from '../shared/logger.js';
import { deleteMediaOfCampaign } from '../media/media.service.js';
import { AnalysisResultModel, AnalysisRunModel } from '../analysis-runs/analysis-run.model.js';
import { BoardCorrectionModel } from '../board/board-correction.model.js';
import { DashboardRunModel } from '../dashboard/dashboard-store.js';
import { ExportCodeIndexModel } from '../analysis-runs/code-index.js';
import { ErasureModel } from './erasure.model.js';
import { scheduleReclaim } from './reclaim.js';

/**
 * Deletes all responses (submitted and drafts) of campaigns whose retention date has passed, their
 * recordings, and everything derived from the answers: analysis runs and results (quotes and
 * requirement evidence are answer texts), the dashboard's per-run data, the export code index and
 * the theme board's corrections. The campaign itself (questions, settings) stays.
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
    // Runs first: without a finished run no page or export looks for the derived data below, and
    // the dashboard's in-memory cache is keyed by run id, so it is unreachable once the run is gone.
    await AnalysisRunModel.deleteMany({ campaignId: c._id });
    await AnalysisResultModel.deleteMany({ campaignId: c._id });
    await DashboardRunModel.deleteMany({ campaignId: c._id });
    await ExportCodeIndexModel.deleteMany({ campaignId: c._id });
    await BoardCorrectionModel.deleteMany({ campaignId: c._id });
    responses += res.deletedCount ?? 0;
    await CampaignModel.updateOne({ _id: c._id }, { $set: { responsesPurgedAt: now } });
    await ErasureModel.create({ at: now, scope: 'retention', campaignId: c._id, responses: res.deletedCount ?? 0 });
    forgetCampaign();
  }
  // The deleted answers leave the embedded database's files too (reclaim.ts).
  if (due.length) scheduleReclaim();
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
