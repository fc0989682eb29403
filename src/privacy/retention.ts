import { purgeCampaignRuns } from '../analysis-runs/analysis-run.queries.js';
import { deleteCorrectionsOfCampaign } from '../board/board.service.js';
import { campaignsDueForPurge, markResponsesPurged } from '../campaigns/campaign.queries.js';
import { forgetCampaignDashboards } from '../dashboard/dashboard.data.js';
import { deleteMediaOfCampaign } from '../media/media.service.js';
import { forgetCurationOfCampaign } from '../reports/report-curation.service.js';
import { purgeCampaignResponses } from '../responses/response.queries.js';
import type { Logger } from '../shared/logger.js';
import { ErasureModel } from './erasure.model.js';
import { scheduleReclaim } from './reclaim.js';

/**
 * Deletes all responses (submitted and drafts) of campaigns whose retention date has passed, their
 * recordings, and everything derived from the answers: analysis runs and results (quotes and
 * requirement evidence are answer texts), the dashboard's per-run data, the export code index,
 * the theme board's corrections and the report's curation. The campaign itself (questions,
 * settings) stays. Each feature removes its own data; this job only orders the steps.
 * Runs as a periodic job rather than a TTL index: FerretDB 1.x has no TTL indexes (design).
 * Returns how many responses were removed.
 */
export async function purgeExpiredResponses(now = new Date()): Promise<{ campaigns: number; responses: number }> {
  const due = await campaignsDueForPurge(now);
  let responses = 0;
  for (const campaignId of due) {
    const removed = await purgeCampaignResponses(campaignId);
    await deleteMediaOfCampaign(campaignId);
    // Runs first: without a finished run no page or export looks for the derived data below, and
    // the dashboard's in-memory cache is keyed by run id, so it is unreachable once the run is gone.
    await purgeCampaignRuns(campaignId);
    await forgetCampaignDashboards(campaignId);
    await deleteCorrectionsOfCampaign(campaignId);
    await forgetCurationOfCampaign(campaignId);
    responses += removed;
    await markResponsesPurged(campaignId, now);
    await ErasureModel.create({ at: now, scope: 'retention', campaignId, responses: removed });
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
