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

/**
 * The voice of a corpus respondent: the id's prefix before the first dash, one per data/training
 * file (`trs-001` → `trs`, `cdi-a01` → `cdi`). Leave-one-voice-out holds a whole file out, so no
 * writer's style is on both sides.
 */
export function voiceOf(respondent: string): string {
  const dash = respondent.indexOf('-');
  return dash < 0 ? respondent : respondent.slice(0, dash);
}

/**
 * The campaign (organisation) of a corpus respondent: the id without its number (`cdi-a01` →
 * `cdi-a`). The files written as campaigns hold two organisations each, their people sharing an
 * organisation's vocabulary; in the older files every respondent has an organisation of their own,
 * so the campaign is the whole file (`trs-001` → `trs`).
 */
export function campaignOf(respondent: string): string {
  return respondent.replace(/-?\d+$/, '');
}
