import type { AnalysisResult, AnalysisSummary, Moscow } from '../analysis/index.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import type { RunView } from '../analysis-runs/analysis-run.service.js';
import { codeNames } from '../analysis-runs/summary-view.js';
import { runData } from './dashboard.data.js';

/**
 * "What changed since the last run": the deltas between two finished runs of a campaign —
 * code counts (channels, themes, features), the technical:cultural balance and readiness
 * stance, requirements added/removed/re-prioritised, and new theme candidates.
 */

const NAMES = codeNames();

export interface CodeDelta {
  id: string;
  name: { de: string; en: string };
  before: number;
  after: number;
  delta: number;
  status: 'new' | 'gone' | 'same';
}

export function codeDeltas(before: Record<string, number> = {}, after: Record<string, number> = {}, names: Map<string, { de: string; en: string }> = NAMES): CodeDelta[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids]
    .map((id) => {
      const b = before[id] ?? 0;
      const a = after[id] ?? 0;
      const status: CodeDelta['status'] = b === 0 && a > 0 ? 'new' : a === 0 && b > 0 ? 'gone' : 'same';
      return { id, name: names.get(id) ?? NAMES.get(id) ?? { de: id, en: id }, before: b, after: a, delta: a - b, status };
    })
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || y.after - x.after || (x.id < y.id ? -1 : 1));
}

export interface RunComparison {
  from: RunView;
  to: RunView;
  answers: { before: number; after: number };
  respondents: { before: number; after: number };
  balance: { before: number; after: number; delta: number };
  stance: { before: string; after: string };
  channels: CodeDelta[];
  themes: CodeDelta[];
  features: CodeDelta[];
  requirements: {
    added: Array<{ id: string; title: { de: string; en: string }; priority: Moscow }>;
    removed: Array<{ id: string; title: { de: string; en: string }; priority: Moscow }>;
    changed: Array<{ id: string; title: { de: string; en: string }; before: Moscow; after: Moscow }>;
  };
  candidates: { added: string[]; removed: string[] };
}

/** Pure: compares two summaries and results (tests call it without a database). */
export function compareResults(
  from: RunView,
  to: RunView,
  a: Pick<AnalysisResult, 'requirements' | 'clusters'> & { summary: AnalysisSummary },
  b: Pick<AnalysisResult, 'requirements' | 'clusters'> & { summary: AnalysisSummary },
  /** Code names of the runs' own codebooks (theme-board renames and new codes), the later run's first. */
  names: Map<string, { de: string; en: string }> = NAMES,
): RunComparison {
  const before = new Map(a.requirements.map((r) => [r.id, r]));
  const after = new Map(b.requirements.map((r) => [r.id, r]));
  const pct = (s: AnalysisSummary) => Math.round(s.challengeBalance.technicalShare * 100);
  const candidates = (r: Pick<AnalysisResult, 'clusters'>) => new Set(r.clusters.filter((c) => c.newThemeCandidate).map((c) => c.label));
  const ca = candidates(a);
  const cb = candidates(b);
  return {
    from,
    to,
    answers: { before: a.summary.answers, after: b.summary.answers },
    respondents: { before: a.summary.respondents, after: b.summary.respondents },
    balance: { before: pct(a.summary), after: pct(b.summary), delta: pct(b.summary) - pct(a.summary) },
    stance: { before: a.summary.rolloutReadiness.stance, after: b.summary.rolloutReadiness.stance },
    channels: codeDeltas(a.summary.channels, b.summary.channels, names),
    themes: codeDeltas(a.summary.themes, b.summary.themes, names),
    features: codeDeltas(a.summary.features, b.summary.features, names),
    requirements: {
      added: [...after.values()].filter((r) => !before.has(r.id)).map((r) => ({ id: r.id, title: r.title, priority: r.priority })),
      removed: [...before.values()].filter((r) => !after.has(r.id)).map((r) => ({ id: r.id, title: r.title, priority: r.priority })),
      changed: [...after.values()]
        .filter((r) => before.has(r.id) && before.get(r.id)!.priority !== r.priority)
        .map((r) => ({ id: r.id, title: r.title, before: before.get(r.id)!.priority, after: r.priority })),
    },
    candidates: { added: [...cb].filter((l) => !ca.has(l)), removed: [...ca].filter((l) => !cb.has(l)) },
  };
}

/**
 * Compares two finished runs of the campaign. Reads the runs' compact dashboard data (in memory,
 * or one `_id` read of `dashboard_runs`; built from the stored result the first time), which
 * carries summary, requirements, clusters and the codebook names each run used.
 */
export async function compareRuns(campaign: Pick<Campaign, '_id' | 'segments'>, from: RunView, to: RunView): Promise<RunComparison> {
  const [a, b] = await Promise.all([runData(from.id, campaign), runData(to.id, campaign)]);
  const names = new Map(NAMES);
  for (const d of [a, b]) for (const [code, name] of Object.entries(d.codebook.names)) names.set(code, name);
  return compareResults(from, to, a.result, b.result, names);
}
