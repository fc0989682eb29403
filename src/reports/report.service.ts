import { BUILTIN_CODEBOOK, type AnalysisResult, type Codebook, type Moscow, type Requirement } from '../analysis/index.js';
import type { RunView } from '../analysis-runs/analysis-run.service.js';
import { codeNames } from '../analysis-runs/summary-view.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { LANGUAGE_DIMENSION } from '../shared/anonymity.js';
import { pick, type Lang } from '../shared/i18n/index.js';
import { responseIdOf, type SegmentContext } from './report-data.js';

/** The MoSCoW rule of the engine (src/analysis/requirements.ts `moscow`), stated for the method note. */
export const MOSCOW_THRESHOLDS = { must: 25, should: 12, could: 4 } as const;
export const MOSCOW_ORDER: readonly Moscow[] = ['must', 'should', 'could', 'wont'];
/** Evidence quotes shown per requirement (the engine keeps up to five). */
export const QUOTES_PER_REQUIREMENT = 3;

export interface SegmentValueCount {
  label: string;
  count: number;
}
export interface SegmentBreakdown {
  segment: string;
  label: string;
  values: SegmentValueCount[];
  /** People of this requirement whose value of the segment is not offered by the anonymity plan. */
  hidden: number;
}
export interface EvidenceView {
  quote: string;
  /** Segment values that may be shown next to this one answer (anonymity rule), as labels. */
  attribution: string[];
}
export interface RequirementView {
  id: string;
  title: string;
  kind: Requirement['kind'];
  source: Requirement['source']['group'];
  priority: Moscow;
  respondents: number;
  percent: number;
  segments: SegmentBreakdown[];
  evidence: EvidenceView[];
}
export interface BalanceRow {
  label: string;
  suppressed: boolean;
  technical?: number;
  cultural?: number;
  technicalPercent?: number;
}
export interface ReportView {
  lang: Lang;
  /**
   * Set when the run's respondents are fewer than the minimum group size: then the report shows
   * no figures, requirements or quotes at all (the same rule as the dashboard), only this.
   */
  withheld?: { respondents: number; min: number };
  campaign: { id: string; title: string; description: string };
  run: { id: string; finishedAt: Date; answers: number; respondents: number };
  summary: {
    respondents: number;
    answers: number;
    counts: Record<Moscow, number>;
    topMust: string[];
    stance: 'technical_first' | 'balanced' | 'enablement_first';
    readinessText: string;
    topChannel?: string;
  };
  readiness: {
    technical: number;
    cultural: number;
    technicalPercent: number;
    culturalPercent: number;
    stance: 'technical_first' | 'balanced' | 'enablement_first';
    text: string;
    firstSteps: RequirementView[];
    bySegment: Array<{ segment: string; label: string; rows: BalanceRow[] }>;
  };
  requirements: Array<{ priority: Moscow; items: RequirementView[] }>;
  channels: Array<{ id: string; name: string; count: number; percent: number }>;
  channelBase: number;
  meanings: Array<{ id: string; name: string; count: number; percent: number }>;
  meaningBase: number;
  method: {
    answers: number;
    respondents: number;
    languages: Array<{ lang: string; count: number }>;
    codebookVersion: string;
    /** Theme-board corrections the run was given. */
    corrections: number;
    runDate: Date;
    minGroupSize: number;
    anonymity: string;
    thresholds: typeof MOSCOW_THRESHOLDS;
  };
}

type CampaignLike = Pick<Campaign, '_id' | 'title' | 'description' | 'segments' | 'anonymity' | 'minGroupSize'>;

/** Labels of a campaign's segment columns and options in one language (unknown keys stay keys). */
export function segmentLabeller(campaign: Pick<Campaign, 'segments'>, lang: Lang) {
  const columns = new Map<string, { label: string; options: Map<string, string> }>();
  for (const s of campaign.segments ?? []) {
    columns.set(s.key, { label: pick(s.label, lang) || s.key, options: new Map(s.options.map((o) => [o.key, pick(o.label, lang) || o.key])) });
  }
  return {
    column: (key: string) => columns.get(key)?.label ?? key,
    value: (key: string, value: string) => columns.get(key)?.options.get(value) ?? value,
    columns: () => [...columns.keys()],
    optionKeys: (key: string) => [...(columns.get(key)?.options.keys() ?? [])],
  };
}

const percent = (n: number, base: number) => (base > 0 ? Math.round((n / base) * 100) : 0);

/**
 * The requirements report as plain data, with every anonymity rule already applied (segment
 * breakdowns through suppressSmallGroups, attributions next to quotes through attributeFilter),
 * so the HTML view, the share view and the Markdown export cannot differ in what they reveal.
 * Quotes of responses deleted after the run are left out.
 */
export function buildReport(
  campaign: CampaignLike,
  run: RunView,
  analysed: AnalysisResult,
  ctx: SegmentContext,
  lang: Lang,
  board: { codebook?: Codebook; corrections?: number } = {},
): ReportView {
  // Fewer respondents than the minimum group: nothing of what they said may be shown.
  const withheld = ctx.plan.tooFew ? { respondents: ctx.plan.size, min: ctx.plan.min } : undefined;
  const result = withheld ? withheldResult(analysed) : analysed;
  const names = namesOf(board.codebook);
  const name = (id: string) => pick(names.get(id) ?? { de: id, en: id }, lang);
  const labels = segmentLabeller(campaign, lang);
  const min = ctx.minGroupSize;
  const summary = result.summary;

  // One pass over the answers: respondents per requirement source, channels, meanings.
  const bySource = new Map<string, Set<string>>();
  const channelWho = new Map<string, Set<string>>();
  const meaningWho = new Map<string, Set<string>>();
  const q1 = new Set<string>();
  const q2 = new Set<string>();
  const add = (m: Map<string, Set<string>>, key: string, who: string) => {
    let s = m.get(key);
    if (!s) m.set(key, (s = new Set()));
    s.add(who);
  };
  for (const a of result.answers) {
    const who = a.respondent ?? responseIdOf(a.id);
    if (a.role === 'future') for (const c of a.features ?? []) add(bySource, `features:${c}`, who);
    if (a.role === 'challenges') for (const c of a.themes ?? []) add(bySource, `challenges:${c}`, who);
    if (a.role === 'current_practice') {
      q1.add(who);
      for (const c of a.channels ?? []) add(channelWho, c, who);
    }
    if (a.role === 'meaning') {
      q2.add(who);
      for (const c of a.themes ?? []) add(meaningWho, c, who);
    }
  }

  // Breakdowns by segment: only the values the anonymity plan offers (src/shared/anonymity.ts);
  // everyone else is counted as "hidden", in one number per segment.
  const columns = labels.columns();
  const breakdown = (who: Set<string> | undefined): SegmentBreakdown[] => {
    if (!who || columns.length === 0) return [];
    return columns.map((col) => {
      const counts = new Map<string, number>();
      let hidden = 0;
      for (const id of who) {
        const v = ctx.byResponse.get(id)?.[col];
        if (!v) continue;
        if (ctx.plan.offers(col, v)) counts.set(v, (counts.get(v) ?? 0) + 1);
        else hidden += 1;
      }
      const values = [...counts]
        .map(([key, count]) => ({ label: labels.value(col, key), count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
      return { segment: col, label: labels.column(col), values, hidden };
    });
  };
  const attribution = (answerId: string): string[] => {
    const segs = ctx.byResponse.get(responseIdOf(answerId));
    if (!segs) return [];
    return Object.entries(ctx.shown(segs)).map(([k, v]) => labels.value(k, v));
  };

  const requirementView = (r: Requirement): RequirementView => ({
    id: r.id,
    title: pick(r.title, lang),
    kind: r.kind,
    source: r.source.group,
    priority: r.priority,
    respondents: r.respondents,
    percent: Math.round(r.share * 100),
    segments: breakdown(bySource.get(`${r.source.group}:${r.source.code}`)),
    evidence: r.evidence
      .filter((e) => ctx.byResponse.has(responseIdOf(e.id)) && e.quote.trim() !== '')
      .slice(0, QUOTES_PER_REQUIREMENT)
      .map((e) => ({ quote: e.quote, attribution: attribution(e.id) })),
  });
  const all = result.requirements.map(requirementView);
  const grouped = MOSCOW_ORDER.map((priority) => ({ priority, items: all.filter((r) => r.priority === priority) })).filter((g) => g.items.length > 0);
  const counts = Object.fromEntries(MOSCOW_ORDER.map((p) => [p, all.filter((r) => r.priority === p).length])) as Record<Moscow, number>;

  const balance = summary.challengeBalance;
  const stance = summary.rolloutReadiness.stance;
  // What to do first: the stance decides which kind of requirement leads.
  const actionable = all.filter((r) => r.priority === 'must' || r.priority === 'should');
  const firstKind = stance === 'technical_first' ? 'capability' : stance === 'enablement_first' ? 'enablement' : undefined;
  const firstSteps = firstKind
    ? [...actionable.filter((r) => r.kind === firstKind), ...actionable.filter((r) => r.kind !== firstKind)].slice(0, 3)
    : [actionable.find((r) => r.kind === 'capability'), actionable.find((r) => r.kind === 'enablement'), ...actionable].filter((r, i, arr): r is RequirementView => !!r && arr.indexOf(r) === i).slice(0, 3);

  const bySegment = Object.entries(summary.challengeBalanceBySegment ?? {})
    .filter(([col]) => col !== LANGUAGE_DIMENSION)
    .map(([col, values]) => ({
      segment: col,
      label: labels.column(col),
      rows: Object.entries(values).map(([key, b]): BalanceRow =>
        ctx.plan.offers(col, key)
          ? { label: labels.value(col, key), suppressed: false, technical: b.technical, cultural: b.cultural, technicalPercent: Math.round(b.technicalShare * 100) }
          : { label: labels.value(col, key), suppressed: true },
      ),
    }));

  const ranked = (m: Map<string, Set<string>>, base: number) =>
    [...m]
      .map(([id, who]) => ({ id, name: name(id), count: who.size, percent: percent(who.size, base) }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const channels = ranked(channelWho, q1.size);
  const finishedAt = run.finishedAt ?? run.createdAt;
  const technicalPercent = Math.round(balance.technicalShare * 100);

  return {
    lang,
    withheld,
    campaign: { id: String(campaign._id), title: campaign.title, description: campaign.description ?? '' },
    run: { id: run.id, finishedAt, answers: summary.answers, respondents: summary.respondents },
    summary: {
      respondents: summary.respondents,
      answers: summary.answers,
      counts,
      topMust: all.filter((r) => r.priority === 'must').slice(0, 3).map((r) => r.title),
      stance,
      readinessText: pick(summary.rolloutReadiness, lang),
      topChannel: channels[0]?.name,
    },
    readiness: {
      technical: balance.technical,
      cultural: balance.cultural,
      technicalPercent,
      culturalPercent: balance.answers > 0 ? 100 - technicalPercent : 0,
      stance,
      text: pick(summary.rolloutReadiness, lang),
      firstSteps,
      bySegment,
    },
    requirements: grouped,
    channels,
    channelBase: q1.size,
    meanings: ranked(meaningWho, q2.size).slice(0, 8),
    meaningBase: q2.size,
    method: {
      answers: summary.answers,
      respondents: summary.respondents,
      languages: Object.entries(summary.languages ?? {})
        .map(([l, count]) => ({ lang: l, count }))
        .sort((a, b) => b.count - a.count),
      codebookVersion: board.codebook?.version || codebookVersionOf(result),
      corrections: board.corrections ?? 0,
      runDate: finishedAt,
      minGroupSize: min,
      anonymity: campaign.anonymity ?? 'anonymous',
      thresholds: MOSCOW_THRESHOLDS,
    },
  };
}

/** A result with nothing in it but its counts: what a report of too few respondents may show. */
function withheldResult(result: AnalysisResult): AnalysisResult {
  const s = result.summary;
  return {
    answers: [],
    clusters: [],
    requirements: [],
    summary: {
      ...s,
      languages: {},
      channels: {},
      themes: {},
      features: {},
      challengeBalance: { technical: 0, cultural: 0, technicalShare: 0.5, answers: 0 },
      challengeBalanceBySegment: {},
    },
  };
}

/** Code id → DE/EN name: the built-in codebook, overridden by the run's campaign codebook (theme board). */
export function namesOf(codebook?: Codebook): Map<string, { de: string; en: string }> {
  const names = codeNames(BUILTIN_CODEBOOK);
  if (codebook) for (const [id, name] of codeNames(codebook)) names.set(id, name);
  return names;
}

/** The codebook version a result was coded with (stored by newer runs; the built-in one otherwise). */
export function codebookVersionOf(result: AnalysisResult): string {
  const stored = (result as { codebookVersion?: unknown }).codebookVersion ?? (result.summary as { codebookVersion?: unknown }).codebookVersion;
  return typeof stored === 'string' && stored ? stored : BUILTIN_CODEBOOK.version;
}
