import mongoose from 'mongoose';
import { groupForQuestion, type AnalysisAnswer, type AnalysisResult, type AnsweredCodes, type ChallengeType, type CodeGroup } from '../analysis/index.js';
import { engineQuestion } from '../analysis-runs/analysis-input.js';
import type { AnalysisRunRecord } from '../analysis-runs/analysis-run.model.js';
import { runState, storedAnalysis } from '../analysis-runs/analysis-run.queries.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { responsesByIds } from '../responses/response.queries.js';
import { badRequest, notFound } from '../shared/errors.js';
import { BoardCorrectionModel, type BoardCorrectionRecord } from './board-correction.model.js';
import { listCorrections, toCorrectionData } from './board-overrides.js';
import { foldCorrections, newCodeId, resolveCode, type BoardState, type CorrectionKind } from './board-state.js';
import { parseObjectId } from '../shared/ids.js';

type Localized = { de: string; en: string };

export interface BoardAnswer {
  id: string;
  text: string;
  lang: string;
  /** Codes as the board shows them: the run's, with the lead's corrections applied. */
  codes: string[];
  challengeType?: ChallengeType;
  confidence?: number;
  cluster?: string;
  /** The lead corrected this answer (the next run keeps exactly these codes / this type). */
  corrected: boolean;
}

export interface BoardTheme {
  /** `code:<id>` or `cluster:<id>`: the theme's address on the board. */
  ref: string;
  kind: 'code' | 'cluster';
  id: string;
  name: Localized;
  /** Challenge codes: technical or cultural. */
  type?: ChallengeType;
  /** Made on the board (split or a named cluster). */
  created?: boolean;
  /** Clusters: most distinctive terms, and no code covers it. */
  terms?: string[];
  newThemeCandidate?: boolean;
  answers: BoardAnswer[];
}

export interface BoardQuestion {
  key: string;
  role: string;
  prompt: Localized;
  engineQuestion: string;
  output?: CodeGroup['output'];
  isChallenges: boolean;
  codes: Array<{ id: string; name: Localized; type?: ChallengeType }>;
  codeThemes: BoardTheme[];
  clusterThemes: BoardTheme[];
  answers: BoardAnswer[];
  uncoded: BoardAnswer[];
}

export interface HistoryItem {
  id: string;
  kind: CorrectionKind;
  questionKey: string;
  authorName: string;
  createdAt: Date;
  /** Made after the run the board shows: applies from the next run on. */
  pending: boolean;
  theme: Localized;
  into?: Localized;
  name?: Localized;
  type?: ChallengeType;
  answers: number;
}

export interface Board {
  /** Clusters of the shown run already named as a theme on the board → that code. */
  named: Map<string, string>;
  run?: { id: string; createdAt: Date; finishedAt?: Date; answers?: number };
  /** A run is queued or running right now. */
  active: boolean;
  questions: BoardQuestion[];
  history: HistoryItem[];
  pending: number;
  state: BoardState;
}

const QUESTION_OF_ROLE: Record<string, string> = { current_practice: 'q1', meaning: 'q2', challenges: 'q3', future: 'q4' };
const same = (a: Localized): Localized => ({ de: a.de || a.en, en: a.en || a.de });

/** A finished run's result never changes: the last few are kept parsed (board pages and POSTs reuse them). */
const resultCache = new Map<string, AnalysisResult>();
const RESULT_CACHE_SIZE = 2;

async function storedResult(runId: mongoose.Types.ObjectId): Promise<AnalysisResult | undefined> {
  const key = String(runId);
  const hit = resultCache.get(key);
  if (hit) {
    resultCache.delete(key);
    resultCache.set(key, hit);
    return hit;
  }
  const doc = await storedAnalysis(runId);
  if (!doc) return undefined;
  resultCache.set(key, doc.result);
  while (resultCache.size > RESULT_CACHE_SIZE) resultCache.delete(resultCache.keys().next().value!);
  return doc.result;
}

/** Empties the result cache (tests). */
export function forgetBoardResults(): void {
  resultCache.clear();
}

/**
 * The answers with their texts, read by response `_id` (FerretDB pushes `_id` lookups down).
 * Answers whose response was deleted since the run (or whose text is gone) are left out.
 */
export async function withTexts(answers: readonly BoardAnswer[]): Promise<BoardAnswer[]> {
  const ids = answers.map((a) => a.id.slice(0, a.id.lastIndexOf(':')));
  const rows = await responsesByIds<{ _id: string; answers?: Record<string, { text?: string } | undefined> }>(ids, { answers: 1 });
  const out: BoardAnswer[] = [];
  for (const a of answers) {
    const cut = a.id.lastIndexOf(':');
    const text = rows.get(a.id.slice(0, cut))?.answers?.[a.id.slice(cut + 1)]?.text;
    if (typeof text === 'string' && text.trim()) out.push({ ...a, text });
  }
  return out;
}

/** Codes an answer has on the board: the lead's own, else the run's mapped through merges. */
function boardCodes(state: BoardState, group: CodeGroup | undefined, a: AnsweredCodes): string[] {
  const own = state.answerCodes.get(a.id);
  if (own) return own;
  if (!group) return [];
  const known = new Set(group.codes.map((c) => c.id));
  return [...new Set((a[group.output] ?? []).map((c) => resolveCode(state.aliases, c)))].filter((c) => known.has(c));
}

/**
 * The theme board of a campaign: the latest finished run's themes per question (codes and emergent
 * clusters with their answers) with every correction made so far applied, and the history.
 */
export async function loadBoard(campaign: Campaign): Promise<Board> {
  const [{ done, active }, corrections] = await Promise.all([runState(campaign._id), listCorrections(campaign._id)]);
  const result = done ? await storedResult(done._id) : undefined;
  // The board works on the run's answers (ids, questions, codes); texts are read only for the
  // answers a page shows (withTexts), so a board page never scans all responses.
  const index = new Map<string, Pick<AnalysisAnswer, 'text' | 'lang' | 'question'>>((result?.answers ?? []).map((a) => [a.id, { text: '', lang: a.lang, question: a.question }]));
  const state = foldCorrections(corrections.map(toCorrectionData), index);
  const history = historyOf(corrections, state, done);
  const named = new Map<string, string>();
  for (const c of corrections) {
    if (c.kind !== 'rename' || !c.cluster || !c.newCode || !done || String(c.runId) !== String(done._id)) continue;
    const code = resolveCode(state.aliases, c.newCode);
    if (state.codebook.groups.some((g) => g.codes.some((x) => x.id === code))) named.set(`${c.questionKey}\u0000${c.cluster}`, code);
  }
  const pending = history.filter((h) => h.pending).length;
  if (!done || !result) return { named, active, questions: [], history, pending, state };
  const byQuestion = new Map<string, AnsweredCodes[]>();
  for (const a of result.answers) {
    const key = a.id.slice(a.id.lastIndexOf(':') + 1);
    let list = byQuestion.get(key);
    if (!list) byQuestion.set(key, (list = []));
    list.push(a);
  }
  const questions: BoardQuestion[] = campaign.questions.map((q) => {
    const eq = engineQuestion(q);
    const group = groupForQuestion(state.codebook, eq);
    const isChallenges = group?.role === 'challenges';
    const list: BoardAnswer[] = (byQuestion.get(q.key) ?? []).map((a) => {
      const type = isChallenges ? (state.answerTypes.get(a.id) ?? a.challenge_type) : undefined;
      return {
        id: a.id,
        text: '',
        lang: a.lang,
        codes: boardCodes(state, group, a),
        ...(type ? { challengeType: type } : {}),
        ...(isChallenges && !state.answerTypes.has(a.id) && a.challenge_confidence !== undefined ? { confidence: a.challenge_confidence } : {}),
        ...(a.cluster ? { cluster: a.cluster } : {}),
        corrected: state.answerCodes.has(a.id) || state.answerTypes.has(a.id),
      };
    });
    const codes = (group?.codes ?? []).map((c) => ({ id: c.id, name: same(c.name), ...(c.type ? { type: c.type } : {}) }));
    const codeThemes: BoardTheme[] = codes.map((c) => ({
      ref: `code:${c.id}`,
      kind: 'code',
      id: c.id,
      name: c.name,
      ...(c.type ? { type: c.type } : {}),
      ...(state.created.has(c.id) ? { created: true } : {}),
      answers: list.filter((a) => a.codes.includes(c.id)),
    }));
    const resultKey = q.role !== 'custom' ? QUESTION_OF_ROLE[q.role] : eq;
    const clusterThemes: BoardTheme[] = result.clusters
      .filter((c) => c.question === resultKey)
      .map((c) => ({
        ref: `cluster:${c.id}`,
        kind: 'cluster' as const,
        id: c.id,
        name: { de: c.label, en: c.label },
        terms: c.terms,
        newThemeCandidate: c.newThemeCandidate,
        answers: list.filter((a) => a.cluster === c.id),
      }))
      .filter((c) => c.answers.length > 0);
    return {
      key: q.key,
      role: q.role,
      prompt: same({ de: q.prompt.de ?? '', en: q.prompt.en ?? '' }),
      engineQuestion: eq,
      ...(group ? { output: group.output } : {}),
      isChallenges,
      codes,
      codeThemes,
      clusterThemes,
      answers: list,
      uncoded: list.filter((a) => a.codes.length === 0),
    };
  });
  return {
    run: { id: String(done._id), createdAt: done.createdAt, ...(done.finishedAt ? { finishedAt: done.finishedAt } : {}), ...(done.answers !== undefined && done.answers !== null ? { answers: done.answers } : {}) },
    named,
    active,
    questions,
    history,
    pending,
    state,
  };
}

function historyOf(corrections: readonly BoardCorrectionRecord[], state: BoardState, run: AnalysisRunRecord | undefined): HistoryItem[] {
  const names = new Map<string, Localized>();
  for (const g of state.codebook.groups) for (const c of g.codes) names.set(c.id, same(c.name));
  const nameOf = (id: string | undefined | null): Localized => {
    if (!id) return { de: '', en: '' };
    return names.get(resolveCode(state.aliases, id)) ?? { de: id, en: id };
  };
  // Merged-away codes are named as they were in the built-in codebook, not by their survivor.
  const ownName = (id: string | undefined | null): Localized => {
    if (!id) return { de: '', en: '' };
    for (const g of state.codebook.groups) for (const c of g.codes) if (c.id === id) return same(c.name);
    return nameOf(id);
  };
  const startedAt = run?.startedAt ?? run?.createdAt;
  return corrections
    .map((c) => ({
      id: String(c._id),
      kind: c.kind as CorrectionKind,
      questionKey: c.questionKey,
      authorName: c.authorName ?? '',
      createdAt: c.createdAt,
      pending: !startedAt || c.createdAt > startedAt,
      theme: c.cluster ? { de: c.clusterLabel ?? c.cluster, en: c.clusterLabel ?? c.cluster } : ownName(c.code),
      ...(c.into ? { into: nameOf(c.into) } : {}),
      ...(c.name && (c.name.de || c.name.en) ? { name: same({ de: c.name.de ?? '', en: c.name.en ?? '' }) } : {}),
      ...(c.challengeType ? { type: c.challengeType as ChallengeType } : {}),
      answers: c.assign?.length ?? 0,
    }))
    .reverse();
}

export function findQuestion(board: Board, key: string): BoardQuestion {
  const q = board.questions.find((x) => x.key === key);
  if (!q) throw notFound('Question');
  return q;
}

export function findTheme(q: BoardQuestion, ref: string): BoardTheme {
  const theme = [...q.codeThemes, ...q.clusterThemes].find((x) => x.ref === ref);
  if (!theme) throw notFound('Theme');
  return theme;
}

interface Author {
  id: string;
  name: string;
  email: string;
}

interface NewCorrection {
  kind: CorrectionKind;
  code?: string;
  cluster?: string;
  clusterLabel?: string;
  into?: string;
  newCode?: string;
  name?: Localized;
  challengeType?: ChallengeType;
  assign?: Array<{ answer: string; codes?: string[]; challengeType?: ChallengeType }>;
}

async function save(campaign: Campaign, board: Board, q: BoardQuestion, author: Author, c: NewCorrection): Promise<string> {
  const _id = new mongoose.Types.ObjectId();
  await BoardCorrectionModel.create({
    _id,
    campaignId: campaign._id,
    runId: new mongoose.Types.ObjectId(board.run!.id),
    questionKey: q.key,
    question: q.engineQuestion,
    ...c,
    ...(c.newCode ? { newCode: c.newCode } : {}),
    authorId: parseObjectId(author.id) ?? undefined,
    authorName: author.name || author.email,
  });
  return String(_id);
}

const codeIn = (q: BoardQuestion, id: string) => q.codes.some((c) => c.id === id);
const without = (codes: string[], drop: string | undefined, add?: string) => {
  const out = codes.filter((c) => c !== drop);
  if (add && !out.includes(add)) out.push(add);
  return out;
};
const newId = (name: Localized) => newCodeId(name.en || name.de, new mongoose.Types.ObjectId().toHexString().slice(-6));

/** Rename a code, or give an emergent cluster a name: it becomes a campaign code with its answers. Returns the theme ref to show next. */
export async function renameTheme(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, name: Localized, type?: ChallengeType): Promise<string> {
  const full = same(name);
  // A cluster named before (on this run) is that code now: naming it again renames the code.
  const before = theme.kind === 'cluster' ? board.named.get(`${q.key}\u0000${theme.id}`) : undefined;
  if (before) {
    await save(campaign, board, q, author, { kind: 'rename', code: before, name: full });
    return `code:${before}`;
  }
  if (theme.kind === 'code') {
    await save(campaign, board, q, author, { kind: 'rename', code: theme.id, name: full });
    return theme.ref;
  }
  const newCode = newId(full);
  await save(campaign, board, q, author, {
    kind: 'rename',
    cluster: theme.id,
    clusterLabel: theme.name.en,
    newCode,
    name: full,
    ...(q.isChallenges ? { challengeType: type ?? majorityType(theme.answers) } : {}),
    assign: theme.answers.map((a) => ({ answer: a.id, codes: without(a.codes, undefined, newCode) })),
  });
  return `code:${newCode}`;
}

function majorityType(answers: BoardAnswer[]): ChallengeType {
  const tech = answers.filter((a) => a.challengeType === 'technical').length;
  return tech * 2 >= answers.length ? 'technical' : 'cultural';
}

/** Merge a theme into a code: codes are merged in the codebook; a cluster's answers get the code. */
export async function mergeTheme(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, into: string): Promise<string> {
  if (!codeIn(q, into) || (theme.kind === 'code' && theme.id === into)) throw badRequest('invalid merge target', { into: 'board.error.into_invalid' });
  if (theme.kind === 'code') {
    await save(campaign, board, q, author, { kind: 'merge', code: theme.id, into });
  } else {
    await save(campaign, board, q, author, {
      kind: 'merge',
      cluster: theme.id,
      clusterLabel: theme.name.en,
      into,
      assign: theme.answers.map((a) => ({ answer: a.id, codes: without(a.codes, undefined, into) })),
    });
  }
  return `code:${into}`;
}

/** Split selected answers of a theme into a new campaign code. */
export async function splitTheme(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, input: { answers: string[]; name: Localized; type?: ChallengeType }): Promise<string> {
  const chosen = new Set(input.answers);
  const selected = theme.answers.filter((a) => chosen.has(a.id));
  if (selected.length !== chosen.size) throw badRequest('answers not in theme', { split_answers: 'board.error.answers_not_in_theme' });
  const full = same(input.name);
  const newCode = newId(full);
  const drop = theme.kind === 'code' ? theme.id : undefined;
  await save(campaign, board, q, author, {
    kind: 'split',
    ...(theme.kind === 'code' ? { code: theme.id } : { cluster: theme.id, clusterLabel: theme.name.en }),
    newCode,
    name: full,
    ...(q.isChallenges ? { challengeType: input.type ?? theme.type ?? majorityType(selected) } : {}),
    assign: selected.map((a) => ({ answer: a.id, codes: without(a.codes, drop, newCode) })),
  });
  return `code:${newCode}`;
}

function answerIn(q: BoardQuestion, id: string): BoardAnswer {
  const a = q.answers.find((x) => x.id === id);
  if (!a) throw badRequest('unknown answer', { answer: 'board.error.unknown_answer' });
  return a;
}

/** Move one answer from a theme to a code. */
export async function moveAnswer(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, answerId: string, to: string): Promise<void> {
  const a = answerIn(q, answerId);
  if (!codeIn(q, to)) throw badRequest('unknown code', { to: 'board.error.unknown_code' });
  const from = theme.kind === 'code' ? theme.id : undefined;
  await save(campaign, board, q, author, {
    kind: 'move',
    ...(from ? { code: from } : { cluster: theme.id, clusterLabel: theme.name.en }),
    into: to,
    assign: [{ answer: a.id, codes: without(a.codes, from, to) }],
  });
}

/** Set an answer's codes (add/remove) and, for challenges, its type. */
export async function setAnswerCodes(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, input: { answer: string; codes: string[]; type?: ChallengeType }): Promise<void> {
  const a = answerIn(q, input.answer);
  if (input.codes.some((c) => !codeIn(q, c))) throw badRequest('unknown code', { codes: 'board.error.unknown_code' });
  const codes = [...new Set(input.codes)];
  const sameCodes = codes.length === a.codes.length && codes.every((c) => a.codes.includes(c));
  const type = q.isChallenges && input.type && input.type !== a.challengeType ? input.type : undefined;
  if (sameCodes && !type) throw badRequest('nothing changed', { codes: 'board.error.nothing_changed' });
  await save(campaign, board, q, author, {
    kind: sameCodes ? 'answer_type' : 'codes',
    ...(theme.kind === 'code' ? { code: theme.id } : { cluster: theme.id, clusterLabel: theme.name.en }),
    ...(type ? { challengeType: type } : {}),
    assign: [{ answer: a.id, ...(sameCodes ? {} : { codes }), ...(type ? { challengeType: type } : {}) }],
  });
}

/**
 * "Review next": the lead sets (or confirms) an answer's codes and, for challenges, its type. A
 * confirmation without change is saved too: it is a labelled example the coder learns from.
 */
export async function reviewAnswer(campaign: Campaign, board: Board, q: BoardQuestion, author: Author, input: { answer: string; codes: string[]; type?: ChallengeType }): Promise<void> {
  const a = answerIn(q, input.answer);
  if (input.codes.some((c) => !codeIn(q, c))) throw badRequest('unknown code', { codes: 'board.error.unknown_code' });
  const codes = [...new Set(input.codes)];
  const type = q.isChallenges ? (input.type ?? a.challengeType) : undefined;
  const theme = codes[0] ?? a.codes[0];
  await save(campaign, board, q, author, {
    kind: 'codes',
    ...(theme ? { code: theme } : a.cluster ? { cluster: a.cluster } : {}),
    ...(type ? { challengeType: type } : {}),
    assign: [{ answer: a.id, codes, ...(type ? { challengeType: type } : {}) }],
  });
}

/** Change a challenge code's type (technical/cultural) for the campaign. */
export async function setCodeType(campaign: Campaign, board: Board, q: BoardQuestion, theme: BoardTheme, author: Author, type: ChallengeType): Promise<void> {
  if (!q.isChallenges || theme.kind !== 'code') throw badRequest('not a challenge code', { code_type: 'board.error.type' });
  if (theme.type === type) throw badRequest('nothing changed', { code_type: 'board.error.nothing_changed' });
  await save(campaign, board, q, author, { kind: 'code_type', code: theme.id, challengeType: type });
}

/** Undo: the correction's document is deleted; later runs and the board no longer apply it. */
export async function deleteCorrection(campaign: Campaign, id: string): Promise<void> {
  const _id = new mongoose.Types.ObjectId(id);
  const doc = await BoardCorrectionModel.findById(_id, { campaignId: 1 }).lean();
  if (!doc || String(doc.campaignId) !== String(campaign._id)) throw notFound('Correction');
  await BoardCorrectionModel.deleteOne({ _id });
}

/**
 * After an erasure: the corrections that name an answer of the erased responses lose that answer
 * (a lead's "move this answer" must not keep pointing at — and training on — a person who asked
 * to be forgotten); a per-answer correction left with no answer is deleted. Returns how many
 * corrections changed.
 */
export async function forgetAnswersOf(campaignId: mongoose.Types.ObjectId, responseIds: readonly string[]): Promise<number> {
  const erased = new Set(responseIds);
  const ofErased = (answerId: string) => erased.has(answerId.slice(0, Math.max(0, answerId.lastIndexOf(':'))) || answerId);
  const docs = await BoardCorrectionModel.find({ campaignId }).lean<BoardCorrectionRecord[]>();
  let changed = 0;
  for (const doc of docs) {
    const assign = doc.assign ?? [];
    const kept = assign.filter((a) => !ofErased(a.answer));
    if (kept.length === assign.length) continue;
    changed += 1;
    if (kept.length === 0) await BoardCorrectionModel.deleteOne({ _id: doc._id });
    else await BoardCorrectionModel.updateOne({ _id: doc._id }, { $set: { assign: kept } });
  }
  if (changed) forgetBoardResults();
  return changed;
}

/** Retention: every correction of a campaign (its answers are gone). */
export async function deleteCorrectionsOfCampaign(campaignId: mongoose.Types.ObjectId): Promise<void> {
  await BoardCorrectionModel.deleteMany({ campaignId });
  forgetBoardResults();
}
