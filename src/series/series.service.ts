import mongoose from 'mongoose';
import { BUILTIN_CODEBOOK, type QuestionRole } from '../analysis/index.js';
import { latestDoneRun } from '../analysis-runs/analysis-run.queries.js';
import type { CurrentUser } from '../auth/auth.service.js';
import { relationTo, visibleCampaignsFilter } from '../campaigns/campaign.access.js';
import { getCampaign, listCampaigns, type Campaign } from '../campaigns/campaign.service.js';
import { runData, type RunData } from '../dashboard/dashboard.data.js';
import { codeName, minGroupOf, planOfRun } from '../dashboard/dashboard.service.js';
import { entriesOf, isDuplicateKey } from '../db/mongo.js';
import { AppError } from '../shared/errors.js';
import { pick as pickText, type Lang } from '../shared/i18n/index.js';
import { parseObjectId } from '../shared/ids.js';
import { SeriesMemberModel, SeriesModel, type SeriesMemberRecord, type SeriesRecord } from './series.model.js';
import { streamResponses } from '../responses/response.queries.js';
import {
  changesBetween,
  figuresOf,
  movers,
  scaleChanges,
  scaleRows,
  trendRows,
  type CampaignFigures,
  type ScaleCampaign,
  type ScaleChange,
  type ScaleRow,
  type ScaleStats,
  type TrendCampaign,
  type TrendChange,
  type TrendRow,
} from './trend.js';

/**
 * Campaign series (issue 17, item 3): linking and unlinking campaigns, and the trend over a
 * series' campaigns from each one's current analysis (the newest finished run, as the report).
 *
 * Access: linking needs edit rights (lead or admin) on BOTH campaigns; a reader of the trend sees
 * figures only of the campaigns they may read themselves (the others are counted, not named).
 * Anonymity: a campaign's figures appear only when its run's disclosure plan shows anything at
 * all (at least its minimum group of respondents, src/shared/anonymity.ts) — the dashboard's
 * rule. The trend breaks nothing down by segment, so no two cells differ by a subgroup.
 */

const BUILTIN_CODES: ReadonlySet<string> = new Set(BUILTIN_CODEBOOK.groups.flatMap((g) => g.codes.map((c) => c.id)));

/** A series error the lead's form shows next to a field (message key `series.error.*`). */
function formError(status: number, field: string, key: string): AppError {
  return new AppError(status, 'series_link', key, { fields: { [field]: key } });
}

const canEdit = (user: CurrentUser, campaign: Campaign) => ['lead', 'admin'].includes(relationTo(user, campaign));

/** When a campaign took place, for the series order: opened, else created. */
function whenOf(c: Campaign): number {
  const at = c.openedAt ?? (c as { createdAt?: Date }).createdAt;
  return at ? new Date(at).getTime() : 0;
}

export interface SeriesMember {
  campaign: Campaign;
  /** What the lead called it in the series; empty: use the title. */
  label: string;
}

export interface SeriesView {
  id: string;
  name: string;
  /** Members in chronological order (campaigns since deleted are left out). */
  members: SeriesMember[];
}

/** The series a campaign belongs to, or null. */
export async function seriesOf(campaignId: mongoose.Types.ObjectId): Promise<SeriesView | null> {
  const me = await SeriesMemberModel.findById(campaignId).lean<SeriesMemberRecord>();
  if (!me) return null;
  const [series, rows] = await Promise.all([
    SeriesModel.findById(me.seriesId).lean<SeriesRecord>(),
    SeriesMemberModel.find({ seriesId: me.seriesId }).lean<SeriesMemberRecord[]>(),
  ]);
  if (!series) return null;
  const members: SeriesMember[] = [];
  for (const row of rows) {
    const campaign = await getCampaign(String(row._id)).catch(() => null);
    if (campaign) members.push({ campaign, label: row.label ?? '' });
  }
  members.sort((a, b) => whenOf(a.campaign) - whenOf(b.campaign) || (String(a.campaign._id) < String(b.campaign._id) ? -1 : 1));
  return { id: String(series._id), name: series.name ?? '', members };
}

export const labelOf = (m: SeriesMember) => m.label || m.campaign.title;

/** Campaigns the user may edit that could be linked to `current` (not already in its series). */
export async function linkCandidates(user: CurrentUser, current: Campaign, series: SeriesView | null): Promise<Campaign[]> {
  const inSeries = new Set((series?.members ?? []).map((m) => String(m.campaign._id)));
  inSeries.add(String(current._id));
  const all = await listCampaigns({ limit: 200, skip: 0 }, visibleCampaignsFilter(user));
  return all.filter((c) => !inSeries.has(String(c._id)) && canEdit(user, c));
}

export interface LinkInput {
  campaign: string;
  name: string;
  label: string;
  otherLabel: string;
}

/**
 * Links `current` and the campaign `input.campaign` into one series: a new one when neither is in
 * a series, else the series one of them is in. Both in the same series: updates the labels.
 * Both in different series: refused (unlink one first). The other campaign must be one the user
 * may edit; any other id — unknown, someone else's, malformed — gets the same answer.
 */
export async function linkCampaigns(user: CurrentUser, current: Campaign, input: LinkInput): Promise<SeriesView> {
  const otherId = parseObjectId(input.campaign);
  const other = otherId ? await getCampaign(input.campaign).catch(() => null) : null;
  if (!other || !canEdit(user, other)) throw formError(400, 'campaign', 'series.error.unknown_campaign');
  if (String(other._id) === String(current._id)) throw formError(400, 'campaign', 'series.error.same_campaign');
  const [mine, theirs] = await Promise.all([
    SeriesMemberModel.findById(current._id).lean<SeriesMemberRecord>(),
    SeriesMemberModel.findById(other._id).lean<SeriesMemberRecord>(),
  ]);
  const by = parseObjectId(user.id) ?? undefined;
  if (mine && theirs && String(mine.seriesId) !== String(theirs.seriesId)) throw formError(409, 'campaign', 'series.error.other_series');
  let seriesId: mongoose.Types.ObjectId;
  if (mine || theirs) {
    seriesId = (mine ?? theirs)!.seriesId;
    if (input.name) await SeriesModel.updateOne({ _id: seriesId }, { $set: { name: input.name } });
  } else {
    seriesId = (await SeriesModel.create({ name: input.name, createdBy: by }))._id;
  }
  const place = async (campaign: Campaign, label: string, existing: SeriesMemberRecord | null) => {
    if (existing) {
      await SeriesMemberModel.updateOne({ _id: campaign._id }, { $set: { label } });
      return;
    }
    try {
      await SeriesMemberModel.create({ _id: campaign._id, seriesId, label, linkedBy: by });
    } catch (err) {
      // Linked elsewhere at the same moment: the unique `_id` decided; nothing half-done stays.
      if (!isDuplicateKey(err)) throw err;
      throw formError(409, 'campaign', 'series.error.other_series');
    }
  };
  try {
    await place(current, input.label, mine);
    await place(other, input.otherLabel, theirs);
  } catch (err) {
    if (!mine && !theirs) {
      await SeriesMemberModel.deleteMany({ seriesId });
      await SeriesModel.deleteOne({ _id: seriesId });
    }
    throw err;
  }
  return (await seriesOf(current._id))!;
}

/**
 * Takes `campaign` out of its series. A series left with one campaign is dissolved (a series of
 * one compares nothing). Not in a series: nothing to do.
 */
export async function unlinkCampaign(campaign: Pick<Campaign, '_id'>): Promise<void> {
  const me = await SeriesMemberModel.findById(campaign._id).lean<SeriesMemberRecord>();
  if (!me) return;
  await SeriesMemberModel.deleteOne({ _id: campaign._id });
  const left = await SeriesMemberModel.countDocuments({ seriesId: me.seriesId });
  if (left < 2) {
    await SeriesMemberModel.deleteMany({ seriesId: me.seriesId });
    await SeriesModel.deleteOne({ _id: me.seriesId });
  }
}

interface ScaleQuestion {
  key: string;
  prompt: { de: string; en: string };
  min: number;
  max: number;
}

/**
 * The campaign's rating-scale questions (closed questions, issue 17 item 1: `type: 'scale'` with
 * `scale: {min, max}`). Read from the plain document, so campaigns stored before question types
 * existed simply have none.
 */
export function scaleQuestionsOf(campaign: Pick<Campaign, 'questions'>): ScaleQuestion[] {
  const out: ScaleQuestion[] = [];
  for (const q of (campaign.questions ?? []) as unknown as Array<Record<string, unknown>>) {
    const scale = q.scale as { min?: unknown; max?: unknown } | undefined;
    if (q.type !== 'scale' || !scale || typeof scale.min !== 'number' || typeof scale.max !== 'number' || typeof q.key !== 'string') continue;
    const prompt = (q.prompt ?? {}) as { de?: string; en?: string };
    out.push({ key: q.key, prompt: { de: prompt.de ?? '', en: prompt.en ?? '' }, min: scale.min, max: scale.max });
  }
  return out;
}

/** Sums of the stored answers' `value` per scale question (one `{campaignId}` pass, those fields only). */
export async function scaleStatsOf(campaign: Pick<Campaign, '_id'>, questions: readonly ScaleQuestion[]): Promise<Map<string, ScaleStats>> {
  const stats = new Map<string, ScaleStats>(questions.map((q) => [q.key, { n: 0, sum: 0, sumSq: 0 }]));
  if (!questions.length) return stats;
  const fields = Object.fromEntries(questions.map((q) => [`answers.${q.key}.value`, 1 as const]));
  for await (const row of streamResponses<{ _id: string; answers?: unknown }>(campaign._id as mongoose.Types.ObjectId, fields)) {
    const answers = new Map(entriesOf<{ value?: unknown } | undefined>(row.answers));
    for (const q of questions) {
      const v = answers.get(q.key)?.value;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < q.min || v > q.max) continue;
      const s = stats.get(q.key)!;
      s.n += 1;
      s.sum += v;
      s.sumSq += v * v;
    }
  }
  return stats;
}

/** One campaign's current analysis, as far as the trend may show it. */
export interface MemberFigures {
  state: 'shown' | 'no_analysis' | 'too_few';
  min: number;
  data?: RunData;
  figures?: CampaignFigures;
  /** Code ids of the codebook its run used; `campaign` when a theme board changed it. */
  codes?: ReadonlySet<string>;
  codebook?: 'builtin' | 'campaign';
  runId?: string;
  finishedAt?: Date;
  /** Its rating-scale questions and the sums of their answers (only with figures). */
  scales?: ScaleCampaign;
  scaleQuestions?: ScaleQuestion[];
}

/** A run's figures never change: counted once per run data (which the dashboard keeps per run id). */
const figureMemo = new WeakMap<RunData, CampaignFigures>();

/** The campaign's newest finished run, turned into figures when the anonymity rule allows. */
export async function memberFigures(campaign: Campaign): Promise<MemberFigures> {
  const min = minGroupOf(campaign);
  const run = await latestDoneRun(campaign._id);
  if (!run) return { state: 'no_analysis', min };
  const data = await runData(run.id, campaign);
  const own = Object.keys(data.codebook.names);
  const codes = own.length ? new Set(own) : BUILTIN_CODES;
  const base = { min, codes, codebook: own.length ? ('campaign' as const) : ('builtin' as const), runId: run.id, finishedAt: run.finishedAt };
  if (planOfRun(data, min).tooFew) return { state: 'too_few', ...base };
  const scaleQuestions = scaleQuestionsOf(campaign);
  const stats = await scaleStatsOf(campaign, scaleQuestions);
  const scales: ScaleCampaign = { ranges: new Map(scaleQuestions.map((q) => [q.key, { min: q.min, max: q.max }])), stats, min };
  let figures = figureMemo.get(data);
  if (!figures) figureMemo.set(data, (figures = figuresOf(data)));
  return { state: 'shown', ...base, data, figures, scales, scaleQuestions };
}

export interface TrendColumn {
  id: string;
  label: string;
  title: string;
  href: string;
  state: MemberFigures['state'];
  min: number;
  respondents?: number;
  codebook?: 'builtin' | 'campaign';
  current: boolean;
}

export interface NamedChange extends TrendChange {
  name: string;
}

export interface Trend {
  series: { id: string; name: string };
  columns: TrendColumn[];
  /** Members the reader may not read (counted only). */
  hidden: number;
  sections: Array<{ role: QuestionRole; rows: Array<TrendRow & { name: string }>; notComparable: Array<TrendRow & { name: string; missingLabels: string[] }> }>;
  /** The compared pair (column indexes), when at least two columns have figures. */
  pair?: { from: number; to: number };
  /** Columns with figures (for the pair selector). */
  comparableColumns: number[];
  rose: NamedChange[];
  fell: NamedChange[];
  /** Comparable codes whose change was computed. */
  changes: NamedChange[];
  /** True when the compared campaigns did not use the same codebook (compared by code id). */
  mixedCodebooks: boolean;
  /** Rating-scale questions by key: mean and n per campaign; their changes for the pair. */
  scales: Array<ScaleRow & { prompt: string }>;
  scaleChanges: Array<ScaleChange & { prompt: string }>;
}

/**
 * The trend of `campaign`'s series for `user`, or null when the campaign is in no series.
 * `pick`: the campaign ids of the pair to compare (default: the last two with figures).
 */
export async function loadTrend(user: CurrentUser, campaign: Campaign, lang: Lang, pick: { from?: string; to?: string } = {}): Promise<Trend | null> {
  const series = await seriesOf(campaign._id);
  if (!series) return null;
  const readable = series.members.filter((m) => relationTo(user, m.campaign) !== 'none');
  const figures = await Promise.all(readable.map((m) => memberFigures(m.campaign)));
  const columns: TrendColumn[] = readable.map((m, i) => ({
    id: String(m.campaign._id),
    label: labelOf(m),
    title: m.campaign.title,
    href: `/lead/campaigns/${String(m.campaign._id)}/dashboard`,
    state: figures[i].state,
    min: figures[i].min,
    respondents: figures[i].figures?.respondents,
    codebook: figures[i].codebook,
    current: String(m.campaign._id) === String(campaign._id),
  }));
  const inputs: TrendCampaign[] = figures.map((f) => ({ figures: f.figures ?? null, codes: f.state === 'shown' ? f.codes ?? null : null }));
  const rows = trendRows(inputs);
  const shown = figures.map((f, i) => (f.state === 'shown' ? i : -1)).filter((i) => i >= 0);
  // Names from the newest campaign that has the code (its codebook may have renamed it).
  const nameOf = (code: string) => {
    for (let i = shown.length - 1; i >= 0; i--) {
      const data = figures[shown[i]].data!;
      if (figures[shown[i]].codes?.has(code)) return codeName(code, lang, data);
    }
    return codeName(code, lang);
  };
  const sections = (['current_practice', 'meaning', 'challenges', 'future'] as const)
    .map((role) => ({
      role,
      rows: rows.filter((r) => r.role === role && r.comparable).map((r) => ({ ...r, name: nameOf(r.code) })),
      notComparable: rows
        .filter((r) => r.role === role && !r.comparable)
        .map((r) => ({ ...r, name: nameOf(r.code), missingLabels: r.missingIn.map((i) => columns[i].label) })),
    }))
    .filter((s) => s.rows.length + s.notComparable.length > 0);
  const sRows = scaleRows(figures.map((f) => f.scales ?? null));
  const promptOf = (key: string) => {
    for (let i = shown.length - 1; i >= 0; i--) {
      const q = figures[shown[i]].scaleQuestions?.find((x) => x.key === key);
      if (q) return pickText(q.prompt, lang);
    }
    return key;
  };
  const scales = sRows.map((r) => ({ ...r, prompt: promptOf(r.key) }));
  const index = (id?: string) => (id ? shown.find((i) => columns[i].id === id) : undefined);
  let from = index(pick.from);
  let to = index(pick.to);
  if (to === undefined) to = shown.at(-1);
  if (from === undefined || from === to) from = to !== undefined ? [...shown].reverse().find((i) => i < to!) ?? shown.find((i) => i !== to) : undefined;
  const trend: Trend = {
    series: { id: series.id, name: series.name },
    columns,
    hidden: series.members.length - readable.length,
    sections,
    comparableColumns: shown,
    rose: [],
    fell: [],
    changes: [],
    mixedCodebooks: new Set(shown.map((i) => figures[i].codebook)).size > 1,
    scales,
    scaleChanges: [],
  };
  if (from === undefined || to === undefined) return trend;
  const named = (c: TrendChange): NamedChange => ({ ...c, name: nameOf(c.code) });
  const changes = changesBetween(rows, from, to).map(named);
  const m = movers(changes);
  const sChanges = scaleChanges(sRows, from, to).map((c) => ({ ...c, prompt: promptOf(c.key) }));
  return { ...trend, pair: { from, to }, changes, scaleChanges: sChanges, rose: m.rose.map(named), fell: m.fell.map(named), mixedCodebooks: figures[from].codebook !== figures[to].codebook };
}

/** The report's "since last campaign" section: this campaign against the one before it. */
export interface SinceLast {
  previous: { label: string; title: string; respondents: number };
  current: { label: string; title: string; respondents: number };
  rose: NamedChange[];
  fell: NamedChange[];
  /** Codes named in either campaign that the two codebooks do not share. */
  notComparable: string[];
  mixedCodebooks: boolean;
  /** Rating-scale questions asked in both (same key and range): the change of the mean. */
  scales: Array<ScaleChange & { prompt: string }>;
}

/**
 * For the report: null unless the campaign is in a series, has a predecessor with a finished
 * analysis, and both show figures under their anonymity rule. The report is a document the
 * campaign's leads publish; linking the series needed edit rights on both campaigns, so the
 * predecessor's aggregate shares (never answers or quotes) go with it.
 */
export async function sinceLastCampaign(campaign: Campaign, lang: Lang): Promise<SinceLast | null> {
  const series = await seriesOf(campaign._id);
  if (!series) return null;
  const at = series.members.findIndex((m) => String(m.campaign._id) === String(campaign._id));
  if (at <= 0) return null;
  const previous = series.members[at - 1];
  const [before, now] = await Promise.all([memberFigures(previous.campaign), memberFigures(campaign)]);
  if (before.state !== 'shown' || now.state !== 'shown') return null;
  const rows = trendRows([
    { figures: before.figures!, codes: before.codes! },
    { figures: now.figures!, codes: now.codes! },
  ]);
  const nameOf = (code: string) => codeName(code, lang, now.codes!.has(code) ? now.data : before.data);
  const named = (c: TrendChange): NamedChange => ({ ...c, name: nameOf(c.code) });
  const m = movers(changesBetween(rows, 0, 1));
  return {
    previous: { label: labelOf(previous), title: previous.campaign.title, respondents: before.figures!.respondents },
    current: { label: labelOf(series.members[at]), title: campaign.title, respondents: now.figures!.respondents },
    rose: m.rose.map(named),
    fell: m.fell.map(named),
    notComparable: [...new Set(rows.filter((r) => !r.comparable).map((r) => nameOf(r.code)))],
    mixedCodebooks: before.codebook !== now.codebook,
    scales: scaleChanges(scaleRows([before.scales!, now.scales!]), 0, 1).map((c) => ({
      ...c,
      prompt: pickText((now.scaleQuestions ?? []).find((q) => q.key === c.key)?.prompt ?? { de: c.key, en: c.key }, lang),
    })),
  };
}
