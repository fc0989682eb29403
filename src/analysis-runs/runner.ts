import { randomBytes } from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import type { AnalysisStage } from '../analysis/index.js';
import type { CampaignRecord } from '../campaigns/campaign.model.js';
import { campaignRecord, erasedAtOf } from '../campaigns/campaign.queries.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { loadInput as loadFromDb, type AnalysisInput } from './analysis-input.js';
import { connectedUri } from '../db/connection.js';
import { AnalysisResultModel, AnalysisRunModel, RunClaimModel, type AnalysisRunRecord, type RunStage } from './analysis-run.model.js';
import { ExportCodeIndexModel } from './code-index.js';
import { runInWorker, WorkerAborted, WorkerPermanentError, type WorkerHandle } from './run-in-worker.js';
import { isDuplicateKey } from '../db/mongo.js';

const { trusted } = mongoose;

/** MongoDB's document limit is 16 MiB; keep room for the wrapper fields. */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024 - 64 * 1024;

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

const fenceId = (runId: unknown, attempt: number) => `${String(runId)}#${attempt}`;

export function createRunner(opts: RunnerOptions = {}): Runner {
  const instanceId = opts.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  const writeEvery = opts.progressWriteMs ?? 300;
  const maxAttempts = opts.maxAttempts ?? 3;
  const logger = opts.logger ?? createLogger('silent');
  const load = opts.loadInput ?? loadFromDb;

  let current: Promise<RunOutcome | null> | undefined;
  let stopping = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let handle: WorkerHandle | undefined;

  /** Runs whose instance died on its last allowed attempt: nobody will finish them. */
  async function failExhausted(now: Date): Promise<void> {
    const dead = await AnalysisRunModel.find({ status: 'running', leaseUntil: trusted({ $lt: now }), attempts: trusted({ $gte: maxAttempts }) }, { _id: 1, attempts: 1 }).lean();
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
  async function claim(): Promise<AnalysisRunRecord | null> {
    const now = new Date();
    await failExhausted(now);
    const free: mongoose.QueryFilter<AnalysisRunRecord> = { $or: [{ status: 'queued' }, { status: 'running', leaseUntil: trusted({ $lt: now }) }] };
    const candidates = await AnalysisRunModel.find({ ...free, attempts: trusted({ $lt: maxAttempts }) }, { _id: 1, attempts: 1 }).sort({ createdAt: 1, _id: 1 }).limit(5).lean();
    for (const c of candidates) {
      const attempt = (c.attempts ?? 0) + 1;
      try {
        await RunClaimModel.create({ _id: fenceId(c._id, attempt), owner: instanceId, at: now });
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
            leaseOwner: instanceId,
            leaseUntil: new Date(now.getTime() + leaseMs),
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

  async function execute(run: AnalysisRunRecord): Promise<RunOutcome> {
    const id = run._id;
    const attempts = run.attempts ?? 1;
    const mine = { _id: id, leaseOwner: instanceId };
    let stage: RunStage = 'load';
    let fraction = 0;
    const stages: Array<{ stage: RunStage; at: Date }> = [{ stage: 'load', at: new Date() }];
    let dirty = false;
    let lost = false;
    let lastRenew = Date.now();
    let writing: Promise<void> | undefined;

    const setStage = (s: RunStage, f: number) => {
      if (s !== stage) stages.push({ stage: s, at: new Date() });
      stage = s;
      fraction = f;
      dirty = true;
    };
    // Progress and lease in one small write, at most every `writeEvery` ms, and at least every
    // leaseMs/3 so the lease never runs out while the run is healthy.
    const flush = async (): Promise<void> => {
      if (!dirty && Date.now() - lastRenew < leaseMs / 3) return;
      dirty = false;
      lastRenew = Date.now();
      const res = await AnalysisRunModel.updateOne(mine, { $set: { stage, progress: fraction, stages, leaseUntil: new Date(Date.now() + leaseMs) } });
      if (res.matchedCount === 0 && !lost) {
        lost = true;
        logger.warn({ runId: String(id) }, 'analysis run: lease lost to another instance; stopping');
        handle?.abort('lease lost');
      }
    };
    const timer = setInterval(() => {
      if (!writing) writing = flush().catch((err) => logger.warn({ err }, 'analysis run: progress write failed')).finally(() => (writing = undefined));
    }, writeEvery);

    try {
      const campaign = await campaignRecord(run.campaignId);
      if (!campaign) throw new PermanentRunError('The campaign no longer exists.');
      const loadedAt = new Date();
      const input = await load(campaign);
      if (stopping) throw new WorkerAborted('shutdown');
      setStage('prepare', 0);
      const uri = connectedUri();
      if (!uri) throw new Error('No database connection to store the result with.');
      const store = {
        uri,
        runId: String(id),
        campaignId: String(run.campaignId),
        maxBytes: MAX_RESULT_BYTES,
        codebook: input.options.codebook,
        corrections: input.options.corrections?.length ?? 0,
      };
      handle = runInWorker(
        { answers: input.answers, options: input.options, store },
        (s: AnalysisStage, f: number) => setStage(s === 'done' ? 'requirements' : s, Math.min(f, 0.99)),
        () => setStage('store', 0.99),
      );
      // The worker stores the result itself (analysis_results, export code index); only the
      // small summary comes back here.
      const { stored, threadId } = await handle.done;
      handle = undefined;
      clearInterval(timer);
      await writing;
      if (lost) return { runId: String(id), status: 'lost', attempts };
      await opts.beforeFinish?.();
      // A response erased while this run was under way may be in its result: drop the result and
      // queue the run again, so no stored analysis ever contains an erased answer (privacy/erasure.ts).
      const erasedAt = await erasedAtOf(run.campaignId);
      if (erasedAt && erasedAt.getTime() >= loadedAt.getTime()) {
        await AnalysisResultModel.deleteOne({ _id: id });
        await ExportCodeIndexModel.deleteOne({ _id: id });
        logger.info({ runId: String(id) }, 'analysis run: responses were erased meanwhile; running again');
        return release(id, attempts);
      }
      const bytes = stored.bytes;
      const result = { summary: stored.summary };
      if (stored.codeIndexError) logger.warn({ err: stored.codeIndexError, runId: String(id) }, 'analysis run: export code index not stored');
      const now = new Date();
      stages.push({ stage: 'done', at: now });
      const finished = await AnalysisRunModel.updateOne(mine, {
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
          responses: input.responses,
          answers: result.summary.answers,
          resultBytes: bytes,
          summary: result.summary,
        },
      });
      if (finished.matchedCount === 0) return { runId: String(id), status: 'lost', attempts, threadId };
      await dropFences(id, attempts);
      logger.info({ runId: String(id), answers: result.summary.answers, attempts }, 'analysis run done');
      return { runId: String(id), status: 'done', attempts, threadId };
    } catch (err) {
      handle = undefined;
      clearInterval(timer);
      await writing;
      if (lost) return { runId: String(id), status: 'lost', attempts };
      if (err instanceof WorkerAborted && stopping) return release(id, attempts);
      return fail(id, attempts, err);
    }
  }

  /** Shutdown mid-run: the run goes back to the queue without using up an attempt. */
  async function release(id: mongoose.Types.ObjectId, attempts: number): Promise<RunOutcome> {
    await AnalysisRunModel.updateOne({ _id: id, leaseOwner: instanceId }, { $set: { status: 'queued', stage: 'queued', progress: 0, leaseOwner: null, leaseUntil: null, attempts: attempts - 1 } });
    // The attempt's fence goes too, or the next claim of this attempt number would be refused.
    await RunClaimModel.deleteOne({ _id: fenceId(id, attempts) });
    logger.info({ runId: String(id) }, 'analysis run released at shutdown');
    return { runId: String(id), status: 'released', attempts: attempts - 1 };
  }

  async function fail(id: mongoose.Types.ObjectId, attempts: number, err: unknown): Promise<RunOutcome> {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000) || 'unknown error';
    const final = err instanceof PermanentRunError || err instanceof WorkerPermanentError || attempts >= maxAttempts;
    logger.warn({ err, runId: String(id), attempts, final }, 'analysis run failed');
    const set = final
      ? { status: 'failed', stage: 'failed', activeKey: String(id), finishedAt: new Date(), leaseOwner: null, leaseUntil: null, error: message }
      : { status: 'queued', stage: 'queued', progress: 0, leaseOwner: null, leaseUntil: null, error: message };
    await AnalysisRunModel.updateOne({ _id: id, leaseOwner: instanceId }, { $set: set });
    if (final) await dropFences(id, attempts);
    return { runId: String(id), status: final ? 'failed' : 'queued', attempts, error: message };
  }

  async function dropFences(id: mongoose.Types.ObjectId, attempts: number): Promise<void> {
    const ids = Array.from({ length: Math.max(attempts, maxAttempts) }, (_, i) => fenceId(id, i + 1));
    await RunClaimModel.deleteMany({ _id: trusted({ $in: ids }) });
  }

  async function runOnce(): Promise<RunOutcome | null> {
    if (stopping) return null;
    const run = await claim();
    return run ? execute(run) : null;
  }

  function tracked(): Promise<RunOutcome | null> {
    const p = runOnce().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  }

  return {
    instanceId,
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
          while (!stopping && (await tracked())) {
            /* next */
          }
        } catch (err) {
          logger.warn({ err }, 'analysis runner: poll failed');
        }
        if (!stopping) pollTimer = setTimeout(loop, pollMs).unref();
      };
      pollTimer = setTimeout(loop, pollMs).unref();
    },
    async stop(graceMs = 10_000) {
      stopping = true;
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
        handle?.abort('shutdown');
        await running.catch(() => undefined);
      }
    },
  };
}
