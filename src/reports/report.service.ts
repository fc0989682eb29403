import { BUILTIN_CODEBOOK, type AnalysisResult, type Codebook, type Moscow } from '../analysis/index.js';
import type { RunView } from '../analysis-runs/analysis-run.service.js';
import { codeNames } from '../analysis-runs/summary-view.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { LANGUAGE_DIMENSION } from '../shared/anonymity.js';
import { pick, type Lang, type MessageKey } from '../shared/i18n/index.js';
import { responseIdOf, type SegmentContext } from './report-data.js';
import { noCuration, type Curation, type CurationCounts, type CurationHistoryEntry, type Localized } from './report-curation.js';
import { MOSCOW_ORDER, requirementViews, type AnswerLink, type RequirementView, type StaleRequirement } from './report-requirements.js';

export { MOSCOW_ORDER, QUOTES_BY_PRIORITY, type EvidenceView, type RequirementView, type SegmentBreakdown } from './report-requirements.js';

/** The MoSCoW rule of the engine (src/analysis/requirements.ts `moscow`), stated for the method note. */
export const MOSCOW_THRESHOLDS = { must: 25, should: 12, could: 4 } as const;

export interface BalanceRow {
  label: string;
  technical: number;
  cultural: number;
  technicalPercent: number;
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
    topChannel?: string;
    /** The lead's own summary (paragraphs), and its language when only the other one was written. */
    lead?: { paragraphs: string[]; lang?: Lang };
  };
  readiness: {
    technical: number;
    cultural: number;
    technicalPercent: number;
    culturalPercent: number;
    stance: 'technical_first' | 'balanced' | 'enablement_first';
    /** The readiness statement: printed here, once. */
    text: string;
    firstSteps: RequirementView[];
    /** Per segment: only groups the anonymity plan offers. */
    bySegment: Array<{ segment: string; label: string; rows: BalanceRow[] }>;
    /** Some groups were left out (one note for the section). */
    groupsHidden: boolean;
  };
  requirements: Array<{ priority: Moscow; items: RequirementView[] }>;
  /** Some people of some requirement are in groups too small to show (one note for the section). */
  requirementGroupsHidden: boolean;
  /** The action plan: requirements with an owner or a target date, in priority order. */
  plan: RequirementView[];
  channels: Array<{ id: string; name: string; count: number; percent: number }>;
  channelBase: number;
  meanings: Array<{ id: string; name: string; count: number; percent: number }>;
  meaningBase: number;
  method: {
    answers: number;
    respondents: number;
    languages: Array<{ lang: string; count: number }>;
    codebookVersion: string;
    /** Theme-board corrections (the board's history) the run was given, and those made since. */
    corrections: number;
    correctionsSince: number;
    runDate: Date;
    minGroupSize: number;
    anonymity: string;
    thresholds: typeof MOSCOW_THRESHOLDS;
    /** What the lead curated (only what applies to this analysis). */
    curated: CurationCounts;
    /** The same as text parts (message key and count), in a fixed order; "nothing" when uncurated. */
    curatedParts: Array<{ key: MessageKey; n: number }>;
  };
  /** Leads only: the curation's history, entries that no longer apply, and the summary as written. */
  curation?: {
    history: Array<CurationHistoryEntry & { name: string; intoName: string }>;
    stale: StaleRequirement[];
    summary: Localized;
    /** Every requirement shown (merge targets, in the form's order). */
    all: Array<{ id: string; title: string }>;
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

export interface ReportOptions {
  /** The campaign codebook the run used (theme-board renames and new codes). */
  codebook?: Codebook;
  /** Theme-board corrections the run was given and those made after it started. */
  board?: { applied: number; pending: number };
  curation?: Curation | null;
  /** Leads (not stakeholders, not share links): curation forms, further quotes, links to answers. */
  curate?: boolean;
  /** Evidence key → link to the answer (leads only). */
  links?: ReadonlyMap<string, AnswerLink>;
}

/**
 * The requirements report as plain data, with every anonymity rule already applied (breakdowns
 * and attributions only of values the plan offers) and the lead's curation folded in, so the
 * HTML view, the PDF, the share view and the exports cannot differ in what they reveal.
 * Quotes of responses deleted after the run are left out.
 */
export function buildReport(campaign: CampaignLike, run: RunView, analysed: AnalysisResult, ctx: SegmentContext, lang: Lang, opts: ReportOptions = {}): ReportView {
  // Fewer respondents than the minimum group: nothing of what they said may be shown.
  const withheld = ctx.plan.tooFew ? { respondents: ctx.plan.size, min: ctx.plan.min } : undefined;
  const result = withheld ? withheldResult(analysed) : analysed;
  const names = namesOf(opts.codebook);
  const name = (id: string) => pick(names.get(id) ?? { de: id, en: id }, lang);
  const labels = segmentLabeller(campaign, lang);
  const summary = result.summary;
  const curation = opts.curation ?? null;
  const curate = opts.curate ?? false;

  const outcome = requirementViews({ result, ctx, lang, curation, curate, codeName: name, labels, links: opts.links });
  const all = outcome.items;
  const grouped = MOSCOW_ORDER.map((priority) => ({ priority, items: all.filter((r) => r.priority === priority) })).filter((g) => g.items.length > 0);
  const counts = Object.fromEntries(MOSCOW_ORDER.map((p) => [p, all.filter((r) => r.priority === p).length])) as Record<Moscow, number>;
  const { channels, channelBase, meanings, meaningBase } = landscape(result, name);
  const finishedAt = run.finishedAt ?? run.createdAt;
  const stance = summary.rolloutReadiness.stance;
  const leadSummary = curation?.summary ? pick(curation.summary, lang) : '';

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
      topChannel: channels[0]?.name,
      lead: leadSummary
        ? { paragraphs: leadSummary.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean), lang: curation?.summary?.[lang] ? undefined : lang === 'de' ? 'en' : 'de' }
        : undefined,
    },
    readiness: readinessOf(result, ctx, labels, all, lang),
    requirements: grouped,
    requirementGroupsHidden: all.some((r) => r.hiddenPeople > 0),
    plan: all.filter((r) => r.owner || r.due),
    channels,
    channelBase,
    meanings,
    meaningBase,
    method: {
      answers: summary.answers,
      respondents: summary.respondents,
      languages: Object.entries(summary.languages ?? {})
        .map(([l, count]) => ({ lang: l, count }))
        .sort((a, b) => b.count - a.count),
      codebookVersion: opts.codebook?.version || codebookVersionOf(result),
      corrections: opts.board?.applied ?? 0,
      correctionsSince: opts.board?.pending ?? 0,
      runDate: finishedAt,
      minGroupSize: ctx.minGroupSize,
      anonymity: campaign.anonymity ?? 'anonymous',
      thresholds: MOSCOW_THRESHOLDS,
      curated: outcome.counts,
      curatedParts: curatedParts(outcome.counts),
    },
    curation: curate
      ? {
          history: historyView(curation, result, all, lang),
          stale: outcome.stale,
          summary: curation?.summary ?? { de: '', en: '' },
          all: all.map((r) => ({ id: r.id, title: r.title })),
        }
      : undefined,
  };
}

function curatedParts(c: CurationCounts): Array<{ key: MessageKey; n: number }> {
  if (noCuration(c)) return [{ key: 'report.method.curated.none', n: 0 }];
  const parts: Array<[MessageKey, number]> = [
    ['report.method.curated.summary', c.summary ? 1 : 0],
    ['report.method.curated.renamed', c.renamed],
    ['report.method.curated.merged', c.merged],
    ['report.method.curated.priorities', c.priorities],
    ['report.method.curated.pinned', c.pinned],
    ['report.method.curated.hidden', c.hidden],
    ['report.method.curated.planned', c.planned],
  ];
  return parts.filter(([, n]) => n > 0).map(([key, n]) => ({ key, n }));
}

/** The curation history, newest first, with each requirement named as the lead knows it now. */
function historyView(curation: Curation | null, result: AnalysisResult, all: RequirementView[], lang: Lang) {
  const shown = new Map(all.map((r) => [r.id, r.title]));
  const raw = new Map(result.requirements.map((r) => [r.id, pick(curation?.requirements[r.id]?.title ?? r.title, lang)]));
  const labelOf = (id: string | undefined) => (id ? (shown.get(id) ?? raw.get(id) ?? (pick(curation?.requirements[id]?.label, lang) || id)) : '');
  // A requirement is named as it was at the time (a rename reads "old" → "new"); the target of a
  // merge as it is now.
  return [...(curation?.history ?? [])].reverse().map((h) => ({ ...h, name: pick(h.label, lang) || labelOf(h.requirement), intoName: labelOf(h.into) }));
}

function readinessOf(result: AnalysisResult, ctx: SegmentContext, labels: ReturnType<typeof segmentLabeller>, all: RequirementView[], lang: Lang): ReportView['readiness'] {
  const summary = result.summary;
  const balance = summary.challengeBalance;
  const stance = summary.rolloutReadiness.stance;
  // What to do first: the stance decides which kind of requirement leads.
  const actionable = all.filter((r) => r.priority === 'must' || r.priority === 'should');
  const firstKind = stance === 'technical_first' ? 'capability' : stance === 'enablement_first' ? 'enablement' : undefined;
  const firstSteps = firstKind
    ? [...actionable.filter((r) => r.kind === firstKind), ...actionable.filter((r) => r.kind !== firstKind)].slice(0, 3)
    : [actionable.find((r) => r.kind === 'capability'), actionable.find((r) => r.kind === 'enablement'), ...actionable].filter((r, i, arr): r is RequirementView => !!r && arr.indexOf(r) === i).slice(0, 3);
  let groupsHidden = false;
  const bySegment = Object.entries(summary.challengeBalanceBySegment ?? {})
    .filter(([col]) => col !== LANGUAGE_DIMENSION)
    .map(([col, values]) => {
      const rows: BalanceRow[] = [];
      for (const [key, b] of Object.entries(values)) {
        if (!ctx.plan.offers(col, key)) {
          groupsHidden = true;
          continue;
        }
        rows.push({ label: labels.value(col, key), technical: b.technical, cultural: b.cultural, technicalPercent: Math.round(b.technicalShare * 100) });
      }
      return { segment: col, label: labels.column(col), rows };
    })
    .filter((s) => s.rows.length > 0);
  const technicalPercent = Math.round(balance.technicalShare * 100);
  return {
    technical: balance.technical,
    cultural: balance.cultural,
    technicalPercent,
    culturalPercent: balance.answers > 0 ? 100 - technicalPercent : 0,
    stance,
    text: pick(summary.rolloutReadiness, lang),
    firstSteps,
    bySegment,
    groupsHidden,
  };
}

/** Channels in use today (q1) and what "digital workplace" means (q2), by respondents. */
function landscape(result: AnalysisResult, name: (id: string) => string) {
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
    if (a.role === 'current_practice') {
      q1.add(who);
      for (const c of a.channels ?? []) add(channelWho, c, who);
    }
    if (a.role === 'meaning') {
      q2.add(who);
      for (const c of a.themes ?? []) add(meaningWho, c, who);
    }
  }
  const ranked = (m: Map<string, Set<string>>, base: number) =>
    [...m]
      .map(([id, who]) => ({ id, name: name(id), count: who.size, percent: percent(who.size, base) }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { channels: ranked(channelWho, q1.size), channelBase: q1.size, meanings: ranked(meaningWho, q2.size).slice(0, 8), meaningBase: q2.size };
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
