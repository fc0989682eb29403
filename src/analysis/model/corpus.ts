/**
 * The training corpus the coder learns from (data/training, shipped as a generated module so the
 * engine stays free of file I/O; see src/evaluation/build-corpus.ts).
 */
import type { ChallengeType } from '../types.js';
import { TRAINING_CORPUS_JSON, TRAINING_CORPUS_VERSION } from './training-corpus.generated.js';

export interface CorpusDoc {
  respondent: string;
  /** q1..q4 */
  question: string;
  lang: string;
  text: string;
  /** codes of the question's group, main first */
  codes: string[];
  challenge_type?: ChallengeType;
}

let parsed: CorpusDoc[] | null = null;

/** The shipped training corpus (parsed once per process; treat as read-only). */
export function trainingCorpus(): readonly CorpusDoc[] {
  if (parsed) return parsed;
  const rows = JSON.parse(TRAINING_CORPUS_JSON) as Array<[string, string, string, string, string[], string]>;
  parsed = rows.map(([respondent, question, lang, text, codes, type]) => {
    const d: CorpusDoc = { respondent, question, lang, text, codes };
    if (type === 'technical' || type === 'cultural') d.challenge_type = type;
    return d;
  });
  return parsed;
}

export const CORPUS_VERSION = TRAINING_CORPUS_VERSION;
