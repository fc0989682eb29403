import type { QuestionRole } from '../analysis/index.js';
import { notableDifference } from '../dashboard/segment-compare.js';
import { codeKey, ROLES, type CodeField, type RunData } from '../dashboard/types.js';

/**
 * The trend of a campaign series (issue 17, item 3): pure and synchronous, from each campaign's
 * current run data (the dashboard's compact form, src/dashboard/dashboard.data.ts).
 *
 * The measure: per question role, the share of RESPONDENTS who answered a question of that role
 * and named the code in (one of) those answers — so a person counts once even where a campaign
 * asks two questions of one role. A change between two campaigns is the difference of the two
 * shares in percentage points, marked with the segment comparison's test (two-proportion z-test,
 * |z| ≥ 1.96 and ≥ 10 points: src/dashboard/segment-compare.ts). The test assumes independent
 * samples; people who answered both campaigns make it somewhat conservative.
 *
 * Codes are compared by id, and only where every compared campaign's codebook has that id (the
 * built-in codebook, or the campaign codebook a theme board made: renamed codes keep their id,
 * merged-away and newly made codes do not exist in the other campaign). The rest are listed as
 * not comparable, never set side by side.
 */

export const SECTIONS: ReadonlyArray<{ role: QuestionRole; field: CodeField }> = [
  { role: 'current_practice', field: 'channels' },
  { role: 'meaning', field: 'themes' },
  { role: 'challenges', field: 'themes' },
  { role: 'future', field: 'features' },
];

/** What one campaign's current run says, counted per respondent. */
export interface CampaignFigures {
  respondents: number;
  /** Per role: respondents with an answer to a question of that role. */
  answered: Partial<Record<QuestionRole, number>>;
  /** `codeKey(role, field, id)` → respondents who named the code in an answer of that role. */
  named: Map<string, number>;
}

type FigureInput = Pick<RunData, 'respondents' | 'aResp' | 'aRole' | 'codeStart' | 'codes' | 'codeRefs'>;

/** One pass over a run's answers: respondents per role and per code (each person once). */
export function figuresOf(data: FigureInput): CampaignFigures {
  const nResp = data.respondents.length;
  const fieldOf = new Map(SECTIONS.map((s) => [ROLES.indexOf(s.role), s.field]));
  const seenRole = new Map<number, Uint8Array>();
  const seenCode = new Map<number, Uint8Array>();
  const answered: CampaignFigures['answered'] = {};
  const named = new Map<string, number>();
  for (let i = 0; i < data.aResp.length; i++) {
    const roleNo = data.aRole[i];
    const field = fieldOf.get(roleNo);
    if (!field) continue;
    const r = data.aResp[i];
    const role = ROLES[roleNo];
    let seen = seenRole.get(roleNo);
    if (!seen) seenRole.set(roleNo, (seen = new Uint8Array(nResp)));
    if (!seen[r]) {
      seen[r] = 1;
      answered[role] = (answered[role] ?? 0) + 1;
    }
    for (let k = data.codeStart[i]; k < data.codeStart[i + 1]; k++) {
      const code = data.codes[k];
      const ref = data.codeRefs[code];
      if (ref.role !== role || ref.field !== field) continue;
      let hit = seenCode.get(code);
      if (!hit) seenCode.set(code, (hit = new Uint8Array(nResp)));
      if (hit[r]) continue;
      hit[r] = 1;
      const key = codeKey(ref.role, ref.field, ref.id);
      named.set(key, (named.get(key) ?? 0) + 1);
    }
  }
  return { respondents: nResp, answered, named };
}

/** One campaign of the series as the trend sees it. */
export interface TrendCampaign {
  /** Figures, or null when none may be shown (no analysis, too few respondents). */
  figures: CampaignFigures | null;
  /** Code ids of the codebook its run used (null: no run). */
  codes: ReadonlySet<string> | null;
}

export interface TrendCell {
  count: number;
  of: number;
  /** Whole percent of `of`. */
  percent: number;
}

export interface TrendRow {
  role: QuestionRole;
  field: CodeField;
  code: string;
  /** Per campaign (series order): the share, or null where the campaign has no figures or did not ask the role. */
  cells: Array<TrendCell | null>;
  /** True when every campaign with figures has the code in its codebook. */
  comparable: boolean;
  /** Campaigns (indexes) with figures whose codebook lacks the code. */
  missingIn: number[];
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 100) : 0);

/** All codes any campaign named, per role, with a cell per campaign; comparable ones first. */
export function trendRows(campaigns: readonly TrendCampaign[]): TrendRow[] {
  const withFigures = campaigns.map((c, i) => (c.figures ? i : -1)).filter((i) => i >= 0);
  const rows: TrendRow[] = [];
  for (const s of SECTIONS) {
    const ids = new Set<string>();
    const prefix = codeKey(s.role, s.field, '');
    for (const i of withFigures) for (const key of campaigns[i].figures!.named.keys()) if (key.startsWith(prefix)) ids.add(key.slice(prefix.length));
    const section: TrendRow[] = [];
    for (const code of ids) {
      const key = codeKey(s.role, s.field, code);
      const cells = campaigns.map((c) => {
        const of = c.figures?.answered[s.role] ?? 0;
        if (!c.figures || of === 0) return null;
        const count = c.figures.named.get(key) ?? 0;
        return { count, of, percent: pct(count, of) };
      });
      const missingIn = withFigures.filter((i) => campaigns[i].codes !== null && !campaigns[i].codes!.has(code));
      section.push({ role: s.role, field: s.field, code, cells, comparable: missingIn.length === 0, missingIn });
    }
    // Most named in the latest campaign with figures first, then by id (a stable order).
    const last = withFigures.at(-1) ?? -1;
    const share = (r: TrendRow) => (last >= 0 && r.cells[last] ? r.cells[last]!.count / r.cells[last]!.of : -1);
    section.sort((a, b) => Number(b.comparable) - Number(a.comparable) || share(b) - share(a) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    rows.push(...section);
  }
  return rows;
}

export interface TrendChange {
  role: QuestionRole;
  field: CodeField;
  code: string;
  from: TrendCell;
  to: TrendCell;
  /** Difference of the shares in percentage points (to − from), rounded to whole points. */
  points: number;
  /** The exact difference (fraction), for ordering. */
  delta: number;
  /** Notably higher/lower in `to` than in `from` (see NOTABLE_* in segment-compare.ts). */
  notable?: 'higher' | 'lower';
}

/** Changes of the comparable codes between campaign `from` and campaign `to` (indexes). */
export function changesBetween(rows: readonly TrendRow[], from: number, to: number): TrendChange[] {
  const out: TrendChange[] = [];
  for (const r of rows) {
    if (!r.comparable) continue;
    const a = r.cells[from];
    const b = r.cells[to];
    if (!a || !b) continue;
    const delta = b.count / b.of - a.count / a.of;
    const notable = notableDifference(b.count, b.of, a.count, a.of);
    out.push({ role: r.role, field: r.field, code: r.code, from: a, to: b, points: Math.round(delta * 100), delta, ...(notable ? { notable } : {}) });
  }
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
}

/** The codes that rose and fell the most (by percentage points; unchanged codes in neither list). */
export function movers(changes: readonly TrendChange[], n = 5): { rose: TrendChange[]; fell: TrendChange[] } {
  return {
    rose: changes.filter((c) => c.delta > 0).slice(0, n),
    fell: changes.filter((c) => c.delta < 0).slice(0, n),
  };
}

/*
 * Rating-scale questions (closed questions of `type: 'scale'`, issue 17 item 1): the mean and the
 * number of answers per campaign for questions with the same key, compared only where the scale
 * is the same (e.g. 0–10 in both). A change in the mean is marked notable with Welch's test in
 * its normal approximation: |mean₂ − mean₁| / √(s₁²/n₁ + s₂²/n₂) ≥ 1.96.
 */

/** |z| from which a change of a mean is marked notable (p < 0.05, two-sided). */
export const NOTABLE_MEAN_Z = 1.96;

/** Sums of one scale question's answers in one campaign. */
export interface ScaleStats {
  n: number;
  sum: number;
  sumSq: number;
}

/** One campaign's scale questions (key → range) and the sums of their answers. */
export interface ScaleCampaign {
  ranges: ReadonlyMap<string, { min: number; max: number }>;
  stats: ReadonlyMap<string, ScaleStats>;
  /** Fewer answers than this: no mean (the campaign's minimum group). */
  min: number;
}

export type ScaleCell = { n: number; mean: number; sd: number } | { suppressed: true; min: number };

export interface ScaleRow {
  key: string;
  /** Per campaign: the mean, suppressed, or null where the campaign has no such question (or no figures). */
  cells: Array<ScaleCell | null>;
  /** The range, when every campaign that asks the question uses the same one. */
  range?: { min: number; max: number };
  comparable: boolean;
}

export interface ScaleChange {
  key: string;
  from: { n: number; mean: number };
  to: { n: number; mean: number };
  /** Difference of the means (to − from). */
  diff: number;
  notable?: 'higher' | 'lower';
}

/** Mean and sample standard deviation from the sums. */
function meanOf(s: ScaleStats): { mean: number; sd: number } {
  const mean = s.sum / s.n;
  const variance = s.n > 1 ? Math.max(0, (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1)) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

/** Rows for every scale question key any campaign (with figures) asks, in first-asked order. */
export function scaleRows(campaigns: ReadonlyArray<ScaleCampaign | null>): ScaleRow[] {
  const keys: string[] = [];
  for (const c of campaigns) for (const key of c?.ranges.keys() ?? []) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => {
    const asked = campaigns.map((c) => c?.ranges.get(key)).filter((r): r is { min: number; max: number } => r !== undefined);
    const same = asked.every((r) => r.min === asked[0].min && r.max === asked[0].max);
    const cells = campaigns.map((c): ScaleCell | null => {
      if (!c || !c.ranges.has(key)) return null;
      const s = c.stats.get(key) ?? { n: 0, sum: 0, sumSq: 0 };
      if (s.n < c.min) return { suppressed: true, min: c.min };
      return { n: s.n, ...meanOf(s) };
    });
    return { key, cells, comparable: same, ...(same && asked.length ? { range: asked[0] } : {}) };
  });
}

/** The change of each comparable scale question between campaign `from` and `to`. */
export function scaleChanges(rows: readonly ScaleRow[], from: number, to: number): ScaleChange[] {
  const out: ScaleChange[] = [];
  for (const r of rows) {
    const a = r.cells[from];
    const b = r.cells[to];
    if (!r.comparable || !a || !b || 'suppressed' in a || 'suppressed' in b) continue;
    const diff = b.mean - a.mean;
    const se = Math.sqrt((a.sd * a.sd) / a.n + (b.sd * b.sd) / b.n);
    const z = se > 0 ? diff / se : diff !== 0 ? Math.sign(diff) * Infinity : 0;
    const notable = Math.abs(z) >= NOTABLE_MEAN_Z ? (diff > 0 ? 'higher' : 'lower') : undefined;
    out.push({ key: r.key, from: { n: a.n, mean: a.mean }, to: { n: b.n, mean: b.mean }, diff, ...(notable ? { notable } : {}) });
  }
  return out;
}
