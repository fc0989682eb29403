import { answerDimensions, answerDimensionValue, questionOfDimension } from '../campaigns/answer-dimensions.js';
import { choiceKeys, questionType, scalePoints, type QuestionShape } from '../campaigns/question-types.js';
import type { QuestionType } from '../campaigns/campaign.schemas.js';
import type { DisclosurePlan } from '../shared/anonymity.js';
import { filterMask, planOf } from './population.js';
import { notableDifference, shownColumns } from './segment-compare.js';
import type { Dimension, Filter } from './types.js';

/**
 * Figures of the closed questions (issue 17, item 1): per scale question a distribution with mean
 * and median, per choice question the count of each choice, per ranking the mean rank of each
 * item; and the rows of the segment comparison (a scale's mean, a choice's share per group).
 * Pure and synchronous, over a compact form of the answers (closed-data.ts builds it).
 *
 * The population: the responses that had arrived when the dashboard's analysis run started —
 * every respondent, also those who answered no open question (so the run's own respondents,
 * which are the people with an analysed text, would be the wrong population). It has its own
 * disclosure plan (src/shared/anonymity.ts) over the same dimensions (segments, then language, then the answers of single-choice and scale questions):
 * a filter applies only where this plan offers it, a comparison column only for a value it
 * offers. So every figure here, and every difference of two, covers a union of the plan's atoms
 * of at least the minimum group. On top, no figure is computed from fewer than the minimum number
 * of answers (a question nobody else answered in that group shows no mean).
 */

export interface ClosedQuestionData {
  key: string;
  type: Exclude<QuestionType, 'open'>;
  /** Scale: per respondent the point, -1 = no answer. */
  value?: Int16Array;
  /** Scale: its points, lowest first. */
  points?: number[];
  /** Choices / ranking items: the keys (choices also `other` where offered). */
  keys?: string[];
  /** Single/multiple choice: respondent r chose keys[j] when chosen[r * keys.length + j] = 1. */
  chosen?: Uint8Array;
  /** Ranking: rank (1 = first) of keys[j] by respondent r at rank[r * keys.length + j]; 0 = no complete ranking. */
  rank?: Uint8Array;
}

export interface ClosedData {
  /** Response ids of the population, index = respondent number. */
  respondents: string[];
  /** Segment dimensions, then `language` (as the run's data), then the answer dimensions (answer-dimensions.ts). */
  dims: Dimension[];
  questions: ClosedQuestionData[];
}

/** A closed question with its answers per respondent (what closed-data.ts reads from a response). */
export interface ClosedAnswerRow {
  id: string;
  lang: string;
  segments: Record<string, string>;
  answers: Record<string, { value?: number | null; choices?: readonly string[] | null; ranking?: readonly string[] | null } | undefined>;
}

/** Builds the compact form from the campaign's closed questions and the population's answers. */
export function buildClosedData(campaign: { questions: readonly QuestionShape[]; segments: ReadonlyArray<{ key: string; options: ReadonlyArray<{ key: string }> }> }, rows: readonly ClosedAnswerRow[]): ClosedData {
  const n = rows.length;
  const dims: Dimension[] = campaign.segments.map((s) => {
    const values = s.options.map((o) => o.key);
    const idx = new Int16Array(n).fill(-1);
    rows.forEach((row, r) => {
      const v = row.segments[s.key];
      if (typeof v !== 'string' || !v) return;
      let k = values.indexOf(v);
      if (k < 0) k = values.push(v) - 1;
      idx[r] = k;
    });
    return { key: s.key, values, idx };
  });
  const languages = [...new Set(rows.map((r) => r.lang).filter(Boolean))].sort();
  const langIdx = new Int16Array(n).fill(-1);
  rows.forEach((row, r) => (langIdx[r] = row.lang ? languages.indexOf(row.lang) : -1));
  dims.push({ key: 'language', values: languages, idx: langIdx });
  // Then the answers of single-choice and scale questions as dimensions (answer-dimensions.ts):
  // last, so the plan offers the same segment and language values as without them.
  for (const ad of answerDimensions(campaign)) {
    const q = campaign.questions.find((x) => x.key === ad.question)!;
    const idx = new Int16Array(n).fill(-1);
    rows.forEach((row, r) => {
      const v = answerDimensionValue(q, row.answers[q.key]);
      if (v !== undefined) idx[r] = ad.values.indexOf(v);
    });
    dims.push({ key: ad.key, values: ad.values, idx });
  }

  const questions: ClosedQuestionData[] = [];
  for (const q of campaign.questions) {
    const type = questionType(q);
    if (type === 'open') continue;
    if (type === 'scale') {
      const points = scalePoints(q);
      const value = new Int16Array(n).fill(-1);
      rows.forEach((row, r) => {
        const v = row.answers[q.key]?.value;
        if (typeof v === 'number' && points.includes(v)) value[r] = v;
      });
      questions.push({ key: q.key, type, value, points });
      continue;
    }
    const keys = type === 'ranking' ? (q.options ?? []).map((o) => o.key) : choiceKeys(q);
    const m = keys.length;
    if (type === 'ranking') {
      const rank = new Uint8Array(n * m);
      rows.forEach((row, r) => {
        const order = row.answers[q.key]?.ranking ?? [];
        // Only complete rankings count: a mean rank over partial ones would compare unlike things.
        if (order.length !== m || !keys.every((k) => order.includes(k))) return;
        order.forEach((k, pos) => (rank[r * m + keys.indexOf(k)] = pos + 1));
      });
      questions.push({ key: q.key, type, keys, rank });
      continue;
    }
    const chosen = new Uint8Array(n * m);
    rows.forEach((row, r) => {
      for (const k of row.answers[q.key]?.choices ?? []) {
        const j = keys.indexOf(k);
        if (j >= 0) chosen[r * m + j] = 1;
      }
    });
    questions.push({ key: q.key, type, keys, chosen });
  }
  return { respondents: rows.map((r) => r.id), dims, questions };
}

/** The population's disclosure plan for threshold `min` (made once per data and threshold). */
export function closedPlan(data: ClosedData, min: number): DisclosurePlan {
  return planOf(data, min);
}

export interface ClosedState {
  mask: Uint8Array | null;
  size: number;
  /** Nothing shown: fewer than the minimum in total, or a filter this population's plan does not offer. */
  suppressed?: 'total' | 'group';
  min: number;
}

/** The filtered population: the dashboard's filters, where this population's plan offers them. */
export function closedFilter(data: ClosedData, filters: readonly Filter[], min: number): ClosedState {
  const plan = closedPlan(data, min);
  if (plan.tooFew) return { mask: null, size: 0, suppressed: 'total', min: plan.min };
  if (!filters.every((f) => plan.offers(f.dim, f.value))) return { mask: null, size: 0, suppressed: 'group', min: plan.min };
  return { ...filterMask(data, filters), min: plan.min };
}

export interface ScaleFigures {
  type: 'scale';
  key: string;
  answered: number;
  /** Undefined below the minimum number of answers. */
  mean?: number;
  median?: number;
  distribution?: Array<{ point: number; count: number; percent: number }>;
}
export interface ChoiceFigures {
  type: 'single' | 'multi';
  key: string;
  answered: number;
  rows?: Array<{ key: string; count: number; percent: number }>;
}
export interface RankingFigures {
  type: 'ranking';
  key: string;
  answered: number;
  /** Items by mean rank (best first). */
  rows?: Array<{ key: string; meanRank: number; first: number }>;
}
export type QuestionFigures = ScaleFigures | ChoiceFigures | RankingFigures;

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 100) : 0);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The median of counts per point (points ascending): the mean of the two middle answers. */
function median(points: readonly number[], counts: readonly number[], n: number): number {
  const at = (i: number) => {
    let seen = 0;
    for (let p = 0; p < points.length; p++) {
      seen += counts[p];
      if (i < seen) return points[p];
    }
    return points[points.length - 1];
  };
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/** Figures of one question over the respondents in `mask`; none below `min` answers. */
export function questionFigures(q: ClosedQuestionData, mask: Uint8Array, min: number): QuestionFigures {
  const n = mask.length;
  if (q.type === 'scale') {
    const points = q.points!;
    const counts = new Array<number>(points.length).fill(0);
    let answered = 0;
    let sum = 0;
    for (let r = 0; r < n; r++) {
      const v = q.value![r];
      if (!mask[r] || v < 0) continue;
      counts[points.indexOf(v)]++;
      answered++;
      sum += v;
    }
    if (answered < min) return { type: 'scale', key: q.key, answered };
    return {
      type: 'scale',
      key: q.key,
      answered,
      mean: round(sum / answered, 1),
      median: median(points, counts, answered),
      distribution: points.map((point, i) => ({ point, count: counts[i], percent: pct(counts[i], answered) })),
    };
  }
  const keys = q.keys!;
  const m = keys.length;
  if (q.type === 'ranking') {
    const sums = new Array<number>(m).fill(0);
    const firsts = new Array<number>(m).fill(0);
    let answered = 0;
    for (let r = 0; r < n; r++) {
      if (!mask[r] || q.rank![r * m] === 0) continue;
      answered++;
      for (let j = 0; j < m; j++) {
        sums[j] += q.rank![r * m + j];
        if (q.rank![r * m + j] === 1) firsts[j]++;
      }
    }
    if (answered < min) return { type: 'ranking', key: q.key, answered };
    const rows = keys.map((key, j) => ({ key, meanRank: round(sums[j] / answered, 2), first: firsts[j] }));
    rows.sort((a, b) => a.meanRank - b.meanRank || (a.key < b.key ? -1 : 1));
    return { type: 'ranking', key: q.key, answered, rows };
  }
  const counts = new Array<number>(m).fill(0);
  let answered = 0;
  for (let r = 0; r < n; r++) {
    if (!mask[r]) continue;
    let any = false;
    for (let j = 0; j < m; j++)
      if (q.chosen![r * m + j]) {
        counts[j]++;
        any = true;
      }
    if (any) answered++;
  }
  if (answered < min) return { type: q.type as 'single' | 'multi', key: q.key, answered };
  return { type: q.type as 'single' | 'multi', key: q.key, answered, rows: keys.map((key, j) => ({ key, count: counts[j], percent: pct(counts[j], answered) })) };
}

// ---------------------------------------------------------------------------------------------
// Segment comparison rows

/** A scale mean is "notable" when it differs from the rest by at least this share of the scale's width … */
export const NOTABLE_SCALE_SHARE = 0.1;
/** … and Welch's t-test gives |t| at least this (≈ p < 0.05, two-sided, for groups of the minimum size and up). */
export const NOTABLE_T = 1.96;

export interface ClosedCell {
  /** Answers in this column (answered the question). */
  n: number;
  /** Scale: the mean; choice: the count. Undefined below the minimum number of answers. */
  mean?: number;
  count?: number;
  percent?: number;
  notable?: 'higher' | 'lower';
}

export interface ClosedCompareRow {
  question: string;
  type: 'scale' | 'single' | 'multi';
  /** Choice rows: the choice's key. */
  choice?: string;
  total: ClosedCell;
  cells: ClosedCell[];
}

export interface ClosedComparison {
  dim: string;
  columns: Array<{ value: string; respondents: number }>;
  hidden: number;
  respondents: number;
  rows: ClosedCompareRow[];
}

/** Welch's t of two samples given as (n, sum, sum of squares); 0 when it is undefined. */
export function welchT(n1: number, s1: number, q1: number, n2: number, s2: number, q2: number): number {
  if (n1 < 2 || n2 < 2) return 0;
  const m1 = s1 / n1;
  const m2 = s2 / n2;
  const v1 = (q1 - n1 * m1 * m1) / (n1 - 1);
  const v2 = (q2 - n2 * m2 * m2) / (n2 - 1);
  const se = Math.sqrt(v1 / n1 + v2 / n2);
  return se > 0 ? (m1 - m2) / se : 0;
}

/**
 * The comparison of one dimension's groups: columns are the values this population's plan
 * offers (with respondents); rows are each scale's mean and each choice's share. A cell with
 * fewer answers than the minimum shows no figure; marks compare a column with everyone else who
 * answered.
 */
export function closedComparison(data: ClosedData, dimKey: string, min: number): ClosedComparison | null {
  const dim = data.dims.find((d) => d.key === dimKey);
  const plan = closedPlan(data, min);
  if (!dim || plan.tooFew) return null;
  const nResp = data.respondents.length;
  const { shown, hidden, colOf: columnOf, sizes } = shownColumns(dim, nResp, plan);
  const nCols = shown.length;
  const colOf = (r: number) => columnOf[r];
  const k = plan.min;
  const rows: ClosedCompareRow[] = [];

  // The question that makes the columns is not a row of its own comparison (it would only repeat them).
  const own = questionOfDimension(dim.key);
  for (const q of data.questions) {
    if (q.key === own) continue;
    if (q.type === 'scale') {
      const n = new Float64Array(nCols + 1);
      const s = new Float64Array(nCols + 1);
      const sq = new Float64Array(nCols + 1);
      for (let r = 0; r < nResp; r++) {
        const v = q.value![r];
        if (v < 0) continue;
        const c = colOf(r);
        for (const at of c >= 0 ? [c, nCols] : [nCols]) {
          n[at]++;
          s[at] += v;
          sq[at] += v * v;
        }
      }
      const width = q.points![q.points!.length - 1] - q.points![0];
      const cell = (at: number): ClosedCell => (n[at] >= k ? { n: n[at], mean: round(s[at] / n[at], 1) } : { n: n[at] });
      rows.push({
        question: q.key,
        type: 'scale',
        total: cell(nCols),
        cells: shown.map((_, c) => {
          const out = cell(c);
          if (out.mean === undefined) return out;
          const restN = n[nCols] - n[c];
          const t = welchT(n[c], s[c], sq[c], restN, s[nCols] - s[c], sq[nCols] - sq[c]);
          const diff = restN > 0 ? s[c] / n[c] - (s[nCols] - s[c]) / restN : 0;
          if (Math.abs(t) >= NOTABLE_T && Math.abs(diff) >= NOTABLE_SCALE_SHARE * width) out.notable = diff > 0 ? 'higher' : 'lower';
          return out;
        }),
      });
      continue;
    }
    if (q.type === 'ranking') continue;
    const keys = q.keys!;
    const m = keys.length;
    const answered = new Float64Array(nCols + 1);
    const hits = keys.map(() => new Float64Array(nCols + 1));
    for (let r = 0; r < nResp; r++) {
      let any = false;
      const c = colOf(r);
      for (let j = 0; j < m; j++)
        if (q.chosen![r * m + j]) {
          any = true;
          hits[j][nCols]++;
          if (c >= 0) hits[j][c]++;
        }
      if (!any) continue;
      answered[nCols]++;
      if (c >= 0) answered[c]++;
    }
    keys.forEach((key, j) => {
      const cell = (at: number): ClosedCell => (answered[at] >= k ? { n: answered[at], count: hits[j][at], percent: pct(hits[j][at], answered[at]) } : { n: answered[at] });
      rows.push({
        question: q.key,
        type: q.type as 'single' | 'multi',
        choice: key,
        total: cell(nCols),
        cells: shown.map((_, c) => {
          const out = cell(c);
          if (out.count === undefined) return out;
          const notable = notableDifference(hits[j][c], answered[c], hits[j][nCols] - hits[j][c], answered[nCols] - answered[c]);
          return notable ? { ...out, notable } : out;
        }),
      });
    });
  }
  return { dim: dim.key, columns: shown.map((kk) => ({ value: dim.values[kk], respondents: sizes[kk] })), hidden, respondents: nResp, rows };
}
