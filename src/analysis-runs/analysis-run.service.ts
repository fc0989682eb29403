import mongoose from 'mongoose';
import type { AnalysisSummary } from '../analysis/index.js';
import { notFound } from '../shared/errors.js';
import { AnalysisRunModel, type AnalysisRunRecord, type RunStage, type RunStatus } from './analysis-run.model.js';
import { parseObjectId } from '../shared/ids.js';
import { ExportCodeIndexModel } from './code-index.js';
import { deleteResults } from './result-store.js';
import { isDuplicateKey } from '../db/mongo.js';

export interface RunView {
  id: string;
  campaignId: string;
  status: RunStatus;
  stage: RunStage;
  progress: number;
  /** Whole percent for the progress bar. */
  percent: number;
  attempts: number;
  error: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  responses?: number;
  answers?: number;
  summary?: AnalysisSummary;
  stages: Array<{ stage: string; at: Date }>;
}

export function toRunView(r: AnalysisRunRecord): RunView {
  return {
    id: String(r._id),
    campaignId: String(r.campaignId),
    status: r.status as RunStatus,
    stage: r.stage as RunStage,
    progress: r.progress ?? 0,
    percent: r.status === 'done' ? 100 : Math.floor((r.progress ?? 0) * 100),
    attempts: r.attempts ?? 0,
    error: r.error ?? '',
    createdAt: r.createdAt,
    startedAt: r.startedAt ?? undefined,
    finishedAt: r.finishedAt ?? undefined,
    responses: r.responses ?? undefined,
    answers: r.answers ?? undefined,
    summary: (r.summary as AnalysisSummary | undefined) ?? undefined,
    stages: (r.stages ?? []).map((s) => ({ stage: String(s.stage), at: s.at as Date })),
  };
}


/**
 * Queues an analysis of the campaign, or returns the one already queued/running (at most one
 * per campaign: the unique `activeKey`, see the model). `created` tells the caller which.
 */
export async function startRun(campaignId: mongoose.Types.ObjectId, requestedBy?: string): Promise<{ run: RunView; created: boolean }> {
  // A few tries: the active run may finish between our failed insert and the read.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const doc = await AnalysisRunModel.create({
        campaignId,
        activeKey: String(campaignId),
        requestedBy: parseObjectId(requestedBy) ?? undefined,
      });
      return { run: toRunView(doc.toObject() as AnalysisRunRecord), created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const active = await AnalysisRunModel.findOne({ activeKey: String(campaignId) }).lean<AnalysisRunRecord>();
      if (active) return { run: toRunView(active), created: false };
    }
  }
  throw new Error('could not queue an analysis run (the active run kept changing)');
}

/** The campaign's runs, newest first (small documents: no results). */
export async function listRuns(campaignId: mongoose.Types.ObjectId, limit = 50): Promise<RunView[]> {
  const docs = await AnalysisRunModel.find({ campaignId }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<AnalysisRunRecord[]>();
  return docs.map(toRunView);
}

/** One run of the campaign; 404 for unknown ids and runs of other campaigns. */
export async function getRun(campaignId: mongoose.Types.ObjectId, runId: string): Promise<RunView> {
  const oid = parseObjectId(runId);
  const doc = oid ? await AnalysisRunModel.findById(oid).lean<AnalysisRunRecord>() : null;
  if (!doc || String(doc.campaignId) !== String(campaignId)) throw notFound('Analysis run');
  return toRunView(doc);
}

/**
 * After an erasure: every finished run of the campaign drops its result (quotes, evidence, coded
 * answers, cluster terms — all derived from the answers, the erased ones included) and its export
 * code index, and is marked `superseded`; a fresh run is queued so current figures exclude the
 * erased answers. A run still in progress notices the erasure when it finishes (runner.ts) and
 * runs again. Returns the ids of the superseded runs (their dashboard data must go too).
 */
export async function supersedeRunsAfterErasure(campaignId: mongoose.Types.ObjectId, requestedBy?: string): Promise<string[]> {
  const done = await AnalysisRunModel.find({ campaignId, status: 'done' }, { _id: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId }>>();
  const ids = done.map((r) => r._id);
  if (ids.length) {
    const now = new Date();
    await AnalysisRunModel.updateMany({ _id: mongoose.trusted({ $in: ids }) }, { $set: { status: 'superseded', supersededAt: now, summary: null } });
    await deleteResults(ids);
    await ExportCodeIndexModel.deleteMany({ _id: mongoose.trusted({ $in: ids }) });
    await startRun(campaignId, requestedBy);
  }
  return ids.map(String);
}
