/**
 * Worker-thread entry for "review next" (src/board/review.ts): codes the campaign's answers with
 * the board's corrections (the engine retrains on them), without clustering, and posts back each
 * answer's uncertainty and codes. Off the main thread: retraining and coding a few thousand
 * answers takes seconds, and the app must keep answering meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyze, type AnalysisAnswer, type AnalyzeOptions } from '../analysis/index.js';
import type { ReviewCoding } from './review.js';

const port = parentPort;
if (!port) throw new Error('review.worker must run in a worker thread');
const { answers, options } = workerData as { answers: AnalysisAnswer[]; options: AnalyzeOptions };
try {
  const result = analyze(answers, { ...options, skipClustering: true });
  const coded: ReviewCoding[] = result.answers.map((a) => ({
    id: a.id,
    uncertainty: a.uncertainty ?? 0,
    codes: a.channels ?? a.themes ?? a.features ?? [],
    ...(a.challenge_type ? { type: a.challenge_type } : {}),
  }));
  port.postMessage({ ok: true, coded });
} catch (err) {
  port.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
