import type { RunView } from '../analysis-runs/analysis-run.service.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { optionLabel, questionType } from '../campaigns/question-types.js';
import { pick, type Lang, type Translate } from '../shared/i18n/index.js';
import { closedDataOf } from './closed-data.js';
import { closedComparison, closedFilter, questionFigures, type ClosedCell } from './closed-figures.js';
import type { Filter } from './types.js';

/**
 * What the dashboard and the segment comparison show of the closed questions (issue 17): the
 * figures of closed-figures.ts with the campaign's wording in the reader's language. Without a
 * finished run the dashboard shows them for all responses so far (a campaign of closed
 * questions only needs no text analysis to be read).
 */

interface Reader {
  lang: Lang;
  t: Translate;
  /** Leads get a link to the question's answers (the "other" texts); stakeholders do not. */
  readOnly: boolean;
}

const LIVE_TTL_MS = 30_000;

/** A run-like stand-in for "all responses until now", re-read at most every 30 s. */
function liveRun(campaign: Pick<Campaign, '_id'>) {
  const bucket = Math.floor(Date.now() / LIVE_TTL_MS) * LIVE_TTL_MS;
  return { id: `live:${String(campaign._id)}:${bucket}`, stages: [], createdAt: new Date(), startedAt: undefined, finishedAt: undefined };
}

export interface ClosedRowView {
  label: string;
  value: number;
  percent: number;
}

export interface ClosedQuestionView {
  key: string;
  type: string;
  prompt: string;
  n: number;
  answered: number;
  /** Below the minimum number of answers: no figure. */
  withheld: boolean;
  mean?: number;
  median?: number;
  rows: ClosedRowView[];
  ranking?: Array<{ label: string; meanRank: number; first: number }>;
  hasOther: boolean;
  href: string;
}

export interface ClosedSectionView {
  /** The population: responses up to the run (or so far, without a run). */
  population: number;
  live: boolean;
  min: number;
  suppressed?: 'total' | 'group';
  questions: ClosedQuestionView[];
}

/** The dashboard's closed-question section for the selected filters, or null when the campaign has no closed question. */
export async function closedSection(campaign: Campaign, run: RunView | undefined, filters: readonly Filter[], min: number, reader: Reader): Promise<ClosedSectionView | null> {
  const loading = run ? closedDataOf(campaign, run) : closedDataOf(campaign, liveRun(campaign), LIVE_TTL_MS);
  if (!loading) return null;
  const data = await loading;
  const state = closedFilter(data, filters, min);
  const base = { population: data.respondents.length, live: !run, min: state.min };
  if (!state.mask) return { ...base, suppressed: state.suppressed, questions: [] };
  const { lang, t } = reader;
  const other = t('lead.response.closed_other');
  const questions: ClosedQuestionView[] = [];
  data.questions.forEach((qd) => {
    const q = campaign.questions.find((x) => x.key === qd.key)!;
    const f = questionFigures(qd, state.mask!, state.min);
    const n = campaign.questions.indexOf(q) + 1;
    const common = {
      key: q.key,
      type: questionType(q),
      prompt: pick(q.prompt, lang),
      n,
      answered: f.answered,
      hasOther: qd.keys?.includes('other') === true && q.allowOther === true,
      href: reader.readOnly ? '' : `/lead/campaigns/${String(campaign._id)}/questions/${q.key}`,
    };
    if (f.type === 'scale') {
      const minLabel = pick(q.scale?.minLabel, lang);
      const maxLabel = pick(q.scale?.maxLabel, lang);
      const label = (point: number) => (point === q.scale?.min ? `${point} – ${minLabel}` : point === q.scale?.max ? `${point} – ${maxLabel}` : String(point));
      questions.push({
        ...common,
        withheld: f.mean === undefined,
        mean: f.mean,
        median: f.median,
        rows: (f.distribution ?? []).map((d) => ({ label: label(d.point), value: d.count, percent: d.percent })),
      });
    } else if (f.type === 'ranking') {
      questions.push({ ...common, withheld: !f.rows, rows: [], ranking: (f.rows ?? []).map((r) => ({ label: optionLabel(q, r.key, lang, other), meanRank: r.meanRank, first: r.first })) });
    } else {
      questions.push({ ...common, withheld: !f.rows, rows: (f.rows ?? []).map((r) => ({ label: optionLabel(q, r.key, lang, other), value: r.count, percent: r.percent })) });
    }
  });
  return { ...base, questions };
}

export interface ClosedCompareView {
  columns: Array<{ value: string; label: string; respondents: number }>;
  hidden: number;
  respondents: number;
  rows: Array<{ label: string; question: string; type: string; total: ClosedCell; cells: ClosedCell[] }>;
}

/** The closed questions' rows of the segment comparison for one dimension (its own columns: see closed-figures.ts). */
export async function closedCompareSection(
  campaign: Campaign,
  run: RunView,
  dim: string,
  min: number,
  reader: Reader & { valueLabel: (dim: string, value: string) => string },
): Promise<ClosedCompareView | null> {
  const loading = closedDataOf(campaign, run);
  if (!loading) return null;
  const comparison = closedComparison(await loading, dim, min);
  if (!comparison) return null;
  const { lang, t } = reader;
  const other = t('lead.response.closed_other');
  return {
    columns: comparison.columns.map((c) => ({ ...c, label: reader.valueLabel(comparison.dim, c.value) })),
    hidden: comparison.hidden,
    respondents: comparison.respondents,
    rows: comparison.rows.map((r) => {
      const q = campaign.questions.find((x) => x.key === r.question)!;
      const prompt = pick(q.prompt, lang);
      return {
        label: r.type === 'scale' ? `${t('dashboard.closed.mean')} (${q.scale?.min}–${q.scale?.max})` : optionLabel(q, r.choice ?? '', lang, other),
        question: prompt,
        type: r.type,
        total: r.total,
        cells: r.cells,
      };
    }),
  };
}
