import { BUILTIN_CODEBOOK, type ChallengeType, type QuestionRole } from '../analysis/index.js';
import { codeNames } from '../analysis-runs/summary-view.js';
import { answerValueLabel, questionOfDimension } from '../campaigns/answer-dimensions.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { DEFAULT_MIN_GROUP_SIZE, type DisclosurePlan } from '../shared/anonymity.js';
import { filterMask, planOf } from './population.js';
import type { Lang } from '../shared/i18n/index.js';
import { DICTIONARIES, pick } from '../shared/i18n/index.js';
import { codeKey, ROLES, TYPE_CODES, type CodeField, type Dimension, type Filter, type RunData } from './types.js';
import type { DrillQuery } from './dashboard.schemas.js';

/**
 * The dashboard's figures from a run's compact data (dashboard.data.ts) and the request's
 * filters. Pure and synchronous: one pass over the answer arrays per section, no database.
 *
 * Anonymity goes through src/shared/anonymity.ts only: the run's disclosure plan says which
 * segment values are offered; a filter combination is any set of offered values (a union of the
 * plan's atoms, so no two views differ by fewer than the minimum); below the minimum in total
 * nothing is shown. The report of the same run makes the same plan (reports/report-data.ts).
 */

export type { Filter } from './types.js';

export interface FilterState {
  selected: Filter[];
  /** Respondent mask of the filtered population (null while suppressed). */
  mask: Uint8Array | null;
  size: number;
  /** Why no figures are shown: the population is below the threshold, or a filter is not offered. */
  suppressed?: 'total' | 'group';
  min: number;
  /** Respondents of the run (shown with `suppressed: 'total'`: "so far n people"). */
  total: number;
}

const NAMES = codeNames(BUILTIN_CODEBOOK);
const CHALLENGE_TYPE = new Map<string, ChallengeType>();
for (const g of BUILTIN_CODEBOOK.groups) for (const c of g.codes) if (c.type) CHALLENGE_TYPE.set(c.id, c.type);

export function minGroupOf(campaign: Pick<Campaign, 'minGroupSize'>): number {
  return campaign.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
}

const extended = new WeakMap<RunData, WeakMap<object, RunData>>();

/**
 * The run's data with the answer dimensions of single-choice and scale questions (taken from the
 * closed answers' data, by response id) appended to its segment and language dimensions — the
 * order of the one disclosure plan (src/campaigns/answer-dimensions.ts), so the plan still offers
 * exactly the segment and language values it offered without them. Made once per run and closed
 * data (both are cached), so the memoised views of a run keep their key.
 */
export function withAnswerDimensions(data: RunData, closed: { respondents: readonly string[]; dims: readonly Dimension[] }): RunData {
  let byClosed = extended.get(data);
  if (!byClosed) extended.set(data, (byClosed = new WeakMap()));
  const hit = byClosed.get(closed);
  if (hit) return hit;
  const answerDims = closed.dims.filter((d) => questionOfDimension(d.key) !== undefined);
  let out = data;
  if (answerDims.length) {
    const at = new Map(closed.respondents.map((id, i) => [id, i]));
    const where = data.respondents.map((id) => at.get(id) ?? -1);
    const dims = answerDims.map((d) => {
      const idx = new Int16Array(data.respondents.length).fill(-1);
      where.forEach((i, r) => {
        if (i >= 0) idx[r] = d.idx[i];
      });
      return { key: d.key, values: d.values, idx };
    });
    out = { ...data, dims: [...data.dims.filter((d) => questionOfDimension(d.key) === undefined), ...dims] };
  }
  byClosed.set(closed, out);
  return out;
}

/** The run's anonymity plan for threshold `min` (made once per run and threshold). */
export function planOfRun(data: RunData, min: number): DisclosurePlan {
  return planOf(data, min);
}

/** Applies the filters (unknown dimensions/values are dropped) and the anonymity plan. */
export function applyFilters(data: RunData, requested: Filter[], min: number): FilterState {
  const selected = requested.filter((f) => data.dims.some((d) => d.key === f.dim && d.values.includes(f.value)));
  const total = data.respondents.length;
  const plan = planOfRun(data, min);
  if (plan.tooFew) return { selected, mask: null, size: 0, suppressed: 'total', min: plan.min, total };
  if (!selected.length) return { selected, mask: new Uint8Array(total).fill(1), size: total, min: plan.min, total };
  if (!selected.every((f) => plan.offers(f.dim, f.value))) return { selected, mask: null, size: 0, suppressed: 'group', min: plan.min, total };
  return { selected, ...filterMask(data, selected), min: plan.min, total };
}

/** The values a filter may offer for each dimension (a value whose group is suppressed is disabled). */
export function filterOptions(data: RunData, campaign: Pick<Campaign, 'segments' | 'questions'>, min: number, lang: Lang) {
  const plan = planOfRun(data, min);
  return data.dims.map((d) => {
    return {
      key: d.key,
      param: filterParam(d.key),
      label: dimensionLabel(campaign, d.key, lang),
      options: d.values.map((v) => ({
        value: v,
        label: valueLabel(campaign, d.key, v, lang),
        disabled: !plan.offers(d.key, v),
      })),
    };
  });
}

const LANGUAGE_NAMES: Record<string, string> = { de: 'Deutsch', en: 'English' };

export function valueLabel(campaign: Pick<Campaign, 'segments'> & Partial<Pick<Campaign, 'questions'>>, dim: string, value: string, lang: Lang): string {
  if (dim === 'language') return LANGUAGE_NAMES[value] ?? value.toUpperCase();
  const questionKey = questionOfDimension(dim);
  if (questionKey !== undefined) {
    const q = campaign.questions?.find((x) => x.key === questionKey);
    return q ? answerValueLabel(q, value, lang, DICTIONARIES[lang]['lead.response.closed_other']) : value;
  }
  const option = campaign.segments.find((s) => s.key === dim)?.options.find((o) => o.key === value);
  return option ? pick(option.label, lang) : value;
}

/** A code's name: from the run's own codebook (theme-board renames, new codes), else the built-in one. */
export function codeName(id: string, lang: Lang, data?: Pick<RunData, 'codebook'>): string {
  const name = data?.codebook.names[id] ?? NAMES.get(id);
  return name ? pick(name, lang) : id;
}

/** Answers of `role` in the filtered population, and how often each code occurs among them. */
export function countCodes(data: RunData, mask: Uint8Array, role: QuestionRole, field: CodeField) {
  const roleNo = ROLES.indexOf(role);
  const counts = new Map<string, number>();
  let answers = 0;
  for (let i = 0; i < data.aResp.length; i++) {
    if (data.aRole[i] !== roleNo || !mask[data.aResp[i]]) continue;
    answers++;
    for (let k = data.codeStart[i]; k < data.codeStart[i + 1]; k++) {
      const ref = data.codeRefs[data.codes[k]];
      if (ref.field === field) counts.set(ref.id, (counts.get(ref.id) ?? 0) + 1);
    }
  }
  return { answers, counts };
}

export interface ChartRow {
  key: string;
  label: string;
  value: number;
  /** Share of the answers to that question, 0..100 (whole percent). */
  percent: number;
  href: string;
  note?: string;
}

const percentOf = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 100) : 0);

/** A dimension's query parameter: `language`, `seg-<segment key>`, `ans-<question key>` (dashboard.schemas.ts reads them). */
export function filterParam(dim: string): string {
  if (dim === 'language') return 'language';
  const questionKey = questionOfDimension(dim);
  return questionKey !== undefined ? `ans-${questionKey}` : `seg-${dim}`;
}

/** A dimension's name: the segment's label, "Language", or the question's prompt (shortened). */
export function dimensionLabel(campaign: Pick<Campaign, 'segments'> & Partial<Pick<Campaign, 'questions'>>, dim: string, lang: Lang): string {
  if (dim === 'language') return DICTIONARIES[lang]['dashboard.filter.language'];
  const questionKey = questionOfDimension(dim);
  if (questionKey !== undefined) {
    const prompt = pick(campaign.questions?.find((x) => x.key === questionKey)?.prompt, lang) || questionKey;
    return prompt.length > 60 ? `${prompt.slice(0, 57).trimEnd()}…` : prompt;
  }
  const segment = campaign.segments.find((s) => s.key === dim);
  return segment ? pick(segment.label, lang) : dim;
}

/** The dashboard's query string for the given filters plus extra parameters. */
export function queryString(runId: string | undefined, filters: Filter[], extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (runId) params.set('run', runId);
  for (const f of filters) params.set(filterParam(f.dim), f.value);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface DashboardView {
  respondents: number;
  answers: number;
  channels: { answers: number; rows: ChartRow[] };
  meaning: { answers: number; rows: ChartRow[] };
  challenges: { answers: number; types: ChartRow[]; rows: ChartRow[]; technicalPercent: number };
  features: { answers: number; rows: ChartRow[] };
  candidates: Array<ChartRow & { terms: string[]; question: string }>;
  requirements: Array<ChartRow & { priority: string; kind: string }>;
  stance: { key: string; text: string };
}

/** Every section of the dashboard for one filtered population. */
export function dashboardView(data: RunData, state: FilterState & { mask: Uint8Array }, base: string, lang: Lang): DashboardView {
  const { mask, selected } = state;
  const drill = (extra: Record<string, string>) => `${base}/answers${queryString(data.runId, selected, extra)}`;
  const codeRows = (role: QuestionRole, field: CodeField) => {
    const { answers, counts } = countCodes(data, mask, role, field);
    const rows = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id, value]) => ({
        key: id,
        label: codeName(id, lang, data),
        value,
        percent: percentOf(value, answers),
        href: drill({ kind: 'code', role, field, code: id }),
        note: data.codebook.types[id] ?? CHALLENGE_TYPE.get(id),
      }));
    return { answers, rows };
  };

  let answers = 0;
  let technical = 0;
  let cultural = 0;
  const challengesRole = ROLES.indexOf('challenges');
  const clusterCounts = new Int32Array(data.clusterIds.length);
  for (let i = 0; i < data.aResp.length; i++) {
    if (!mask[data.aResp[i]]) continue;
    answers++;
    if (data.aRole[i] === challengesRole) {
      if (data.aType[i] === TYPE_CODES.technical) technical++;
      else if (data.aType[i] === TYPE_CODES.cultural) cultural++;
    }
    if (data.aCluster[i] >= 0) clusterCounts[data.aCluster[i]]++;
  }

  const challenges = codeRows('challenges', 'themes');
  const typed = technical + cultural;
  const types: ChartRow[] = (['technical', 'cultural'] as const).map((type) => {
    const value = type === 'technical' ? technical : cultural;
    return { key: type, label: type, value, percent: percentOf(value, typed), href: drill({ kind: 'type', type }) };
  });

  const candidates = data.result.clusters
    .map((c, i) => ({ c, value: clusterCounts[i] }))
    .filter(({ c, value }) => c.newThemeCandidate && value > 0)
    .sort((a, b) => b.value - a.value)
    .map(({ c, value }) => ({
      key: c.id,
      label: c.label,
      value,
      percent: 0,
      terms: c.terms.slice(0, 6),
      question: c.question,
      href: drill({ kind: 'cluster', cluster: c.id }),
    }));

  // Requirements: the engine's priority (campaign-wide), with the filtered population's count
  // of the code each one comes from, drilling into exactly those answers.
  const features = codeRows('future', 'features');
  const order = { must: 0, should: 1, could: 2, wont: 3 } as const;
  const requirements = data.result.requirements
    .map((r) => {
      const role: QuestionRole = r.source.group === 'features' ? 'future' : 'challenges';
      const field: CodeField = r.source.group === 'features' ? 'features' : 'themes';
      const rows = r.source.group === 'features' ? features.rows : challenges.rows;
      const row = rows.find((x) => x.key === r.source.code);
      return {
        key: r.id,
        label: pick(r.title, lang),
        value: row?.value ?? 0,
        percent: row?.percent ?? 0,
        priority: r.priority,
        kind: r.kind,
        href: drill({ kind: 'code', role, field, code: r.source.code }),
      };
    })
    .sort((a, b) => order[a.priority] - order[b.priority] || b.value - a.value);

  const readiness = data.result.summary.rolloutReadiness;
  return {
    respondents: state.size,
    answers,
    channels: codeRows('current_practice', 'channels'),
    meaning: codeRows('meaning', 'themes'),
    challenges: { ...challenges, types, technicalPercent: percentOf(technical, typed) },
    features,
    candidates,
    requirements,
    stance: { key: readiness.stance, text: lang === 'de' ? readiness.de : readiness.en },
  };
}

/** Response counts per segment value of the run: offered values only (the anonymity plan). */
export function responsesBySegment(data: RunData, min: number) {
  const plan = planOfRun(data, min);
  // Segments and language only: the answers' own distributions are the closed-question section.
  return data.dims.filter((d) => questionOfDimension(d.key) === undefined).map((d) => {
    const sizes = new Array<number>(d.values.length).fill(0);
    for (let r = 0; r < data.respondents.length; r++) if (d.idx[r] >= 0) sizes[d.idx[r]]++;
    const rows = d.values
      .map((v, k) => ({ key: v, size: sizes[k] }))
      .filter((row) => row.size > 0)
      .map((row) => (plan.offers(d.key, row.key) ? { ...row, suppressed: false as const } : { key: row.key, suppressed: true as const }));
    return { dim: d.key, rows };
  });
}

/** Answer numbers behind one drill-down (in the filtered population), in answer order. */
export function drillAnswers(data: RunData, mask: Uint8Array, q: DrillQuery): number[] {
  const out: number[] = [];
  const roleNo = q.role ? ROLES.indexOf(q.role) : -1;
  if (q.kind === 'code') {
    const no = data.codeIndex.get(codeKey(q.role ?? '', q.field ?? '', q.code ?? ''));
    if (no === undefined) return out;
    for (let i = 0; i < data.aResp.length; i++) {
      if (!mask[data.aResp[i]]) continue;
      for (let k = data.codeStart[i]; k < data.codeStart[i + 1]; k++)
        if (data.codes[k] === no) {
          out.push(i);
          break;
        }
    }
    return out;
  }
  if (q.kind === 'type') {
    const type = TYPE_CODES[q.type ?? 'technical'];
    const challenges = ROLES.indexOf('challenges');
    for (let i = 0; i < data.aResp.length; i++) if (mask[data.aResp[i]] && data.aRole[i] === challenges && data.aType[i] === type) out.push(i);
    return out;
  }
  if (q.kind === 'cluster') {
    const c = data.clusterIds.indexOf(q.cluster ?? '');
    if (c < 0) return out;
    for (let i = 0; i < data.aResp.length; i++) if (mask[data.aResp[i]] && data.aCluster[i] === c) out.push(i);
    return out;
  }
  for (let i = 0; i < data.aResp.length; i++) if (mask[data.aResp[i]] && (roleNo < 0 || data.aRole[i] === roleNo)) out.push(i);
  return out;
}

/** The codebook's cue patterns of a code: used to find where in a video's transcript it is said. */
export function cuePatterns(codeId: string | undefined, data?: Pick<RunData, 'codebook'>): RegExp[] {
  if (!codeId) return [];
  let sources = data?.codebook.cues[codeId];
  if (!sources)
    for (const g of BUILTIN_CODEBOOK.groups) for (const c of g.codes) if (c.id === codeId) sources = [...(c.cues ?? []), ...(c.weakCues ?? [])];
  return (sources ?? []).flatMap((src) => {
    try {
      return [new RegExp(src, 'iu')];
    } catch {
      return [];
    }
  });
}
