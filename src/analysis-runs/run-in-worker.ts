import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnalysisStage } from '../analysis/index.js';
import type { StoredResult, WorkerMessage, WorkerRequest } from './worker-protocol.js';

/**
 * Where the worker's code is. From `dist/` it is the compiled `analysis.worker.js` next to this
 * file. Under tsx (tests, `tsx src/server.ts`) this file is `.ts`, and Node 20 does not apply
 * loader hooks given as a worker's `execArgv` (`--import tsx`) to the worker's entry module
 * (ERR_UNKNOWN_FILE_EXTENSION, tried) — so the worker starts from a one-line ESM bootstrap that
 * registers tsx in the worker first, then imports the `.ts` entry.
 */
function workerFor(data: WorkerRequest): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL('./analysis.worker.js', import.meta.url), { workerData: data });
  const entry = new URL('./analysis.worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

/**
 * URL of tsx's ESM register API, from its package.json `exports` (import condition).
 * `import.meta.resolve` is not usable here: mocha loads this file through tsx's CommonJS
 * transform, where it does not exist; `require.resolve` would pick the CommonJS build, whose
 * `register()` fails when imported as ESM.
 */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}

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
  const worker = workerFor(data);
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
