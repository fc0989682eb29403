import { startModuleWorker } from '../shared/worker-thread.js';
import type { AnalysisStage } from '../analysis/index.js';
import type { StoredResult, WorkerMessage, WorkerRequest } from './worker-protocol.js';

export interface WorkerHandle {
  /** Resolves once the worker stored the result (with its summary and the worker's threadId); rejects with the engine's message. */
  done: Promise<{ stored: StoredResult; threadId: number }>;
  /** Stops the worker (shutdown, or the lease was lost); `done` then rejects. */
  abort(reason: string): void;
}

export class WorkerAborted extends Error {}

/** The worker refused the result for good (too big for one document): retrying cannot help. */
export class WorkerPermanentError extends Error {}

/**
 * Runs `analyze(answers, options)` in a new worker thread, which also stores the result;
 * progress arrives via `onProgress`, `onStoring` when the engine is done and the write begins.
 */
export function runInWorker(data: WorkerRequest, onProgress: (stage: AnalysisStage, fraction: number) => void, onStoring: () => void = () => undefined): WorkerHandle {
  // One run per worker thread (src/analysis-runs/analysis.worker.ts).
  const worker = startModuleWorker(import.meta.url, 'analysis.worker', { workerData: data });
  let aborted: string | undefined;
  const done = new Promise<{ stored: StoredResult; threadId: number }>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      // One run per worker: the thread is not reused, so a crashed engine cannot leak state.
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.stage, m.fraction);
      else if (m.type === 'storing') onStoring();
      else if (m.type === 'done') settle(() => resolve({ stored: m.stored, threadId: m.threadId }));
      else settle(() => reject(m.permanent ? new WorkerPermanentError(m.message) : new Error(m.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(aborted !== undefined ? new WorkerAborted(aborted) : new Error(`analysis worker exited with code ${code}`))));
  });
  return {
    done,
    abort(reason) {
      aborted = reason;
      void worker.terminate();
    },
  };
}
