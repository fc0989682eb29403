/**
 * Worker-thread entry: turns a stored analysis result (raw BSON, as read from `analysis_results`)
 * and the respondents' segment values into the dashboard's compact, encoded form. Decoding
 * megabytes of BSON and walking tens of thousands of answers would otherwise block the app's
 * event loop for a few hundred milliseconds right after every run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { joinRawResult } from '../analysis-runs/analysis-run.queries.js';
import { buildRunData } from './dashboard.data.js';
import { encodeRunData } from './dashboard.store.js';
import type { BuildRequest, BuildReply } from './build-protocol.js';

const port = parentPort;
if (!port) throw new Error('build.worker must run in a worker thread');
const req = workerData as BuildRequest;
try {
  const doc = joinRawResult(req.raws);
  const data = buildRunData(req.runId, { _id: req.campaignId, segments: req.segments } as never, doc.result, new Map(req.segmentsOf), doc.codebook);
  const { meta, arrays } = await encodeRunData(data);
  const reply: BuildReply = { type: 'done', meta: new Uint8Array(meta), arrays: new Uint8Array(arrays) };
  port.postMessage(reply);
} catch (err) {
  const reply: BuildReply = { type: 'error', message: err instanceof Error ? err.message : String(err) };
  port.postMessage(reply);
}
