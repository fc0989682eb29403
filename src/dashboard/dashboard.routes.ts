import { Router, type Request, type Response } from 'express';
import { listRuns, type RunView } from '../analysis-runs/analysis-run.service.js';
import { answerDimensions, questionOfDimension } from '../campaigns/answer-dimensions.js';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { responseRates, type ResponseRates } from '../participants/participant.service.js';
import { responsesByIds } from '../responses/response.queries.js';
import { notFound } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { runData, type RunData } from './dashboard.data.js';
import { compareQuerySchema, drillQuerySchema, filtersFrom, runQuerySchema, segmentsQuerySchema } from './dashboard.schemas.js';
import { compareRuns } from './run-compare.js';
import {
  applyFilters,
  codeName,
  cuePatterns,
  dashboardView,
  dimensionLabel,
  drillAnswers,
  filterOptions,
  minGroupOf,
  planOfRun,
  queryString,
  responsesBySegment,
  valueLabel,
  withAnswerDimensions,
  type FilterState,
} from './dashboard.service.js';
import { closedDataOf } from './closed-data.js';
import { quoteOf } from './quotes.js';
import { segmentComparison, type CompareRow } from './segment-compare.js';
import { closedCompareSection, closedSection } from './closed-view.js';

const PAGE = 20;

/**
 * The dashboard's templates (one page, ~10 partial includes) are compiled once per process: with
 * express's `view cache` off (it is on only with NODE_ENV=production) EJS would recompile every
 * include on every request, which cost more than computing the figures.
 */
const CACHED_VIEWS = { cache: true } as const;

type Computed = { segments: ReturnType<typeof responsesBySegment>; view: ReturnType<typeof dashboardView> | null; filters: ReturnType<typeof filterOptions> };
const MEMO_PER_RUN = 200;
const memos = new WeakMap<RunData, Map<string, Computed>>();
function memo(data: RunData, key: string, compute: () => Computed): Computed {
  let m = memos.get(data);
  if (!m) memos.set(data, (m = new Map()));
  let hit = m.get(key);
  if (!hit) {
    hit = compute();
    if (m.size >= MEMO_PER_RUN) m.delete(m.keys().next().value as string);
    m.set(key, hit);
  }
  return hit;
}

/** Invitation-based response rates change while a campaign runs: re-read at most every 30 s. */
const ratesCache = new TtlCache<Promise<ResponseRates>>(30_000, 200);
function cachedRates(campaign: Campaign): Promise<ResponseRates> {
  const key = String(campaign._id);
  let hit = ratesCache.get(key);
  if (!hit) {
    hit = responseRates(campaign);
    hit.catch(() => ratesCache.delete(key));
    ratesCache.set(key, hit);
  }
  return hit;
}

interface Loaded {
  campaign: Campaign;
  runs: RunView[];
  run?: RunView;
  data?: RunData;
  state?: FilterState;
}

/** The campaign, its finished runs, the chosen run's data and the filtered population. */
async function load(campaignId: string, query: Record<string, unknown>): Promise<Loaded> {
  const campaign = await getCampaign(campaignId);
  const runs = (await listRuns(campaign._id)).filter((r) => r.status === 'done');
  const wanted = runQuerySchema.parse(query).run;
  const run = wanted ? runs.find((r) => r.id === wanted) : runs[0];
  if (wanted && !run) throw notFound('Analysis run');
  if (!run) return { campaign, runs };
  // With single-choice and scale questions, their answers are dimensions too (filters and
  // comparison columns), taken from the closed answers' data of the same run (cached per run).
  const coded = await runData(run.id, campaign);
  const closed = closedDataOf(campaign, run);
  const data = closed ? withAnswerDimensions(coded, await closed) : coded;
  const filters = filtersFrom(
    query,
    campaign.segments.map((s) => s.key),
    answerDimensions(campaign).map((d) => d.question),
  );
  return { campaign, runs, run, data, state: applyFilters(data, filters, minGroupOf(campaign)) };
}

function filterChips(campaign: Campaign, state: FilterState, lang: Lang, runId: string, base: string) {
  return state.selected.map((f) => ({
    ...f,
    label: valueLabel(campaign, f.dim, f.value, lang),
    // The same view without this one filter.
    removeHref: `${base}${queryString(runId, state.selected.filter((x) => x !== f))}`,
  }));
}

/** Dashboard pages: one page per campaign (leads and stakeholders) and its drill-downs. */
export function dashboardRouter(): Router {
  const router = Router();
  // GET /lead/campaigns/:id/dashboard — the one page: figures, charts, filters
  router.get('/campaigns/:id/dashboard', showDashboard);
  // GET /lead/campaigns/:id/dashboard/answers — the answers behind one number or chart element
  router.get('/campaigns/:id/dashboard/answers', showAnswers);
  // GET /lead/campaigns/:id/dashboard/segments?dim= — the groups of one segment side by side
  router.get('/campaigns/:id/dashboard/segments', showSegments);
  // GET /lead/campaigns/:id/analysis/compare?from=&to= — what changed between two finished runs
  // (default: the latest one against the one before it)
  router.get('/campaigns/:id/analysis/compare', showComparison);
  return router;
}

async function showDashboard(req: Request<{ id: string }>, res: Response): Promise<void> {
  const started = performance.now();
  const lang = res.locals.lang as Lang;
  const { campaign, runs, run, data, state } = await load(req.params.id, req.query);
  const id = String(campaign._id);
  const base = `/lead/campaigns/${id}/dashboard`;
  const common = { title: res.locals.t('dashboard.title'), campaign, runs, run, base, readOnly: Boolean(res.locals.readOnly) };
  // Closed questions (issue 17): their own population and plan (closed-figures.ts), the same filters.
  const reader = { lang, t: res.locals.t, readOnly: common.readOnly };
  const closed = await closedSection(campaign, run, state?.selected ?? [], minGroupOf(campaign), reader);
  if (!run || !data || !state) {
    res.render('dashboard/dashboard', { ...common, ...CACHED_VIEWS, view: null, state: null, closed });
    return;
  }
  const min = minGroupOf(campaign);
  const rates = await cachedRates(campaign);
  // A run's figures never change: the computed sections are memoised per run, filter
  // combination, language and threshold (bounded), so a repeated view only renders.
  const memoKey = `${lang}|${min}|${state.selected.map((f) => `${f.dim}=${f.value}`).join('&')}`;
  const computed = memo(data, memoKey, () => ({
    segments: responsesBySegment(data, min),
    view: state.mask ? dashboardView(data, { ...state, mask: state.mask }, base, lang) : null,
    filters: filterOptions(data, campaign, min, lang),
  }));
  const bySegment = segmentRows(computed.segments, rates, campaign, res.locals, { base, runId: run.id, lang });
  const view = computed.view;
  res.set('Server-Timing', `render;dur=${(performance.now() - started).toFixed(1)}`);
  res.render('dashboard/dashboard', {
    ...common,
    ...CACHED_VIEWS,
    view,
    state,
    closed,
    data: { respondents: data.respondents.length, answers: data.aId.length },
    bySegment,
    overallRate: rates.overall.suppressed ? undefined : rates.overall,
    filters: computed.filters,
    chips: filterChips(campaign, state, lang, run.id, base),
    allHref: `${base}/answers${queryString(run.id, state.selected)}`,
  });
}

/**
 * Respondents per segment value (suppressed below the threshold), each with its response rate
 * among those invited where that is shown too, and links to filter by it or read its answers.
 */
function segmentRows(segments: Computed['segments'], rates: ResponseRates, campaign: Campaign, locals: Response['locals'], at: { base: string; runId: string; lang: Lang }) {
  const { base, runId, lang } = at;
  return segments.map((s) => {
    const segment = campaign.segments.find((x) => x.key === s.dim);
    const invited = rates.bySegment.find((b) => b.segment === s.dim);
    return {
      dim: s.dim,
      label: segment ? locals.pick(segment.label) : locals.t('dashboard.filter.language'),
      rows: s.rows.map((row) => {
        const label = row.key ? valueLabel(campaign, s.dim, row.key, lang) : locals.t('dashboard.not_given');
        if (row.suppressed) return { key: row.key, label, suppressed: true as const };
        const inv = invited?.rows.find((r) => r.key === row.key);
        return {
          key: row.key,
          label,
          suppressed: false as const,
          value: row.size,
          invited: inv && !inv.suppressed ? inv.size : undefined,
          rate: inv && !inv.suppressed ? Math.round(inv.rate * 100) : undefined,
          href: row.key ? `${base}${queryString(runId, [{ dim: s.dim, value: row.key }])}` : '',
          answersHref: row.key ? `${base}/answers${queryString(runId, [{ dim: s.dim, value: row.key }], { kind: 'all' })}` : '',
        };
      }),
    };
  });
}

async function showAnswers(req: Request<{ id: string }>, res: Response): Promise<void> {
  const lang = res.locals.lang as Lang;
  const q = drillQuerySchema.parse(req.query);
  const { campaign, run, data, state } = await load(req.params.id, req.query);
  if (!run || !data || !state) throw notFound('Analysis result');
  const id = String(campaign._id);
  const base = `/lead/campaigns/${id}/dashboard`;
  const readOnly = Boolean(res.locals.readOnly);
  const heading = drillHeading(q, data, res.locals.t, lang);
  const common = {
    title: heading,
    heading,
    campaign,
    run,
    base,
    readOnly,
    backHref: `${base}${queryString(run.id, state.selected)}`,
    chips: filterChips(campaign, state, lang, run.id, base),
    state,
  };
  if (!state.mask) {
    res.render('dashboard/answers', { ...common, ...CACHED_VIEWS, quotes: [], total: 0, page: 1, pages: 1, missing: 0 });
    return;
  }
  const all = drillAnswers(data, state.mask, q);
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const page = Math.min(q.page, pages);
  const slice = all.slice((page - 1) * PAGE, page * PAGE);
  const patterns = q.kind === 'code' ? cuePatterns(q.code, data) : [];
  const quotes = await pageQuotes(campaign, data, slice, patterns, res.locals);
  const pageHref = (p: number) => `${base}/answers${queryString(run.id, state.selected, pageParams(q, p))}`;
  res.render('dashboard/answers', {
    ...common,
    ...CACHED_VIEWS,
    quotes,
    total: all.length,
    missing: slice.length - quotes.length,
    page,
    pages,
    prevHref: page > 1 ? pageHref(page - 1) : '',
    nextHref: page < pages ? pageHref(page + 1) : '',
  });
}

/**
 * The quotes of one page of answers (`slice`: answer positions in the run's data), each with its
 * language, its question and — for leads — a link to the answer at the quote's second.
 */
async function pageQuotes(campaign: Campaign, data: RunData, slice: number[], patterns: ReturnType<typeof cuePatterns>, locals: Response['locals']) {
  const id = String(campaign._id);
  const readOnly = Boolean(locals.readOnly);
  // The page's answers in one call (responses feature: `_id` lookups on FerretDB, one `$in` on
  // MongoDB); a response deleted after the run is simply missing.
  const docs = await responsesByIds<{ _id: string; answers?: Record<string, unknown> }>(
    slice.map((i) => data.aId[i].slice(0, data.aId[i].lastIndexOf(':'))),
    { answers: 1 },
    campaign._id,
  );
  return slice
    .map((i) => {
      const answerId = data.aId[i];
      const cut = answerId.lastIndexOf(':');
      const responseId = answerId.slice(0, cut);
      const key = answerId.slice(cut + 1);
      const doc = docs.get(responseId);
      if (!doc) return null;
      const quote = quoteOf(doc.answers?.[key], patterns);
      if (!quote) return null;
      const question = campaign.questions.find((x) => x.key === key);
      const href = readOnly ? '' : `/lead/campaigns/${id}/responses/${encodeURIComponent(responseId)}${quote.seconds !== undefined ? `?t=${quote.seconds}` : ''}`;
      const langDim = data.dims.find((d) => d.key === 'language')!;
      const answerLang = langDim.idx[data.aResp[i]] >= 0 ? langDim.values[langDim.idx[data.aResp[i]]] : '';
      return { ...quote, lang: answerLang, question: question ? locals.pick(question.prompt) : key, href };
    })
    .filter((x) => x !== null);
}

async function showSegments(req: Request<{ id: string }>, res: Response): Promise<void> {
  const started = performance.now();
  const lang = res.locals.lang as Lang;
  const { campaign, runs, run, data } = await load(req.params.id, { run: req.query.run });
  const id = String(campaign._id);
  const base = `/lead/campaigns/${id}/dashboard`;
  const common = { title: res.locals.t('dashboard.segments.title'), campaign, runs, run, base, readOnly: Boolean(res.locals.readOnly) };
  if (!run || !data) {
    res.render('dashboard/segments', { ...common, ...CACHED_VIEWS, comparison: null, dims: [], min: minGroupOf(campaign) });
    return;
  }
  const min = minGroupOf(campaign);
  const wanted = segmentsQuerySchema.parse(req.query).dim;
  const dim = data.dims.find((d) => d.key === wanted) ?? data.dims[0];
  const comparison = dim ? segmentComparison(data, dim.key, planOfRun(data, min)) : null;
  const dims = data.dims.map((d) => ({ key: d.key, label: dimensionLabel(campaign, d.key, lang), answer: questionOfDimension(d.key) !== undefined }));
  const answerQuestion = dim ? questionOfDimension(dim.key) : undefined;
  const answerHint = answerQuestion !== undefined ? res.locals.t('dashboard.segments.answer_hint', { question: res.locals.pick(campaign.questions.find((q) => q.key === answerQuestion)?.prompt), min }) : '';
  const label = (r: CompareRow) => (r.field === 'type' ? res.locals.t('dashboard.segments.technical') : codeName(r.key, lang, data));
  const drill = (r: CompareRow, value?: string) => {
    const filters = value && comparison ? [{ dim: comparison.dim, value }] : [];
    const extra: Record<string, string> = r.field === 'type' ? { kind: 'type', type: 'technical' } : { kind: 'code', role: r.role, field: r.field, code: r.key };
    return `${base}/answers${queryString(run.id, filters, extra)}`;
  };
  const sections = comparison
    ? (['current_practice', 'meaning', 'challenges', 'future'] as const)
        .map((role) => ({
          role,
          rows: comparison.rows
            .filter((r) => r.role === role)
            .map((r) => ({ ...r, label: label(r), href: drill(r), cells: r.cells.map((c, k) => ({ ...c, href: drill(r, comparison.columns[k].value) })) })),
        }))
        .filter((s) => s.rows.length > 0)
    : [];
  const columns = comparison ? comparison.columns.map((c) => ({ ...c, label: valueLabel(campaign, comparison.dim, c.value, lang) })) : [];
  // Scales and choices side by side (issue 17): columns offered by the closed answers' own plan.
  const closed = dim
    ? await closedCompareSection(campaign, run, dim.key, min, { lang, t: res.locals.t, readOnly: common.readOnly, valueLabel: (d, v) => valueLabel(campaign, d, v, lang) })
    : null;
  res.set('Server-Timing', `render;dur=${(performance.now() - started).toFixed(1)}`);
  res.render('dashboard/segments', { ...common, ...CACHED_VIEWS, comparison, columns, sections, dims, dim: dim?.key, min, closed, answerHint });
}

async function showComparison(req: Request<{ id: string }>, res: Response): Promise<void> {
  const campaign = await getCampaign(req.params.id);
  const query = compareQuerySchema.parse(req.query);
  const done = (await listRuns(campaign._id)).filter((r) => r.status === 'done');
  const to = query.to ? done.find((r) => r.id === query.to) : done[0];
  const from = query.from ? done.find((r) => r.id === query.from) : done[done.indexOf(to!) + 1];
  if ((query.to && !to) || (query.from && !from)) throw notFound('Analysis run');
  const comparison = to && from && to.id !== from.id ? await compareRuns(campaign, from, to) : undefined;
  res.render('lead/analysis-compare', { title: res.locals.t('dashboard.compare.title'), campaign, runs: done, comparison });
}

function pageParams(q: ReturnType<typeof drillQuerySchema.parse>, page: number): Record<string, string> {
  const out: Record<string, string> = { kind: q.kind };
  if (q.role) out.role = q.role;
  if (q.field) out.field = q.field;
  if (q.code) out.code = q.code;
  if (q.type) out.type = q.type;
  if (q.cluster) out.cluster = q.cluster;
  out.page = String(page);
  return out;
}

function drillHeading(q: ReturnType<typeof drillQuerySchema.parse>, data: RunData, t: Response['locals']['t'], lang: Lang): string {
  if (q.kind === 'code') return t('dashboard.drill.code', { name: codeName(q.code ?? '', lang, data) });
  if (q.kind === 'type') return t('dashboard.drill.type', { name: t(`dashboard.type.${q.type ?? 'technical'}`) });
  if (q.kind === 'cluster') return t('dashboard.drill.cluster', { name: data.result.clusters.find((c) => c.id === q.cluster)?.label ?? '' });
  if (q.role) return t('dashboard.drill.role', { name: t(`role.${q.role}`) });
  return t('dashboard.drill.all');
}
