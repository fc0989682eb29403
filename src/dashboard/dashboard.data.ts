import mongoose from 'mongoose';
import type { AnalysisResult, Codebook, QuestionRole, Requirement } from '../analysis/index.js';
import { rawStoredAnalysis } from '../analysis-runs/analysis-run.queries.js';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { streamResponses } from '../responses/response.queries.js';
import { buildInWorker } from './build-in-worker.js';
import { DashboardRunModel, decodeRunData, loadStoredRunData, saveEncoded } from './dashboard.store.js';
import { codeKey, ROLES, TYPE_CODES, type CodeField, type CodeRef, type Dimension, type RunData } from './types.js';

// Re-exported for the feature's callers (routes, worker, tests) that know dashboard.data as the entry.
export { codeKey, ROLES, TYPE_CODES, type CodeField, type CodeRef, type Dimension, type RunData } from './types.js';

/**
 * The immutable, compact form of one analysis run that every dashboard request filters.
 *
 * A stored result of a 5,000-respondent campaign is ~20,000 answer objects; reading it from the
 * database and walking objects per request would cost far more than the 300 ms budget. So each
 * run is turned ONCE into typed arrays (one slot per answer / respondent, codes as small integers)
 * and kept in memory keyed by run id: a run's result never changes, so the cache never needs
 * invalidating (it is only bounded in size). A filter is then a byte mask over respondents and
 * every chart one pass over the answer arrays.
 *
 * Segment values are not part of the engine's result, so they are read from the campaign's
 * responses once per run (one `{campaignId}` query) when the run is first opened. Quotes are NOT
 * cached: the drill-down reads the few answers of one page by `_id`, so a response deleted after
 * the run (a privacy request) never shows up as a quote again.
 */


type SegmentsRow = { _id: string; segments?: Record<string, string> };

/** Builds the compact arrays from a stored result and the respondents' segment values. */
export function buildRunData(
  runId: string,
  campaign: Pick<Campaign, '_id' | 'segments'>,
  result: AnalysisResult,
  segmentsOf: ReadonlyMap<string, Record<string, string>>,
  codebook?: Codebook,
): RunData {
  const started = performance.now();
  const respondentIndex = new Map<string, number>();
  const respondents: string[] = [];
  const respLang: string[] = [];
  const n = result.answers.length;
  const aResp = new Int32Array(n);
  const aRole = new Uint8Array(n);
  const aType = new Uint8Array(n);
  const aCluster = new Int32Array(n).fill(-1);
  const aId: string[] = new Array<string>(n);
  const codeStart = new Int32Array(n + 1);
  const codeList: number[] = [];
  const codeRefs: CodeRef[] = [];
  const codeIndex = new Map<string, number>();
  const clusterIds = result.clusters.map((c) => c.id);
  const clusterIndex = new Map(clusterIds.map((id, i) => [id, i]));
  const answerIndex = new Map<string, number>();
  const codeNo = (role: QuestionRole, field: CodeField, id: string) => {
    const key = codeKey(role, field, id);
    let no = codeIndex.get(key);
    if (no === undefined) {
      no = codeRefs.length;
      codeRefs.push({ role, field, id });
      codeIndex.set(key, no);
    }
    return no;
  };

  result.answers.forEach((a, i) => {
    // The respondent is the response `_id`; answers without one count as their own respondent.
    const who = a.respondent ?? (a.id.includes(':') ? a.id.slice(0, a.id.lastIndexOf(':')) : a.id);
    let r = respondentIndex.get(who);
    if (r === undefined) {
      r = respondents.length;
      respondents.push(who);
      respLang.push(String(a.lang ?? ''));
      respondentIndex.set(who, r);
    }
    aResp[i] = r;
    const role = ROLES.includes(a.role) ? a.role : 'custom';
    aRole[i] = ROLES.indexOf(role);
    aType[i] = a.challenge_type ? TYPE_CODES[a.challenge_type] ?? 0 : 0;
    if (a.cluster !== undefined) aCluster[i] = clusterIndex.get(a.cluster) ?? -1;
    aId[i] = a.id;
    answerIndex.set(a.id, i);
    codeStart[i] = codeList.length;
    for (const field of ['channels', 'themes', 'features'] as const) for (const id of a[field] ?? []) codeList.push(codeNo(role, field, id));
  });
  codeStart[n] = codeList.length;

  const dims: Dimension[] = [];
  for (const s of campaign.segments ?? []) {
    const values = s.options.map((o) => o.key);
    const idx = new Int16Array(respondents.length).fill(-1);
    respondents.forEach((who, r) => {
      const v = segmentsOf.get(who)?.[s.key];
      if (typeof v !== 'string' || !v) return;
      let k = values.indexOf(v);
      if (k < 0) k = values.push(v) - 1;
      idx[r] = k;
    });
    dims.push({ key: s.key, values, idx });
  }
  const languages: string[] = [];
  const langIdx = new Int16Array(respondents.length).fill(-1);
  respLang.forEach((l, r) => {
    if (!l) return;
    let k = languages.indexOf(l);
    if (k < 0) k = languages.push(l) - 1;
    langIdx[r] = k;
  });
  languages.sort();
  // Re-number after sorting so the filter shows languages alphabetically.
  respLang.forEach((l, r) => (langIdx[r] = l ? languages.indexOf(l) : -1));
  dims.push({ key: 'language', values: languages, idx: langIdx });

  return {
    runId,
    campaignId: String(campaign._id),
    result: { summary: result.summary, clusters: result.clusters, requirements: result.requirements },
    respondents,
    dims,
    aResp,
    aRole,
    aType,
    aCluster,
    aId,
    codeStart,
    codes: Int32Array.from(codeList),
    codeRefs,
    codeIndex,
    clusterIds,
    answerIndex,
    codebook: codebookLookup(codebook),
    buildMs: performance.now() - started,
  };
}

function codebookLookup(codebook?: Codebook): RunData['codebook'] {
  const out: RunData['codebook'] = { names: {}, types: {}, cues: {} };
  for (const g of codebook?.groups ?? [])
    for (const c of g.codes) {
      out.names[c.id] = c.name;
      if (c.type) out.types[c.id] = c.type;
      out.cues[c.id] = [...(c.cues ?? []), ...(c.weakCues ?? [])];
    }
  return out;
}

/** Reads the respondents' segment values (one `{campaignId}` query, segments only). */
export async function loadSegments(campaignId: mongoose.Types.ObjectId): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for await (const row of streamResponses<SegmentsRow>(campaignId, { segments: 1 })) out.set(String(row._id), { ...(row.segments ?? {}) });
  return out;
}

/** Bounded map of built runs (a run's data never changes; only the oldest entries are dropped). */
const MAX_RUNS = 8;
const cache = new Map<string, Promise<RunData>>();

/** The compact data of a finished run, built on first use and then served from memory. */
export function runData(runId: string, campaign: Pick<Campaign, '_id' | 'segments'>): Promise<RunData> {
  const hit = cache.get(runId);
  if (hit) {
    // Refresh its place in the LRU order.
    cache.delete(runId);
    cache.set(runId, hit);
    return hit;
  }
  const loading = (async () => {
    // Built before (by this or another instance): one `_id` read of the compact form.
    const stored = await loadStoredRunData(runId, String(campaign._id)).catch(() => null);
    if (stored) return stored;
    // The full result is read as raw BSON and decoded, with the build, in a worker thread:
    // parsing megabytes of nested answers would block the event loop for hundreds of ms.
    const [raw, segments] = await Promise.all([
      rawStoredAnalysis(runId),
      loadSegments(campaign._id),
    ]);
    if (!raw) throw new Error(`analysis result ${runId} is missing`);
    const { meta, arrays } = await buildInWorker({
      runId,
      campaignId: String(campaign._id),
      segments: JSON.parse(JSON.stringify(campaign.segments ?? [])) as Campaign['segments'],
      segmentsOf: [...segments],
      // Copies of our own: the driver's buffers may be slices of larger ones (not transferable).
      raws: raw.map((r) => new Uint8Array(r)),
    });
    // Persist for restarts and other instances; a failed write only costs the next cold start.
    await saveEncoded(runId, String(campaign._id), meta, arrays).catch(() => undefined);
    return decodeRunData(runId, String(campaign._id), meta, arrays);
  })();
  cache.set(runId, loading);
  // A failed load is not cached: the next request tries again.
  loading.catch(() => cache.delete(runId));
  while (cache.size > MAX_RUNS) cache.delete(cache.keys().next().value as string);
  return loading;
}

/**
 * Builds a finished run's data in the background (the progress stream and the runs page call
 * this when they see a run done), so the lead's first dashboard view after a run is served
 * warm. Failures are ignored here: the dashboard request itself reports them.
 */
export function warmRunData(campaignId: string, runId: string): void {
  if (cache.has(runId)) return;
  getCampaign(campaignId)
    .then((campaign) => runData(runId, campaign))
    .catch(() => undefined);
}

/** Drops the dashboard data of runs whose results were dropped (an erasure): stored and in memory. */
export async function forgetRuns(campaignId: mongoose.Types.ObjectId, runIds: readonly string[]): Promise<void> {
  for (const id of runIds) cache.delete(id);
  await DashboardRunModel.deleteMany({ campaignId });
}

/** Retention: the stored dashboard data of every run of a campaign (its runs are gone: the cache is unreachable). */
export async function forgetCampaignDashboards(campaignId: mongoose.Types.ObjectId): Promise<void> {
  await DashboardRunModel.deleteMany({ campaignId });
}

/** Tests and benchmarks: start from a cold cache. */
export function forgetRunData(): void {
  cache.clear();
}
