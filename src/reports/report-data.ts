import mongoose from 'mongoose';
import { latestDoneRun, storedAnalysis } from '../analysis-runs/analysis-run.queries.js';
import type { RunView } from '../analysis-runs/analysis-run.service.js';
import type { AnalysisResult, Codebook, Requirement, RequirementEvidence } from '../analysis/index.js';
import { listCorrections } from '../board/board-overrides.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { responsesByIds, streamResponses } from '../responses/response.queries.js';
import { evidenceKey } from './report-curation.js';
import { DEFAULT_MIN_GROUP_SIZE, LANGUAGE_DIMENSION, planDimensions, planFor, thresholdOf, type DisclosurePlan } from '../shared/anonymity.js';
import { entriesOf, plainRecord } from '../db/mongo.js';

export { latestDoneRun };

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
  const stored = await storedAnalysis(run.id);
  return stored ? { run, ...stored } : null;
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
  return Object.fromEntries(entriesOf(value).filter(([, v]) => typeof v === 'string' && v !== '') as Array<[string, string]>);
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
  for await (const row of streamResponses<{ _id: string; segments?: unknown; lang?: string }>(campaign._id, { segments: 1, lang: 1 })) {
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

/**
 * Theme-board corrections as the board's history lists them (one per lead action, src/board):
 * those made before the run started (the run was given them) and those made since (the next run
 * gets them). The method note states these, not the number of training examples they became.
 */
export async function boardCorrectionCounts(campaignId: mongoose.Types.ObjectId, run: Pick<RunView, 'startedAt' | 'createdAt'>): Promise<{ applied: number; pending: number }> {
  const corrections = await listCorrections(campaignId);
  const start = (run.startedAt ?? run.createdAt).getTime();
  let applied = 0;
  for (const c of corrections) if (new Date(c.createdAt).getTime() <= start) applied += 1;
  return { applied, pending: corrections.length - applied };
}

interface LinkAnswer {
  text?: string;
  mode?: string;
  mediaId?: string;
  cues?: Array<{ start?: number; text?: string }>;
}

/** The second of a recording where an evidence sentence is said: by its offset, else by its words. */
export function secondsOf(answer: LinkAnswer, e: Pick<RequirementEvidence, 'quote' | 'start'>): number | undefined {
  const cues = (answer.cues ?? []).filter((c): c is { start: number; text: string } => typeof c.start === 'number' && typeof c.text === 'string');
  if (!cues.length) return undefined;
  const round = (s: number) => Math.floor(s * 10) / 10;
  // The transcript is the cues' texts joined by spaces (src/media/subtitles.ts) unless edited later.
  if (typeof e.start === 'number' && (answer.text ?? '') === cues.map((c) => c.text).join(' ')) {
    let at = 0;
    for (const c of cues) {
      if (e.start < at + c.text.length + 1) return round(c.start);
      at += c.text.length + 1;
    }
  }
  const words = e.quote.replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 24);
  const hit = words ? cues.find((c) => c.text.replace(/\s+/g, ' ').toLowerCase().includes(words)) : undefined;
  return round((hit ?? cues[0]).start);
}

/**
 * Links from evidence quotes to their answers, for leads (never for stakeholders or share links):
 * the lead's response page, opened at the question, and for a recording at the second where the
 * sentence is said (`?t=`, the response page starts the player there).
 */
export async function evidenceLinks(campaign: Pick<Campaign, '_id' | 'questions'>, requirements: readonly Requirement[]): Promise<Map<string, { href: string; seconds?: number }>> {
  const all = requirements.flatMap((r) => r.evidence);
  const rids = [...new Set(all.map((e) => responseIdOf(e.id)))];
  const out = new Map<string, { href: string; seconds?: number }>();
  if (!rids.length) return out;
  const fields: Record<string, 1> = {};
  for (const q of campaign.questions ?? []) for (const f of ['text', 'mode', 'mediaId', 'cues']) fields[`answers.${q.key}.${f}`] = 1;
  const byId = await responsesByIds<{ _id: string; answers?: unknown }>(rids, fields, campaign._id);
  const base = `/lead/campaigns/${String(campaign._id)}/responses`;
  for (const e of all) {
    const rid = responseIdOf(e.id);
    const row = byId.get(rid);
    if (!row) continue;
    const key = e.id.slice(rid.length + 1);
    const answers = plainRecord(row.answers as Record<string, unknown> | undefined);
    const answer = (answers[key] ?? {}) as LinkAnswer;
    const video = answer.mode === 'video' || Boolean(answer.mediaId);
    const seconds = video ? secondsOf(answer, e) : undefined;
    const query = `q=${encodeURIComponent(key)}${seconds !== undefined ? `&t=${seconds}` : ''}`;
    out.set(evidenceKey(e), { href: `${base}/${encodeURIComponent(rid)}?${query}#answer-${encodeURIComponent(key)}`, ...(seconds !== undefined ? { seconds } : {}) });
  }
  return out;
}
