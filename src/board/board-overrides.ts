import mongoose from 'mongoose';
import type { AnalysisAnswer, AnalyzeOptions } from '../analysis/index.js';
import { BoardCorrectionModel, type BoardCorrectionRecord } from './board-correction.model.js';
import { foldCorrections, type BoardState, type CorrectionData, type CorrectionKind } from './board-state.js';

/** A stored correction as the pure fold reads it. */
export function toCorrectionData(d: BoardCorrectionRecord): CorrectionData {
  const out: CorrectionData = { id: String(d._id), kind: d.kind as CorrectionKind, question: d.question };
  if (d.code) out.code = d.code;
  if (d.cluster) out.cluster = d.cluster;
  if (d.into) out.into = d.into;
  if (d.newCode) out.newCode = d.newCode;
  if (d.name) out.name = { de: d.name.de ?? '', en: d.name.en ?? '' };
  if (d.challengeType) out.challengeType = d.challengeType as CorrectionData['challengeType'];
  if (d.assign?.length) {
    out.assign = d.assign.map((a) => ({
      answer: a.answer,
      ...(Array.isArray(a.codes) ? { codes: a.codes.slice() } : {}),
      ...(a.challengeType ? { challengeType: a.challengeType as 'technical' | 'cultural' } : {}),
    }));
  }
  return out;
}

/** A campaign's corrections, oldest first (the order they are replayed in). */
export async function listCorrections(campaignId: mongoose.Types.ObjectId): Promise<BoardCorrectionRecord[]> {
  return BoardCorrectionModel.find({ campaignId }).sort({ createdAt: 1, _id: 1 }).lean<BoardCorrectionRecord[]>();
}

/** The board state of a campaign for the given answers (texts of the current responses). */
export function stateFor(corrections: readonly BoardCorrectionRecord[], answers: readonly AnalysisAnswer[]): BoardState {
  return foldCorrections(corrections.map(toCorrectionData), new Map(answers.map((a) => [a.id, a])));
}

/**
 * What the next analysis run gets from the theme board: the campaign's codebook (renames, merges,
 * codes made on the board) and the answer-level corrections that override and train. Nothing
 * when the board was never used, so such runs are exactly the built-in analysis.
 */
export async function boardAnalyzeOptions(campaignId: mongoose.Types.ObjectId, answers: readonly AnalysisAnswer[]): Promise<Pick<AnalyzeOptions, 'codebook' | 'corrections'>> {
  const corrections = await listCorrections(campaignId);
  if (corrections.length === 0) return {};
  const state = stateFor(corrections, answers);
  return { codebook: state.codebook, corrections: state.corrections };
}
