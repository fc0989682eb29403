import mongoose from 'mongoose';
import type { AnalysisResult, Codebook } from '../analysis/index.js';
import { AnalysisRunModel, RunClaimModel, type AnalysisRunRecord } from './analysis-run.model.js';
import { toRunView, type RunView } from './analysis-run.service.js';
import { ExportCodeIndexModel } from './code-index.js';
import { deleteCampaignResults, readRawResult, readResult } from './result-store.js';

/**
 * How other features read a campaign's analysis runs and stored results (and, for retention,
 * remove them): the analysis-runs feature alone knows its collections.
 */

/** The newest finished run of a campaign (small document; no result). */
export async function latestDoneRun(campaignId: mongoose.Types.ObjectId): Promise<RunView | null> {
  const doc = await AnalysisRunModel.findOne({ campaignId, status: 'done' }).sort({ finishedAt: -1, createdAt: -1, _id: -1 }).lean<AnalysisRunRecord>();
  return doc ? toRunView(doc) : null;
}

/** The newest finished run (full record) and whether one is queued or running, from the last 20 runs. */
export async function runState(campaignId: mongoose.Types.ObjectId): Promise<{ done?: AnalysisRunRecord; active: boolean }> {
  const runs = await AnalysisRunModel.find({ campaignId }, { summary: 0, stages: 0 }).sort({ createdAt: -1, _id: -1 }).limit(20).lean<AnalysisRunRecord[]>();
  return { done: runs.find((r) => r.status === 'done'), active: runs.some((r) => r.status === 'queued' || r.status === 'running') };
}

export interface StoredAnalysis {
  result: AnalysisResult;
  /** The campaign codebook the run used when the theme board had corrections (renamed and new codes). */
  codebook?: Codebook;
  /** How many theme-board corrections the run was given. */
  corrections: number;
}

/** A finished run's stored result (reassembled when it was split), or null. */
export async function storedAnalysis(runId: string | mongoose.Types.ObjectId): Promise<StoredAnalysis | null> {
  const doc = await readResult(runId);
  return doc ? { result: doc.result, codebook: doc.codebook, corrections: doc.corrections } : null;
}

/** The same as raw BSON documents (decoded and joined off the main thread by the dashboard's worker). */
export const rawStoredAnalysis = readRawResult;

/** Decodes rawStoredAnalysis's documents into the result (in a worker thread). */
export { joinRawResult } from './result-store.js';

/** Retention: every run of a campaign, its stored result, claims and export code index. */
export async function purgeCampaignRuns(campaignId: mongoose.Types.ObjectId): Promise<void> {
  const runs = await AnalysisRunModel.find({ campaignId }, { _id: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId }>>();
  // Runs first: without a finished run no page or export looks for the derived data below.
  await AnalysisRunModel.deleteMany({ campaignId });
  await deleteCampaignResults(campaignId);
  await ExportCodeIndexModel.deleteMany({ campaignId });
  for (const r of runs) await RunClaimModel.deleteMany({ _id: mongoose.trusted({ $regex: `^${String(r._id)}#` }) });
}
