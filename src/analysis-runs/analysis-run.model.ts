import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * `superseded`: a finished run whose result was dropped because an answer it contained was erased
 * (src/privacy/erasure.ts); a fresh run replaces it.
 */
export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'superseded'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Stages a run reports: `queued` before a runner claimed it, then the engine's own stages. */
export const RUN_STAGES = ['queued', 'load', 'prepare', 'language', 'train', 'coding', 'clustering', 'requirements', 'store', 'done', 'failed'] as const;
export type RunStage = (typeof RUN_STAGES)[number];

/**
 * One analysis job of a campaign, and its lease. Small on purpose (the runs page lists many):
 * the engine's full result lives in `analysis_results` under the same `_id`.
 *
 * `activeKey` keeps at most ONE queued/running run per campaign without transactions: an active
 * run carries the campaign id there, a finished one its own id, and the field is unique — so a
 * second start is an insert that fails with E11000 (atomic on MongoDB and FerretDB alike), not a
 * check-then-insert race.
 */
const analysisRunSchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    activeKey: { type: String, required: true, unique: true },
    status: { type: String, enum: RUN_STATUSES, default: 'queued' },
    stage: { type: String, enum: RUN_STAGES, default: 'queued' },
    /** Overall fraction 0..1 across all stages. */
    progress: { type: Number, default: 0, min: 0, max: 1 },
    /** When each stage was first reached (a handful of entries): shows where the time went. */
    stages: { type: [new Schema({ stage: String, at: Date }, { _id: false })], default: [] },
    /** Instance that holds the lease, and until when; another instance may take over after it. */
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    requestedBy: { type: Schema.Types.ObjectId },
    startedAt: Date,
    finishedAt: Date,
    /** Last failure (also kept while a retry is queued). */
    error: { type: String, default: '' },
    /** Counts and the engine's summary (small), so the runs page never loads a full result. */
    responses: Number,
    answers: Number,
    resultBytes: Number,
    summary: { type: Schema.Types.Mixed },
    /** When (set with status `superseded`) the run's result was dropped after an erasure. */
    supersededAt: Date,
  },
  { timestamps: true, collection: 'analysis_runs', minimize: false },
);

/**
 * The engine's plain result, `_id` = the run's `_id`: read by `_id` only (FerretDB pushes that
 * filter down) and written once per run. A large result's answer list continues in
 * `analysis_result_parts` (MongoDB's 16 MB document limit): read and write it only through
 * result-store.ts.
 */
const analysisResultSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    result: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: true, collection: 'analysis_results', minimize: false, versionKey: false },
);

/**
 * Claim fences, `_id` = `<runId>#<attempt>`. FerretDB 1.x does not run a conditional
 * findOneAndUpdate atomically (see the participant claim lock), so two runners could both
 * "win" the lease; the unique insert of the attempt's fence decides which one runs.
 */
const runClaimSchema = new Schema({ _id: { type: String, required: true }, owner: String, at: Date }, { collection: 'analysis_run_claims', versionKey: false });

export const AnalysisRunModel = mongoose.model('AnalysisRun', analysisRunSchema);
export const AnalysisResultModel = mongoose.model('AnalysisResult', analysisResultSchema);
export const RunClaimModel = mongoose.model('AnalysisRunClaim', runClaimSchema);
export type AnalysisRunRecord = InferSchemaType<typeof analysisRunSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date; updatedAt: Date };
