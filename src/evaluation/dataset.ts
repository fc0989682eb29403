import { readFileSync } from 'node:fs';
import type { AnalysisAnswer, ChallengeType, Correction } from '../analysis/index.js';

/** One labelled answer of an evaluation file (codebook.json vocabulary). */
export interface LabelledAnswer {
  id: string;
  respondent: string;
  /** the respondent's organisation: one campaign each in the files written as campaigns */
  org?: string;
  question: string;
  lang?: string;
  text: string;
  segments: Record<string, string>;
  labels: {
    channels?: string[];
    themes?: string[];
    challenge_type?: ChallengeType;
    features?: string[];
  };
}

/**
 * Reads a labelled JSONL file: {id, respondent, question, text, lang?, labels, department?, role?}.
 * Throws with the line number on a malformed line.
 */
export function loadLabelled(path: string): LabelledAnswer[] {
  const out: LabelledAnswer[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${path}:${i + 1}: not valid JSON`);
      }
      if (typeof row.id !== 'string' || typeof row.text !== 'string' || typeof row.question !== 'string') {
        throw new Error(`${path}:${i + 1}: needs string id, question and text`);
      }
      const segments: Record<string, string> = {};
      for (const col of ['department', 'role', 'location']) if (typeof row[col] === 'string') segments[col] = row[col] as string;
      out.push({
        id: row.id,
        respondent: typeof row.respondent === 'string' ? row.respondent : row.id,
        org: typeof row.org === 'string' ? row.org : undefined,
        question: row.question,
        lang: typeof row.lang === 'string' ? row.lang : undefined,
        text: row.text,
        segments,
        labels: (row.labels ?? {}) as LabelledAnswer['labels'],
      });
    });
  return out;
}

/** The engine's input for labelled rows. The declared language is dropped: detection is part of the test. */
export function toAnswers(rows: LabelledAnswer[]): AnalysisAnswer[] {
  return rows.map((r) => ({ id: r.id, question: r.question, text: r.text, respondent: r.respondent, segments: r.segments }));
}

/** Labelled rows as corrections (what a lead's manual coding would feed the engine). */
export function toCorrections(rows: LabelledAnswer[]): Correction[] {
  return rows.map((r) => ({ text: r.text, question: r.question, lang: r.lang, ...r.labels }));
}

/** Odd-numbered respondents (dev-001, dev-003 …) are the development half; even ones stay untouched. */
export function isOddRespondent(respondent: string): boolean {
  const m = /(\d+)\s*$/.exec(respondent);
  return m ? Number(m[1]) % 2 === 1 : false;
}
