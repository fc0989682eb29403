/**
 * The analysis runner: every instance polls `analysis_runs`, and one run at a time goes through
 * these steps (each a function below):
 *
 *   reapDeadRuns → claimNextRun (fence + lease) → executeRun:
 *     loadRunInput → runEngine (in a worker; progress and lease renewed by trackProgress)
 *     → finishRun (erasure check, then done) | releaseRun (shutdown) | failRun (retry or give up)
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import type { AnalysisStage } from '../analysis/index.js';
import type { CampaignRecord } from '../campaigns/campaign.model.js';
import { campaignRecord, erasedAtOf } from '../campaigns/campaign.queries.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { loadInput as loadFromDb, type AnalysisInput } from './analysis-input.js';
import { connectedUri } from '../db/connection.js';
import { AnalysisRunModel, RunClaimModel, type AnalysisRunRecord, type RunStage } from './analysis-run.model.js';
import { deleteResults, PART_BYTES } from './result-store.js';
import { ExportCodeIndexModel } from './code-index.js';
import { runInWorker, WorkerAborted, WorkerPermanentError, type WorkerHandle } from './run-in-worker.js';
import type { StoredResult } from './worker-protocol.js';
import { isDuplicateKey } from '../db/mongo.js';

const { trusted } = mongoose;


export interface RunnerOptions {
  /** Names this instance in `leaseOwner` (default host:pid:random). */
  instanceId?: string;
  /** How long a claim holds without renewal; after that another instance may take the run over. */
  leaseMs?: number;
  /** Progress and lease renewals are written at most this often (a few times per second). */
  progressWriteMs?: number;
  /** Attempts per run before it is marked failed (crashes and engine errors both count). */
  maxAttempts?: number;
  logger?: Logger;
  /** Loads a run's engine input; tests inject inputs that make the engine fail. */
  loadInput?: (campaign: CampaignRecord) => Promise<AnalysisInput>;
  /** Called when the engine is done, before the run is marked done (tests: an erasure lands here). */
  beforeFinish?: () => Promise<void>;
  /** Largest answer list per stored document (default PART_BYTES; tests set a small one to split small results). */
  resultPartBytes?: number;
}

export interface RunOutcome {
  runId: string;
  /** `queued`: failed and queued again for a retry; `released`: given back at shutdown; `lost`: lease taken over. */
  status: 'done' | 'failed' | 'queued' | 'released' | 'lost';
  attempts: number;
  /** threadId of the worker that ran the engine (0 would be the main thread). */
  threadId?: number;
  error?: string;
}

export interface Runner {
  readonly instanceId: string;
  /** Claims and executes at most one run; null when nothing was claimable. */
  runOnce(): Promise<RunOutcome | null>;
  /** runOnce until nothing is left (tests; a bounded number of rounds). */
  drain(maxRounds?: number): Promise<RunOutcome[]>;
  /** Polls every `pollMs` (server). */
  start(pollMs: number): void;
  /** Stops polling; waits up to `graceMs` for the current run, then gives its lease back. */
  stop(graceMs?: number): Promise<void>;
}

/** A failure that a retry cannot fix (result too big, campaign gone): no further attempts. */
class PermanentRunError extends Error {}

/** One runner: its settings (the options with their defaults) and the state its steps share. */
interface RunnerContext {
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly writeEvery: number;
  readonly maxAttempts: number;
  readonly logger: Logger;
  readonly load: (campaign: CampaignRecord) => Promise<AnalysisInput>;
  readonly beforeFinish?: () => Promise<void>;
  readonly resultPartBytes: number;
  /** Set by stop(): nothing new is claimed, and a run aborted now is released rather than failed. */
  stopping: boolean;
  /** The worker of the run under way, so that a lost lease or a late shutdown can abort it. */
  handle?: WorkerHandle;
}

const fenceId = (runId: unknown, attempt: number) => `${String(runId)}#${attempt}`;

export function createRunner(opts: RunnerOptions = {}): Runner {
  const ctx: RunnerContext = {
    instanceId: opts.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: opts.leaseMs ?? 30_000,
    writeEvery: opts.progressWriteMs ?? 300,
    maxAttempts: opts.maxAttempts ?? 3,
    logger: opts.logger ?? createLogger('silent'),
    load: opts.loadInput ?? loadFromDb,
    beforeFinish: opts.beforeFinish,
    resultPartBytes: opts.resultPartBytes ?? PART_BYTES,
    stopping: false,
  };
  let current: Promise<RunOutcome | null> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;

  async function runOnce(): Promise<RunOutcome | null> {
    if (ctx.stopping) return null;
    const run = await claimNextRun(ctx);
    return run ? executeRun(ctx, run) : null;
  }

  /** runOnce, remembered as `current` while it lasts, so that stop() can wait for it. */
  function tracked(): Promise<RunOutcome | null> {
    const p = runOnce().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  }

  return {
    instanceId: ctx.instanceId,
    runOnce: tracked,
    async drain(maxRounds = 50) {
      const outcomes: RunOutcome[] = [];
      for (let i = 0; i < maxRounds; i++) {
        const o = await tracked();
        if (!o) break;
        outcomes.push(o);
      }
      return outcomes;
    },
    start(pollMs) {
      const loop = async () => {
        pollTimer = undefined;
        try {
          // Work through the queue, then wait: one run at a time per instance (one core each).
          while (!ctx.stopping && (await tracked())) {
            /* next */
          }
        } catch (err) {
          ctx.logger.warn({ err }, 'analysis runner: poll failed');
        }
        if (!ctx.stopping) pollTimer = setTimeout(loop, pollMs).unref();
      };
      pollTimer = setTimeout(loop, pollMs).unref();
    },
    async stop(graceMs = 10_000) {
      ctx.stopping = true;
      if (pollTimer) clearTimeout(pollTimer);
      const running = current;
      if (!running) return;
      let timeout: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        running.then(() => false, () => false),
        new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timeout);
      if (late) {
        ctx.handle?.abort('shutdown');
        await running.catch(() => undefined);
      }
    },
  };
}

/** Runs whose instance died on its last allowed attempt: nobody will finish them, so they fail. */
async function reapDeadRuns(ctx: RunnerContext, now: Date): Promise<void> {
  const dead = await AnalysisRunModel.find({ status: 'running', leaseUntil: trusted({ $lt: now }), attempts: trusted({ $gte: ctx.maxAttempts }) }, { _id: 1, attempts: 1 }).lean();
  for (const r of dead) {
    await AnalysisRunModel.updateOne(
      { _id: r._id, status: 'running' },
      { $set: { status: 'failed', stage: 'failed', activeKey: String(r._id), leaseOwner: null, leaseUntil: null, finishedAt: now, error: `The analysis stopped ${r.attempts} times (the instance running it ended) and was given up.` } },
    );
  }
}

/**
 * The claim. Candidates are read (a scan of the small analysis_runs collection — FerretDB only
 * pushes down `_id` filters), then per candidate: insert the attempt's fence (unique `_id`:
 * exactly one instance wins, on every backend), then take the lease with ONE findOneAndUpdate
 * (status → running, owner, leaseUntil, attempts + 1). On MongoDB the findOneAndUpdate alone
 * would be atomic; FerretDB 1.x needs the fence in front of it.
 */
async function claimNextRun(ctx: RunnerContext): Promise<AnalysisRunRecord | null> {
  const now = new Date();
  await reapDeadRuns(ctx, now);
  const free: mongoose.QueryFilter<AnalysisRunRecord> = { $or: [{ status: 'queued' }, { status: 'running', leaseUntil: trusted({ $lt: now }) }] };
  const candidates = await AnalysisRunModel.find({ ...free, attempts: trusted({ $lt: ctx.maxAttempts }) }, { _id: 1, attempts: 1 }).sort({ createdAt: 1, _id: 1 }).limit(5).lean();
  for (const c of candidates) {
    const attempt = (c.attempts ?? 0) + 1;
    try {
      await RunClaimModel.create({ _id: fenceId(c._id, attempt), owner: ctx.instanceId, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) continue; // another instance has this attempt
      throw err;
    }
    const leased = await AnalysisRunModel.findOneAndUpdate(
      { _id: c._id, attempts: c.attempts ?? 0, ...free },
      {
        $set: {
          status: 'running',
          stage: 'load',
          progress: 0,
          leaseOwner: ctx.instanceId,
          leaseUntil: new Date(now.getTime() + ctx.leaseMs),
          attempts: attempt,
          startedAt: now,
          stages: [{ stage: 'load', at: now }],
        },
      },
      { returnDocument: 'after' },
    ).lean<AnalysisRunRecord>();
    if (leased) return leased;
  }
  return null;
}

/** A claimed run from its input to its outcome; whatever goes wrong ends in release or failure. */
async function executeRun(ctx: RunnerContext, run: AnalysisRunRecord): Promise<RunOutcome> {
  const id = run._id;
  const attempts = run.attempts ?? 1;
  const progress = trackProgress(ctx, id);
  try {
    const { input, loadedAt } = await loadRunInput(ctx, run);
    progress.setStage('prepare', 0);
    const { stored, threadId } = await runEngine(ctx, run, input, progress);
    ctx.handle = undefined;
    await progress.stop();
    if (progress.lost) return { runId: String(id), status: 'lost', attempts };
    return await finishRun(ctx, run, { input, loadedAt, stored, threadId, stages: progress.stages });
  } catch (err) {
    ctx.handle = undefined;
    await progress.stop();
    if (progress.lost) return { runId: String(id), status: 'lost', attempts };
    if (err instanceof WorkerAborted && ctx.stopping) return releaseRun(ctx, id, attempts);
    return failRun(ctx, id, attempts, err);
  }
}

/** What trackProgress hands the run: the stage setter, the stages so far, and the lease's fate. */
interface RunProgress {
  /** Every stage reached, with its time; written with the progress and again when done. */
  readonly stages: Array<{ stage: RunStage; at: Date }>;
  /** The lease went to another instance: this run must not write anything more. */
  readonly lost: boolean;
  setStage(stage: RunStage, fraction: number): void;
  /** No more writes; resolves once a write under way has landed. */
  stop(): Promise<void>;
}

/**
 * Progress and lease in one small write, at most every `writeEvery` ms, and at least every
 * leaseMs/3 so the lease never runs out while the run is healthy. A write that finds the run no
 * longer ours means another instance took the lease over: the worker is aborted.
 */
function trackProgress(ctx: RunnerContext, id: mongoose.Types.ObjectId): RunProgress {
  const mine = { _id: id, leaseOwner: ctx.instanceId };
  let stage: RunStage = 'load';
  let fraction = 0;
  const stages: Array<{ stage: RunStage; at: Date }> = [{ stage: 'load', at: new Date() }];
  let dirty = false;
  let lost = false;
  let lastRenew = Date.now();
  let writing: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    if (!dirty && Date.now() - lastRenew < ctx.leaseMs / 3) return;
    dirty = false;
    lastRenew = Date.now();
    const res = await AnalysisRunModel.updateOne(mine, { $set: { stage, progress: fraction, stages, leaseUntil: new Date(Date.now() + ctx.leaseMs) } });
    if (res.matchedCount === 0 && !lost) {
      lost = true;
      ctx.logger.warn({ runId: String(id) }, 'analysis run: lease lost to another instance; stopping');
      ctx.handle?.abort('lease lost');
    }
  };
  const timer = setInterval(() => {
    if (!writing) writing = flush().catch((err) => ctx.logger.warn({ err }, 'analysis run: progress write failed')).finally(() => (writing = undefined));
  }, ctx.writeEvery);

  return {
    stages,
    get lost() {
      return lost;
    },
    setStage(s, f) {
      if (s !== stage) stages.push({ stage: s, at: new Date() });
      stage = s;
      fraction = f;
      dirty = true;
    },
    async stop() {
      clearInterval(timer);
      await writing;
    },
  };
}

/**
 * The engine's input, and when it was read: a response erased after that moment may be in the
 * result (finishRun checks). A campaign deleted meanwhile fails the run for good.
 */
async function loadRunInput(ctx: RunnerContext, run: AnalysisRunRecord): Promise<{ input: AnalysisInput; loadedAt: Date }> {
  const campaign = await campaignRecord(run.campaignId);
  if (!campaign) throw new PermanentRunError('The campaign no longer exists.');
  const loadedAt = new Date();
  const input = await ctx.load(campaign);
  if (ctx.stopping) throw new WorkerAborted('shutdown');
  return { input, loadedAt };
}

/**
 * The engine in a worker thread, its stages reported as the run's progress. The worker stores the
 * result itself (analysis_results, export code index); only the small summary comes back here.
 */
async function runEngine(ctx: RunnerContext, run: AnalysisRunRecord, input: AnalysisInput, progress: RunProgress): Promise<{ stored: StoredResult; threadId: number }> {
  const uri = connectedUri();
  if (!uri) throw new Error('No database connection to store the result with.');
  const store = {
    uri,
    runId: String(run._id),
    campaignId: String(run.campaignId),
    partBytes: ctx.resultPartBytes,
    codebook: input.options.codebook,
    corrections: input.options.corrections?.length ?? 0,
  };
  ctx.handle = runInWorker(
    { answers: input.answers, options: input.options, store },
    (s: AnalysisStage, f: number) => progress.setStage(s === 'done' ? 'requirements' : s, Math.min(f, 0.99)),
    () => progress.setStage('store', 0.99),
  );
  return ctx.handle.done;
}

/**
 * The engine is done and its result stored: mark the run done — unless a response was erased
 * while the run was under way. Such a response may be in the result, so the result is dropped
 * and the run queued again: no stored analysis ever contains an erased answer (privacy/erasure.ts).
 */
async function finishRun(
  ctx: RunnerContext,
  run: AnalysisRunRecord,
  done: { input: AnalysisInput; loadedAt: Date; stored: StoredResult; threadId: number; stages: RunProgress['stages'] },
): Promise<RunOutcome> {
  const id = run._id;
  const attempts = run.attempts ?? 1;
  const { stored, threadId, stages } = done;
  await ctx.beforeFinish?.();
  const erasedAt = await erasedAtOf(run.campaignId);
  if (erasedAt && erasedAt.getTime() >= done.loadedAt.getTime()) {
    await deleteResults([id]);
    await ExportCodeIndexModel.deleteOne({ _id: id });
    ctx.logger.info({ runId: String(id) }, 'analysis run: responses were erased meanwhile; running again');
    return releaseRun(ctx, id, attempts);
  }
  if (stored.codeIndexError) ctx.logger.warn({ err: stored.codeIndexError, runId: String(id) }, 'analysis run: export code index not stored');
  const now = new Date();
  stages.push({ stage: 'done', at: now });
  const finished = await AnalysisRunModel.updateOne(
    { _id: id, leaseOwner: ctx.instanceId },
    {
      $set: {
        status: 'done',
        stage: 'done',
        progress: 1,
        stages,
        activeKey: String(id),
        leaseOwner: null,
        leaseUntil: null,
        finishedAt: now,
        error: '',
        responses: done.input.responses,
        answers: stored.summary.answers,
        resultBytes: stored.bytes,
        summary: stored.summary,
      },
    },
  );
  if (finished.matchedCount === 0) return { runId: String(id), status: 'lost', attempts, threadId };
  await dropFences(ctx, id, attempts);
  ctx.logger.info({ runId: String(id), answers: stored.summary.answers, attempts }, 'analysis run done');
  return { runId: String(id), status: 'done', attempts, threadId };
}

/** Shutdown mid-run (or an erasure meanwhile): the run goes back to the queue without using up an attempt. */
async function releaseRun(ctx: RunnerContext, id: mongoose.Types.ObjectId, attempts: number): Promise<RunOutcome> {
  await AnalysisRunModel.updateOne({ _id: id, leaseOwner: ctx.instanceId }, { $set: { status: 'queued', stage: 'queued', progress: 0, leaseOwner: null, leaseUntil: null, attempts: attempts - 1 } });
  // The attempt's fence goes too, or the next claim of this attempt number would be refused.
  await RunClaimModel.deleteOne({ _id: fenceId(id, attempts) });
  ctx.logger.info({ runId: String(id) }, 'analysis run released at shutdown');
  return { runId: String(id), status: 'released', attempts: attempts - 1 };
}

/** A failed attempt: queued again for a retry, or failed for good when no retry can help. */
async function failRun(ctx: RunnerContext, id: mongoose.Types.ObjectId, attempts: number, err: unknown): Promise<RunOutcome> {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000) || 'unknown error';
  const final = err instanceof PermanentRunError || err instanceof WorkerPermanentError || attempts >= ctx.maxAttempts;
  ctx.logger.warn({ err, runId: String(id), attempts, final }, 'analysis run failed');
  const set = final
    ? { status: 'failed', stage: 'failed', activeKey: String(id), finishedAt: new Date(), leaseOwner: null, leaseUntil: null, error: message }
    : { status: 'queued', stage: 'queued', progress: 0, leaseOwner: null, leaseUntil: null, error: message };
  await AnalysisRunModel.updateOne({ _id: id, leaseOwner: ctx.instanceId }, { $set: set });
  if (final) await dropFences(ctx, id, attempts);
  return { runId: String(id), status: final ? 'failed' : 'queued', attempts, error: message };
}

/** A run that ended for good needs none of its attempts' fences any more. */
async function dropFences(ctx: RunnerContext, id: mongoose.Types.ObjectId, attempts: number): Promise<void> {
  const ids = Array.from({ length: Math.max(attempts, ctx.maxAttempts) }, (_, i) => fenceId(id, i + 1));
  await RunClaimModel.deleteMany({ _id: trusted({ $in: ids }) });
}
