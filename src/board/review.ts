import type { ChallengeType } from '../analysis/index.js';
import { loadInput } from '../analysis-runs/analysis-input.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { startModuleWorker } from '../shared/worker-thread.js';
import type { Board } from './board.service.js';

/**
 * "Review next" on the theme board (issue 13, the lead in the loop): the answers whose coding is
 * least certain come first, and every correction retrains the coder before the next suggestion.
 *
 * The queue is computed by the engine itself, with exactly the input the next analysis run would
 * get (the campaign's answers and the board's corrections as training data), in a worker thread.
 * It is cached per campaign and set of corrections: a new correction changes the key, so the
 * next suggestion always comes from a coder that has learnt from everything corrected so far.
 */

export interface ReviewCoding {
  id: string;
  uncertainty: number;
  codes: string[];
  type?: ChallengeType;
}

export interface ReviewQueue {
  /** Uncorrected answers of coded questions, least certain first. */
  items: ReviewCoding[];
  /** Answers the lead has corrected or confirmed, and all answers of coded questions. */
  reviewed: number;
  total: number;
}

const cache = new Map<string, { key: string; queue: Promise<ReviewCoding[]> }>();

function codeInWorker(input: Awaited<ReturnType<typeof loadInput>>): Promise<ReviewCoding[]> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, 'review.worker', { workerData: { answers: input.answers, options: input.options } });
    worker.once('message', (m: { ok: boolean; coded?: ReviewCoding[]; message?: string }) => {
      void worker.terminate();
      if (m.ok && m.coded) resolve(m.coded);
      else reject(new Error(`review coding failed: ${m.message ?? 'unknown'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`review worker exited with ${code}`));
    });
  });
}

/** The review queue of a campaign's board (corrected answers left out). */
export async function reviewQueue(campaign: Campaign, board: Board): Promise<ReviewQueue> {
  const id = String(campaign._id);
  // The corrections (ids in order) and the run decide the coding: same key, same queue.
  const key = `${board.run?.id ?? ''}|${board.history.map((h) => h.id).join(',')}`;
  let entry = cache.get(id);
  if (!entry || entry.key !== key) {
    const queue = loadInput(campaign).then(codeInWorker);
    entry = { key, queue };
    cache.set(id, entry);
    queue.catch(() => cache.delete(id));
  }
  const coded = await entry.queue;
  const coding = new Set<string>();
  const corrected = new Set<string>();
  for (const q of board.questions) {
    if (!q.output) continue;
    for (const a of q.answers) {
      coding.add(a.id);
      if (a.corrected) corrected.add(a.id);
    }
  }
  const items = coded.filter((c) => coding.has(c.id) && !corrected.has(c.id)).sort((a, b) => b.uncertainty - a.uncertainty || (a.id < b.id ? -1 : 1));
  return { items, reviewed: corrected.size, total: coding.size };
}

/** Tests: forget cached queues. */
export function forgetReviewQueues(): void {
  cache.clear();
}
