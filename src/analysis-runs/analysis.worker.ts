/**
 * Worker-thread entry: runs the pure engine off the main thread, so the app keeps answering
 * requests during a long analysis. Messages to the parent: `progress` (throttled here, the engine
 * calls back often), then exactly one `done` or `error`.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { analyze } from '../analysis/index.js';
import type { WorkerRequest, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('analysis.worker must run in a worker thread');
const send = (m: WorkerMessage) => port.postMessage(m);
const { answers, options } = workerData as WorkerRequest;

let lastStage = '';
let lastFraction = -1;
try {
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
  send({ type: 'done', result, threadId });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err), threadId });
}
