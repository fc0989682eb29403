import { QUOTES_BY_PRIORITY, type AnalysisResult, type Moscow, type Requirement, type RequirementEvidence } from '../analysis/index.js';
import { pick, type Lang } from '../shared/i18n/index.js';
import { responseIdOf, type SegmentContext } from './report-data.js';
import { evidenceKey, mergeRoot, type Curation, type CurationCounts, type Localized, type RequirementCuration } from './report-curation.js';

export const MOSCOW_ORDER: readonly Moscow[] = ['must', 'should', 'could', 'wont'];
const RANK: Record<Moscow, number> = { must: 0, should: 1, could: 2, wont: 3 };

/** Quotes a reader sees per requirement, by priority (defined beside the priorities, where the evaluation counts them too). */
export { QUOTES_BY_PRIORITY };

export interface SegmentValueCount {
  label: string;
  count: number;
}
export interface SegmentBreakdown {
  segment: string;
  label: string;
  /** Only values the anonymity plan offers; segments without any are left out. */
  values: SegmentValueCount[];
}

export interface EvidenceView {
  key: string;
  quote: string;
  /** Language of the answer the quote comes from (`lang` attribute), and whether to name it. */
  lang?: string;
  foreign: boolean;
  /** Segment values that may be shown next to this one answer (anonymity rule), as labels. */
  attribution: string[];
  state: 'pinned' | 'hidden' | 'none';
  /** Leads only: the answer (and, for a recording, the second to start at). */
  href?: string;
  seconds?: number;
}

export interface AnswerLink {
  href: string;
  seconds?: number;
}

export interface RequirementView {
  id: string;
  title: string;
  /** Set when the lead's title exists only in the other language. */
  titleLang?: Lang;
  renamed: boolean;
  /** The analysis' own title (shown to the lead next to a renamed one). */
  originalTitle: string;
  /** Both languages, for the rename form: the lead's title (if renamed) and the analysis'. */
  titles: { lead?: Localized; analysis: Localized };
  kind: Requirement['kind'];
  source: Requirement['source']['group'];
  /** Codebook codes of the need (names), kept as tags. */
  codes: string[];
  priority: Moscow;
  /** Set when the lead changed the priority: what the analysis said, and why it was changed. */
  priorityChange?: { from: Moscow; reason: string };
  respondents: number;
  percent: number;
  /** How many named it as a problem (q3) and as a wish (q4), when known. */
  problem?: number;
  wish?: number;
  rationale?: string;
  acceptance: string[];
  segments: SegmentBreakdown[];
  /** People of this requirement whose segment value is not offered (summed into one note per section). */
  hiddenPeople: number;
  /** What readers see: pinned first, then by the coder's confidence, capped by priority. */
  evidence: EvidenceView[];
  /** Leads only: further quotes (hidden ones and those beyond the cap), to pin or show again. */
  candidates: EvidenceView[];
  /** Leads only: curated quotes of this requirement that are no longer in the analysis. */
  staleEvidence: number;
  /** Quotes the lead hid (for the method section; the quotes themselves only reach leads). */
  hiddenCount: number;
  owner?: string;
  due?: string;
  /** Requirements the lead merged into this one. */
  merged: Array<{ id: string; title: string }>;
  /** Leads only: a merge into a requirement that is no longer in the analysis. */
  staleMerge?: string;
}

/** Curation of a requirement that is no longer in the analysis (shown to leads, not lost). */
export interface StaleRequirement {
  id: string;
  label: string;
  curation: RequirementCuration;
}

export interface RequirementsOutcome {
  items: RequirementView[];
  stale: StaleRequirement[];
  counts: CurationCounts;
}

type Who = Map<string, Set<string>>;

function addWho(m: Who, key: string, who: string): void {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(who);
}

/** Respondents per code as a problem (q3 themes) and as a wish (q4 features). */
export function respondentsByCode(result: Pick<AnalysisResult, 'answers'>): { problem: Who; wish: Who } {
  const problem: Who = new Map();
  const wish: Who = new Map();
  for (const a of result.answers) {
    const who = a.respondent ?? responseIdOf(a.id);
    if (a.role === 'challenges') for (const c of a.themes ?? []) addWho(problem, c, who);
    if (a.role === 'future') for (const c of a.features ?? []) addWho(wish, c, who);
  }
  return { problem, wish };
}

/** Who named a requirement: by its merged codes (new runs) or its one source code (older runs). */
function whoOf(r: Requirement, by: { problem: Who; wish: Who }): { problem: Set<string>; wish: Set<string> } {
  const problem = new Set<string>();
  const wish = new Set<string>();
  const codes = r.codes?.length ? r.codes : [r.source.code];
  const groups = r.codes?.length ? ['challenges', 'features'] : [r.source.group];
  for (const c of codes) {
    if (groups.includes('challenges')) for (const w of by.problem.get(c) ?? []) problem.add(w);
    if (groups.includes('features')) for (const w of by.wish.get(c) ?? []) wish.add(w);
  }
  return { problem, wish };
}

export interface RequirementContext {
  result: AnalysisResult;
  ctx: SegmentContext;
  lang: Lang;
  curation: Curation | null;
  /** Leads see further quotes and curation notes; readers see only the curated report. */
  curate: boolean;
  codeName: (id: string) => string;
  labels: { column: (key: string) => string; value: (key: string, value: string) => string; columns: () => string[] };
  links?: ReadonlyMap<string, AnswerLink>;
}

/**
 * The requirements of a run as the report shows them, with the lead's curation applied: merged
 * requirements folded into their target (people counted once, evidence and codes together),
 * titles, priorities and the action plan as the lead set them, quotes pinned or hidden. Every
 * anonymity rule is applied here (breakdowns only of offered values, attributions only of
 * offered values), so the page, the PDF, the share view and the exports cannot differ.
 */
export function requirementViews(rc: RequirementContext): RequirementsOutcome {
  const { result, curation } = rc;
  const byId = new Map(result.requirements.map((r) => [r.id, r]));
  const exists = (id: string) => byId.has(id);
  const by = respondentsByCode(result);
  const total = result.summary.respondents;
  const answerLang = new Map(result.answers.map((a) => [a.id, String(a.lang ?? '')]));
  const counts: CurationCounts = { renamed: 0, merged: 0, priorities: 0, pinned: 0, hidden: 0, planned: 0, summary: Boolean(curation?.summary), stale: 0 };

  // Merge groups: each requirement goes to the end of its merge chain.
  const groups = new Map<string, Requirement[]>();
  for (const r of result.requirements) {
    const root = mergeRoot(r.id, curation, exists);
    if (!groups.has(root)) groups.set(root, []);
    if (root === r.id) groups.get(root)!.unshift(r);
    else {
      groups.get(root)!.push(r);
      counts.merged += 1;
    }
  }

  const items: RequirementView[] = [];
  for (const [rootId, members] of groups) {
    const view = groupView(rc, byId.get(rootId)!, members, { by, total, answerLang });
    const c = curation?.requirements[rootId];
    if (view.renamed) counts.renamed += 1;
    if (view.priorityChange) counts.priorities += 1;
    if (c?.owner || c?.due) counts.planned += 1;
    counts.pinned += view.evidence.filter((e) => e.state === 'pinned').length;
    counts.hidden += view.hiddenCount;
    counts.stale += view.staleEvidence + (view.staleMerge ? 1 : 0);
    items.push(view);
  }
  items.sort((a, b) => RANK[a.priority] - RANK[b.priority] || b.respondents - a.respondents || a.title.localeCompare(b.title));

  const stale: StaleRequirement[] = Object.entries(curation?.requirements ?? {})
    .filter(([id]) => !exists(id))
    .map(([id, c]) => ({ id, label: pick(c.title, rc.lang) || pick(c.label, rc.lang) || id, curation: c }));
  counts.stale += stale.length;
  return { items, stale, counts };
}

interface Shared {
  by: { problem: Who; wish: Who };
  total: number;
  answerLang: Map<string, string>;
}

function groupView(rc: RequirementContext, root: Requirement, members: Requirement[], s: Shared): RequirementView {
  const { lang, curation } = rc;
  const c = curation?.requirements[root.id];
  const merged = members.length > 1;
  const problemWho = new Set<string>();
  const wishWho = new Set<string>();
  for (const m of members) {
    const w = whoOf(m, s.by);
    for (const x of w.problem) problemWho.add(x);
    for (const x of w.wish) wishWho.add(x);
  }
  const who = new Set([...problemWho, ...wishWho]);
  const respondents = merged ? who.size : root.respondents;
  const enginePriority = members.reduce<Moscow>((best, m) => (RANK[m.priority] < RANK[best] ? m.priority : best), root.priority);
  const priority = c?.priority ?? enginePriority;
  const lead = c?.title ? pick(c.title, lang) : '';
  const titleLang = c?.title && !c.title[lang] ? (lang === 'de' ? 'en' : 'de') : undefined;
  const originalTitle = pick(root.title, lang);
  const codes = [...new Set(members.flatMap((m) => (m.codes?.length ? m.codes : [m.source.code])))];
  const acceptance = [...new Set(members.flatMap((m) => (m.acceptance ?? []).map((a) => pick(a, lang)).filter(Boolean)))];
  const { evidence, candidates, staleEvidence, hiddenCount } = evidenceOf(rc, root, members, priority, s.answerLang);
  const mergedInto = c?.mergedInto;
  return {
    id: root.id,
    title: lead || originalTitle,
    titleLang,
    renamed: Boolean(lead),
    originalTitle,
    titles: { lead: c?.title, analysis: { de: root.title.de, en: root.title.en } },
    kind: root.kind,
    source: root.source.group,
    codes: codes.map(rc.codeName),
    priority,
    priorityChange: c?.priority ? { from: c.priorityFrom ?? root.priority, reason: c.priorityReason ?? '' } : undefined,
    respondents,
    percent: merged ? (s.total > 0 ? Math.round((who.size / s.total) * 100) : 0) : Math.round(root.share * 100),
    problem: merged ? problemWho.size : root.problem,
    wish: merged ? wishWho.size : root.wish,
    // An engine rationale counts the need alone; a merged one is described by its counts instead.
    rationale: merged ? undefined : pick(root.rationale, lang) || undefined,
    acceptance,
    ...breakdown(rc, who),
    evidence,
    candidates: rc.curate ? candidates : [],
    staleEvidence: rc.curate ? staleEvidence : 0,
    hiddenCount,
    owner: c?.owner,
    due: c?.due,
    merged: members.slice(1).map((m) => ({ id: m.id, title: pick(curation?.requirements[m.id]?.title, lang) || pick(m.title, lang) })),
    staleMerge: rc.curate && mergedInto && mergedInto !== root.id && !rc.result.requirements.some((r) => r.id === mergedInto) ? mergedInto : undefined,
  };
}

/** Breakdowns by segment: only the values the anonymity plan offers; everyone else is counted once. */
function breakdown(rc: RequirementContext, who: Set<string>): { segments: SegmentBreakdown[]; hiddenPeople: number } {
  const segments: SegmentBreakdown[] = [];
  let hiddenPeople = 0;
  for (const col of rc.labels.columns()) {
    const counts = new Map<string, number>();
    let hidden = 0;
    for (const id of who) {
      const v = rc.ctx.byResponse.get(id)?.[col];
      if (!v) continue;
      if (rc.ctx.plan.offers(col, v)) counts.set(v, (counts.get(v) ?? 0) + 1);
      else hidden += 1;
    }
    hiddenPeople = Math.max(hiddenPeople, hidden);
    if (counts.size === 0) continue;
    const values = [...counts]
      .map(([key, count]) => ({ label: rc.labels.value(col, key), count }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
    segments.push({ segment: col, label: rc.labels.column(col), values });
  }
  return { segments, hiddenPeople };
}

function evidenceOf(rc: RequirementContext, root: Requirement, members: Requirement[], priority: Moscow, answerLang: Map<string, string>) {
  const curation = rc.curation;
  const cs = members.map((m) => curation?.requirements[m.id]).filter((x): x is RequirementCuration => Boolean(x));
  const rootC = curation?.requirements[root.id];
  const stateOf = (key: string): EvidenceView['state'] => {
    if (rootC?.pinned.includes(key)) return 'pinned';
    if (rootC?.hidden.includes(key)) return 'hidden';
    if (cs.some((c) => c.pinned.includes(key))) return 'pinned';
    if (cs.some((c) => c.hidden.includes(key))) return 'hidden';
    return 'none';
  };
  const all: Array<RequirementEvidence & { key: string }> = [];
  const seen = new Set<string>();
  for (const m of members) {
    for (const e of m.evidence) {
      if (!rc.ctx.byResponse.has(responseIdOf(e.id)) || !e.quote.trim()) continue;
      // One quote once: the same key (merged requirements citing one sentence), or the very same
      // words from several people.
      const key = evidenceKey(e);
      const words = e.quote.replace(/\s+/g, ' ').trim().toLowerCase();
      if (seen.has(key) || seen.has(words)) continue;
      seen.add(key).add(words);
      all.push({ ...e, key });
    }
  }
  // Ranked by the coder's confidence for the requirement's code where the run has it (a stable
  // sort keeps the engine's order otherwise).
  if (all.every((e) => typeof e.confidence === 'number')) all.sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
  const views = all.map((e) => evidenceView(rc, e, stateOf(e.key), answerLang));
  const pinnedOrder = [...(rootC?.pinned ?? []), ...cs.flatMap((c) => c.pinned)];
  const pinned = views.filter((v) => v.state === 'pinned').sort((a, b) => pinnedOrder.indexOf(a.key) - pinnedOrder.indexOf(b.key));
  const open = views.filter((v) => v.state === 'none');
  const room = Math.max(0, QUOTES_BY_PRIORITY[priority] - pinned.length);
  const evidence = [...pinned, ...open.slice(0, room)];
  const candidates = [...open.slice(room), ...views.filter((v) => v.state === 'hidden')];
  const keys = new Set(all.map((e) => e.key));
  const curatedKeys = new Set(cs.flatMap((c) => [...c.pinned, ...c.hidden]));
  const staleEvidence = [...curatedKeys].filter((k) => !keys.has(k)).length;
  return { evidence, candidates, staleEvidence, hiddenCount: views.filter((v) => v.state === 'hidden').length };
}

function evidenceView(rc: RequirementContext, e: RequirementEvidence & { key: string }, state: EvidenceView['state'], answerLang: Map<string, string>): EvidenceView {
  const segs = rc.ctx.byResponse.get(responseIdOf(e.id));
  const attribution = segs ? Object.entries(rc.ctx.shown(segs)).map(([k, v]) => rc.labels.value(k, v)) : [];
  const lang = e.lang || answerLang.get(e.id) || undefined;
  const link = rc.curate ? rc.links?.get(e.key) : undefined;
  return {
    key: e.key,
    quote: e.quote,
    lang,
    foreign: Boolean(lang && lang !== rc.lang),
    attribution,
    state,
    ...(link ? { href: link.href, seconds: link.seconds } : {}),
  };
}

/** The title to record with a change: what the lead saw, in both languages. */
export function labelOf(r: Pick<Requirement, 'title'>, c: RequirementCuration | undefined): Localized {
  return c?.title ?? { de: r.title.de, en: r.title.en };
}
