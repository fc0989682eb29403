import { isKnownQuestion, type AnalysisAnswer, type AnalyzeOptions } from '../analysis/index.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { allowsOther, isClosed } from '../campaigns/question-types.js';
import { streamResponses } from '../responses/response.queries.js';

/** What the engine gets for one run: plain, structured-cloneable data only (it goes to a worker). */
export interface AnalysisInput {
  answers: AnalysisAnswer[];
  /** codebook + corrections come from the theme board (src/board) when a lead corrected anything. */
  options: Pick<AnalyzeOptions, 'campaignLanguage' | 'seed' | 'codebook' | 'corrections'>;
  responses: number;
}

type QuestionLike = Pick<Campaign['questions'][number], 'key' | 'role'> & Partial<Pick<Campaign['questions'][number], 'type' | 'allowOther'>>;

/**
 * The engine's `question` for a campaign question: the role name for the four interview roles
 * (whatever key the lead chose), the key for custom questions. A custom question whose key the
 * engine would read as a role ("q2") gets a prefix, so it is not coded as that role.
 */
export function engineQuestion(q: QuestionLike): string {
  if (q.role !== 'custom') return q.role;
  return isKnownQuestion(q.key) ? `custom_${q.key}` : q.key;
}

interface ResponseRow {
  _id: string;
  lang: string;
  segments?: Record<string, string>;
  answers?: Record<string, { text?: string } | undefined>;
}

/**
 * Turns one stored response into the engine's answers (one per answered question). Closed
 * questions (issue 17) give the engine nothing but the free text of "other, namely …", as an
 * answer to that question (same id, same role): a scale point or a chosen option is never text.
 */
export function answersOf(questions: readonly QuestionLike[], r: ResponseRow): AnalysisAnswer[] {
  const out: AnalysisAnswer[] = [];
  const segments = { ...(r.segments ?? {}) };
  for (const q of questions) {
    if (isClosed(q) && !allowsOther(q)) continue;
    const text = r.answers?.[q.key]?.text;
    if (typeof text !== 'string' || !text.trim()) continue;
    out.push({ id: `${r._id}:${q.key}`, question: engineQuestion(q), text, lang: r.lang, respondent: r._id, segments });
  }
  return out;
}

/**
 * Where a run's codebook edits and corrections come from: the theme board, wired in app.ts
 * (`useCorrectionsFrom(boardAnalyzeOptions)`), so analysis runs do not import the board that is
 * built on top of them. Without it a run uses the built-in codebook and no corrections.
 */
export type CorrectionsSource = (campaignId: Campaign['_id'], answers: readonly AnalysisAnswer[]) => Promise<Pick<AnalyzeOptions, 'codebook' | 'corrections'>>;
let correctionsSource: CorrectionsSource = async () => ({});

export function useCorrectionsFrom(source: CorrectionsSource): void {
  correctionsSource = source;
}

/**
 * Loads a campaign's submitted responses as engine input. The ONE query on `responses` per run
 * filters by `{campaignId}` only (FerretDB scans the collection for it either way) and streams in
 * batches, so decoding a big campaign does not block the event loop in one piece.
 */
export async function loadInput(campaign: Pick<Campaign, '_id' | 'questions' | 'languages'>): Promise<AnalysisInput> {
  const { answers, responses } = await loadAnswers(campaign);
  const first = campaign.languages[0];
  const board = await correctionsSource(campaign._id, answers);
  return { answers, responses, options: { campaignLanguage: first === 'en' ? 'en' : 'de', seed: 42, ...board } };
}

/** The campaign's answers as the engine sees them (also the theme board's texts). */
export async function loadAnswers(campaign: Pick<Campaign, '_id' | 'questions'>): Promise<{ answers: AnalysisAnswer[]; responses: number }> {
  const answers: AnalysisAnswer[] = [];
  let responses = 0;
  for await (const row of streamResponses<ResponseRow>(campaign._id, { lang: 1, segments: 1, answers: 1 }, 500)) {
    responses += 1;
    for (const a of answersOf(campaign.questions, row)) answers.push(a);
  }
  // Stable order whatever the database returns: the engine is deterministic for a given order.
  answers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { answers, responses };
}
