import { getRun, type RunView } from '../analysis-runs/analysis-run.service.js';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { isClosed } from '../campaigns/question-types.js';
import { streamResponses } from '../responses/response.queries.js';
import { buildClosedData, type ClosedAnswerRow, type ClosedData } from './closed-figures.js';

/**
 * The closed questions' answers of the population a dashboard run stands for (closed-figures.ts):
 * the responses submitted up to the moment the run had loaded its answers. Read in ONE pass
 * over the campaign's responses (only the closed questions' fields) and built once per run:
 * that population never changes but by an erasure, which changes the campaign's `erasedAt` —
 * part of the key, so erased responses are never counted again. Kept in memory (the newest
 * MAX_ENTRIES); measured on FerretDB/SQLite: ~3.3 s to read 10,000 responses, then 10–20 ms for
 * all figures and 6–22 ms for a comparison, so only the first view of a run pays the read.
 * `warmClosedData` reads it when a run finishes. Without a run (`ttlMs`) the entry is re-read
 * after that time.
 */

const MAX_ENTRIES = 8;
const cache = new Map<string, { at: number; data: Promise<ClosedData> }>();

/** When the run had read its input: the `prepare` stage follows the load; else its start, else its creation. */
export function runCutoff(run: Pick<RunView, 'stages' | 'startedAt' | 'finishedAt' | 'createdAt'>): Date {
  const prepared = run.stages?.find((s) => s.stage === 'prepare')?.at;
  return new Date(prepared ?? run.startedAt ?? run.finishedAt ?? run.createdAt);
}

type Row = { _id: string; lang?: string; segments?: Record<string, string>; submittedAt?: Date; answers?: ClosedAnswerRow['answers'] };

async function load(campaign: Pick<Campaign, '_id' | 'questions' | 'segments'>, cutoff: Date): Promise<ClosedData> {
  const closed = campaign.questions.filter((q) => isClosed(q));
  const fields: Record<string, 1> = { lang: 1, segments: 1, submittedAt: 1 };
  for (const q of closed) Object.assign(fields, { [`answers.${q.key}.value`]: 1, [`answers.${q.key}.choices`]: 1, [`answers.${q.key}.ranking`]: 1 });
  const rows: ClosedAnswerRow[] = [];
  for await (const r of streamResponses<Row>(campaign._id, fields)) {
    if (r.submittedAt && new Date(r.submittedAt).getTime() > cutoff.getTime()) continue;
    rows.push({ id: String(r._id), lang: String(r.lang ?? ''), segments: { ...(r.segments ?? {}) }, answers: r.answers ?? {} });
  }
  // A stable order whatever the database returns (the plan does not depend on it; tests do).
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return buildClosedData(campaign, rows);
}

/** The closed answers behind a run's dashboard, or null when the campaign has no closed question. */
export function closedDataOf(
  campaign: Pick<Campaign, '_id' | 'questions' | 'segments' | 'erasedAt'>,
  run: Pick<RunView, 'id' | 'stages' | 'startedAt' | 'finishedAt' | 'createdAt'>,
  ttlMs = Infinity,
): Promise<ClosedData> | null {
  if (!campaign.questions.some((q) => isClosed(q))) return null;
  const key = `${run.id}|${campaign.erasedAt ? new Date(campaign.erasedAt).getTime() : 0}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < ttlMs) {
    // Newest used last: the oldest entries are the ones dropped.
    cache.delete(key);
    cache.set(key, hit);
    return hit.data;
  }
  const data = load(campaign, runCutoff(run));
  cache.set(key, { at: now, data });
  data.catch(() => cache.delete(key));
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return data;
}

/**
 * Reads a finished run's closed answers in the background (app.ts calls this when a run is seen
 * done, beside the run's compact data), so the lead's first dashboard view after a run is served
 * warm. Failures are ignored here: the dashboard request itself reports them.
 */
export function warmClosedData(campaignId: string, runId: string): void {
  getCampaign(campaignId)
    .then(async (campaign) => closedDataOf(campaign, await getRun(campaign._id, runId)))
    .catch(() => undefined);
}

/** Tests: start from a cold cache. */
export function forgetClosedData(): void {
  cache.clear();
}
