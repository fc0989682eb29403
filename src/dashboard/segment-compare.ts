import type { QuestionRole } from '../analysis/index.js';
import type { DisclosurePlan } from '../shared/anonymity.js';
import { ROLES, type CodeField, type Dimension, type RunData } from './types.js';

/**
 * Segment comparison (issue 17, item 2): the values of one segment dimension (department,
 * location, role, language) side by side, the codes of each question as rows, each cell the
 * share of that segment's answers with the code, marked where the segment differs notably from
 * everyone else.
 *
 * Anonymity: a column is shown only for a value the campaign's disclosure plan offers
 * (src/shared/anonymity.ts). Offered values are unions of the plan's atoms, each of at least the
 * minimum group; so is "everyone else" (all atoms minus the column's), and two columns of one
 * dimension are disjoint. No cell, and no difference of two cells or of a cell and the total,
 * narrows anything down to fewer than the minimum group. Values the plan does not offer are
 * counted only in the total, never shown on their own (and never as "the rest").
 *
 * "Notable": a two-proportion z-test of the segment against everyone else who answered the
 * question, |z| ≥ 1.96 (p < 0.05, two-sided) AND at least 10 percentage points apart. Not
 * corrected for the many cells on the page: about one mark in twenty can be chance, and the page
 * says so.
 */

export const NOTABLE_Z = 1.96;
export const NOTABLE_POINTS = 10;

export interface CompareCell {
  /** Answers with the code in this column, and answers to the question in this column. */
  count: number;
  of: number;
  /** Whole percent of `of`. */
  percent: number;
  /** Notably higher or lower than everyone else (see NOTABLE_Z, NOTABLE_POINTS). */
  notable?: 'higher' | 'lower';
}

export interface CompareRow {
  /** Code id, or `type:technical` for the technical share of the challenges. */
  key: string;
  role: QuestionRole;
  field: CodeField | 'type';
  total: CompareCell;
  cells: CompareCell[];
}

export interface SegmentComparison {
  dim: string;
  /** Offered values of the dimension that have respondents, in the campaign's order. */
  columns: Array<{ value: string; respondents: number }>;
  /** Values left out for anonymity (their people are in the total only). */
  hidden: number;
  respondents: number;
  rows: CompareRow[];
}

const SECTIONS: Array<{ role: QuestionRole; field: CodeField }> = [
  { role: 'current_practice', field: 'channels' },
  { role: 'meaning', field: 'themes' },
  { role: 'challenges', field: 'themes' },
  { role: 'future', field: 'features' },
];

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 100) : 0);

/** Two-proportion z-test of x1/n1 against x2/n2 (pooled), with the minimum distance in points. */
export function notableDifference(x1: number, n1: number, x2: number, n2: number): 'higher' | 'lower' | undefined {
  if (n1 === 0 || n2 === 0) return undefined;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  if (Math.abs(p1 - p2) * 100 < NOTABLE_POINTS) return undefined;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return undefined;
  const z = (p1 - p2) / se;
  if (Math.abs(z) < NOTABLE_Z) return undefined;
  return z > 0 ? 'higher' : 'lower';
}

/**
 * The columns a comparison may show for one dimension: the values that have respondents and that
 * the disclosure plan offers — so every column, and every difference of two columns or of a
 * column and the total, is a union of atoms of at least the minimum group — how many values were
 * left out, each respondent's column (-1: no value, or a value not offered) and each value's
 * number of respondents. Shared by the
 * coded comparison here and the closed questions' rows (closed-figures.ts).
 */
export function shownColumns(dim: Dimension, nResp: number, plan: Pick<DisclosurePlan, 'offers'>): { shown: number[]; hidden: number; colOf: Int32Array; sizes: number[] } {
  const sizes = new Array<number>(dim.values.length).fill(0);
  for (let r = 0; r < nResp; r++) if (dim.idx[r] >= 0) sizes[dim.idx[r]]++;
  const shown: number[] = [];
  let hidden = 0;
  dim.values.forEach((v, k) => {
    if (sizes[k] === 0) return;
    if (plan.offers(dim.key, v)) shown.push(k);
    else hidden++;
  });
  const colOfValue = new Int32Array(dim.values.length).fill(-1);
  shown.forEach((k, c) => (colOfValue[k] = c));
  const colOf = new Int32Array(nResp);
  for (let r = 0; r < nResp; r++) colOf[r] = dim.idx[r] >= 0 ? colOfValue[dim.idx[r]] : -1;
  return { shown, hidden, colOf, sizes };
}

/**
 * The comparison for dimension `dimKey` of a run, or null when the dimension does not exist or
 * the campaign is too small to show anything.
 */
export function segmentComparison(data: RunData, dimKey: string, plan: DisclosurePlan): SegmentComparison | null {
  const dim = data.dims.find((d) => d.key === dimKey);
  if (!dim || plan.tooFew) return null;
  const nResp = data.respondents.length;
  const { shown, hidden, colOf, sizes } = shownColumns(dim, nResp, plan);
  const nCols = shown.length;

  // One pass over the answers: per role the answers per column, per code the hits per column
  // (column nCols = everyone, shown or not), and the typed challenges.
  const answersPer = new Map<number, Int32Array>();
  const hits = new Map<number, Int32Array>();
  const typed = new Int32Array(nCols + 1);
  const technical = new Int32Array(nCols + 1);
  const roleNos = new Set(SECTIONS.map((s) => ROLES.indexOf(s.role)));
  const fieldOfRole = new Map(SECTIONS.map((s) => [ROLES.indexOf(s.role), s.field]));
  for (let i = 0; i < data.aResp.length; i++) {
    const roleNo = data.aRole[i];
    if (!roleNos.has(roleNo)) continue;
    const c = colOf[data.aResp[i]];
    let per = answersPer.get(roleNo);
    if (!per) answersPer.set(roleNo, (per = new Int32Array(nCols + 1)));
    per[nCols]++;
    if (c >= 0) per[c]++;
    const field = fieldOfRole.get(roleNo);
    for (let k = data.codeStart[i]; k < data.codeStart[i + 1]; k++) {
      const code = data.codes[k];
      if (data.codeRefs[code].field !== field || ROLES.indexOf(data.codeRefs[code].role) !== roleNo) continue;
      let h = hits.get(code);
      if (!h) hits.set(code, (h = new Int32Array(nCols + 1)));
      h[nCols]++;
      if (c >= 0) h[c]++;
    }
    if (data.aType[i] !== 0) {
      typed[nCols]++;
      if (c >= 0) typed[c]++;
      if (data.aType[i] === 1) {
        technical[nCols]++;
        if (c >= 0) technical[c]++;
      }
    }
  }

  const row = (key: string, role: QuestionRole, field: CompareRow['field'], x: Int32Array, n: Int32Array): CompareRow => ({
    key,
    role,
    field,
    total: { count: x[nCols], of: n[nCols], percent: pct(x[nCols], n[nCols]) },
    cells: shown.map((_, c) => {
      const restX = x[nCols] - x[c];
      const restN = n[nCols] - n[c];
      const notable = notableDifference(x[c], n[c], restX, restN);
      return { count: x[c], of: n[c], percent: pct(x[c], n[c]), ...(notable ? { notable } : {}) };
    }),
  });

  const rows: CompareRow[] = [];
  for (const s of SECTIONS) {
    const roleNo = ROLES.indexOf(s.role);
    const n = answersPer.get(roleNo);
    if (!n) continue;
    const codes = [...hits.entries()].filter(([code]) => data.codeRefs[code].role === s.role && data.codeRefs[code].field === s.field);
    // Most frequent first (then by id, so the order is stable).
    codes.sort((a, b) => b[1][nCols] - a[1][nCols] || (data.codeRefs[a[0]].id < data.codeRefs[b[0]].id ? -1 : 1));
    for (const [code, x] of codes) rows.push(row(data.codeRefs[code].id, s.role, s.field, x, n));
    if (s.role === 'challenges' && typed[nCols] > 0) rows.push(row('type:technical', 'challenges', 'type', technical, typed));
  }
  return {
    dim: dim.key,
    columns: shown.map((k) => ({ value: dim.values[k], respondents: sizes[k] })),
    hidden,
    respondents: nResp,
    rows,
  };
}
