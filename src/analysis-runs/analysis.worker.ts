/**
 * Worker-thread entry: runs the pure engine off the main thread, so the app keeps answering
 * requests during a long analysis, and stores the result from here (its own database
 * connection), so the multi-megabyte result never has to be copied to and encoded on the main
 * thread. Messages to the parent: `progress` (throttled here, the engine calls back often),
 * `storing`, then exactly one `done` (with the small summary) or `error`.
 */
import mongoose from 'mongoose';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { analyze } from '../analysis/index.js';
import { connectDb, disconnectDb } from '../db/connection.js';
import { storeCodeIndex } from './code-index.js';
import { writeResult } from './result-store.js';
import type { WorkerRequest, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('analysis.worker must run in a worker thread');
const send = (m: WorkerMessage) => port.postMessage(m);
const { answers, options, store } = workerData as WorkerRequest;

let lastStage = '';
let lastFraction = -1;

async function main(): Promise<void> {
  const result = analyze(answers, {
    ...options,
    onProgress: (stage, fraction) => {
      // A new stage always; within a stage only every whole percent.
      if (stage === lastStage && fraction - lastFraction < 0.01) return;
      lastStage = stage;
      lastFraction = fraction;
      send({ type: 'progress', stage, fraction });
    },
  });
  send({ type: 'storing' });
  const _id = new mongoose.Types.ObjectId(store.runId);
  const campaignId = new mongoose.Types.ObjectId(store.campaignId);
  // How many theme-board corrections the run was given (0 too: the method note counts them), and with
  // a campaign codebook, the one the run used (renamed/merged/new codes) beside it.
  const board = { corrections: store.corrections, ...(store.codebook ? { codebook: store.codebook } : {}) };
  await connectDb(store.uri);
  try {
    // Split over several documents when the answer list is large (result-store.ts: 16 MB limit).
    const bytes = await writeResult({ _id, campaignId, result, ...board }, store.partBytes);
    // Compact per-answer codes for streamed exports (src/exports/code-index.ts); rebuilt on demand if this fails.
    const codeIndexError = await storeCodeIndex(_id, campaignId, result, { codebook: store.codebook }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    send({ type: 'done', stored: { summary: result.summary, bytes, codeIndexError }, threadId });
  } finally {
    await disconnectDb().catch(() => undefined);
  }
}

main().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err), threadId }));
