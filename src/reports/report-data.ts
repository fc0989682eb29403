import mongoose from 'mongoose';
import { AnalysisResultModel, AnalysisRunModel, type AnalysisRunRecord } from '../analysis-runs/analysis-run.model.js';
import { toRunView, type RunView } from '../analysis-runs/analysis-run.service.js';
import type { AnalysisResult, Codebook } from '../analysis/index.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { ResponseModel } from '../responses/response.model.js';
import { DEFAULT_MIN_GROUP_SIZE, LANGUAGE_DIMENSION, planDimensions, planFor, thresholdOf, type DisclosurePlan } from '../shared/anonymity.js';

/** The newest finished run of a campaign (small document; no result). */
export async function latestDoneRun(campaignId: mongoose.Types.ObjectId): Promise<RunView | null> {
  const doc = await AnalysisRunModel.findOne({ campaignId, status: 'done' }).sort({ finishedAt: -1, createdAt: -1, _id: -1 }).lean<AnalysisRunRecord>();
  return doc ? toRunView(doc) : null;
}

export interface LatestAnalysis {
  run: RunView;
  result: AnalysisResult;
  /** The campaign codebook the run used when the theme board had corrections (renamed and new codes). */
  codebook?: Codebook;
  /** How many theme-board corrections the run was given. */
  corrections: number;
}

/** The newest finished run and its stored result, or null when the campaign was never analysed. */
export async function latestAnalysis(campaignId: mongoose.Types.ObjectId): Promise<LatestAnalysis | null> {
  const run = await latestDoneRun(campaignId);
  if (!run) return null;
  const doc = await AnalysisResultModel.collection.findOne<{ result: AnalysisResult; codebook?: Codebook; corrections?: number }>({ _id: new mongoose.Types.ObjectId(run.id) });
  return doc ? { run, result: doc.result, codebook: doc.codebook ?? undefined, corrections: doc.corrections ?? 0 } : null;
}

/**
 * Segment values of a campaign's respondents and the anonymity plan over them
 * (src/shared/anonymity.ts), for reports and exports. Responses with the same combination of
 * values share ONE object, so 100,000 responses of a few departments cost a few objects plus an
 * array of references, not 100,000 maps.
 *
 * Which population: a report or an analysis export shows what ONE analysis run found, so its plan
 * is made over the respondents of that run that still exist (`run`: respondent → language of
 * their answers) — the same people, dimensions and threshold as the dashboard of that run, hence
 * the same offered values. Without `run`, the plan covers every submitted response now (the
 * answer pages and the API list live responses).
 */
export interface SegmentContext {
  /** Response id → its segment values (shared objects; do not mutate). Empty with `keepIds: false`. */
  byResponse: Map<string, Record<string, string>>;
  /** The anonymity plan: which segment values may be offered as filters, breakdowns or attributions. */
  plan: DisclosurePlan;
  /** What may be shown next to one answer: the plan's offered values (everything in identified campaigns). */
  shown: (segments: Record<string, string>) => Record<string, string>;
  anonymous: boolean;
  minGroupSize: number;
}

function plainSegments(value: unknown): Record<string, string> {
  if (!value) return {};
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
  return Object.fromEntries(entries.filter(([, v]) => typeof v === 'string' && v !== '') as Array<[string, string]>);
}

/** Respondent → the language of their answers, for the respondents of a run's result. */
export function runRespondents(result: Pick<AnalysisResult, 'answers'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of result.answers) {
    const who = a.respondent ?? responseIdOf(a.id);
    if (!out.has(who)) out.set(who, String(a.lang ?? ''));
  }
  return out;
}

export async function segmentContext(
  campaign: Pick<Campaign, '_id' | 'anonymity' | 'minGroupSize' | 'segments'>,
  opts: { keepIds?: boolean; run?: ReadonlyMap<string, string> } = {},
): Promise<SegmentContext> {
  const keepIds = opts.keepIds ?? true;
  const minGroupSize = thresholdOf(campaign.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE);
  const anonymous = campaign.anonymity !== 'identified';
  const shared = new Map<string, Record<string, string>>();
  const byResponse = new Map<string, Record<string, string>>();
  const population: Array<Record<string, string>> = [];
  const cursor = ResponseModel.find({ campaignId: campaign._id }, { segments: 1, lang: 1 }).lean<{ _id: string; segments?: unknown; lang?: string }>().cursor({ batchSize: 1000 });
  for await (const row of cursor) {
    const id = String(row._id);
    const runLang = opts.run ? opts.run.get(id) : row.lang;
    if (opts.run && runLang === undefined) continue;
    const segs = plainSegments(row.segments);
    const key = JSON.stringify(Object.entries(segs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let obj = shared.get(key);
    if (!obj) shared.set(key, (obj = segs));
    if (keepIds) byResponse.set(id, obj);
    population.push(runLang ? { ...obj, [LANGUAGE_DIMENSION]: runLang } : obj);
  }
  const plan = planFor(population, planDimensions(campaign), minGroupSize);
  population.length = 0;
  // The plan's answer depends only on the combination: cache it per shared object.
  const cache = new WeakMap<Record<string, string>, Record<string, string>>();
  const shown = anonymous
    ? (segments: Record<string, string>) => {
        let out = cache.get(segments);
        if (!out) cache.set(segments, (out = plan.visible(segments)));
        return out;
      }
    : (segments: Record<string, string>) => segments;
  return { byResponse, plan, shown, anonymous, minGroupSize };
}

/** `abc:q3` → `abc` (the engine's answer ids are `<responseId>:<questionKey>`). */
export function responseIdOf(answerId: string): string {
  const i = answerId.lastIndexOf(':');
  return i < 0 ? answerId : answerId.slice(0, i);
}

/** A file name from the campaign title: ASCII only, so the Content-Disposition header needs no encoding. */
export function fileBase(campaign: Pick<Campaign, 'title'>): string {
  const slug = campaign.title
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .toLowerCase();
  return slug || 'campaign';
}
