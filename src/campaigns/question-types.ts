import { pick, type Lang } from '../shared/i18n/index.js';
import { OTHER_CHOICE, QUESTION_TYPES, type QuestionType } from './campaign.schemas.js';

/**
 * Closed question types (issue 17, item 1): what every feature needs to know about a question's
 * type and its answer, in one place. A question is `open` (text or video; also every question
 * stored before types existed) or closed: a rating `scale`, `single` or `multi`ple choice, or a
 * `ranking`.
 *
 * A closed answer is stored beside the open answer's fields (src/responses/response.model.ts):
 *  - `value`: the scale point (an integer from `scale.min` to `scale.max`);
 *  - `choices`: the chosen option keys (one for single choice), `other` for "other, namely …";
 *  - `ranking`: option keys, most important first (a submitted ranking orders every item);
 *  - `text`: the free text of "other, namely …" (empty otherwise). It is the answer's text like
 *    an open answer's, so it reaches the text analysis of its question (with the question's
 *    role), the quotes, the theme board, the exports and erasure through the one field they all
 *    read; the closed value itself is never given to the text analysis (docs/analysis.md).
 */

interface Labelled {
  key: string;
  label?: { de?: string | null; en?: string | null } | null;
}

/** A question as stored (lean) or as input: only what the type logic reads. */
export interface QuestionShape {
  key: string;
  type?: string | null;
  required?: boolean | null;
  scale?: { min: number; max: number; minLabel?: { de?: string | null; en?: string | null } | null; maxLabel?: { de?: string | null; en?: string | null } | null } | null;
  options?: ReadonlyArray<Labelled> | null;
  allowOther?: boolean | null;
}

/** A stored answer (or a draft's): the fields the types read. */
export interface AnswerShape {
  text?: string | null;
  value?: number | null;
  choices?: ReadonlyArray<string> | null;
  ranking?: ReadonlyArray<string> | null;
  mediaId?: string | null;
}

export function questionType(q: Pick<QuestionShape, 'type'>): QuestionType {
  return (QUESTION_TYPES as readonly string[]).includes(q.type ?? '') ? (q.type as QuestionType) : 'open';
}

export function isClosed(q: Pick<QuestionShape, 'type'>): boolean {
  return questionType(q) !== 'open';
}

/** Whether the question offers "other, namely …" (single and multiple choice only). */
export function allowsOther(q: QuestionShape): boolean {
  const type = questionType(q);
  return (type === 'single' || type === 'multi') && q.allowOther === true;
}

/** The keys a respondent may choose or rank: the options, and `other` where offered. */
export function choiceKeys(q: QuestionShape): string[] {
  const keys = (q.options ?? []).map((o) => o.key);
  return allowsOther(q) ? [...keys, OTHER_CHOICE] : keys;
}

/** The points of a scale question, lowest first (0…10, 1…5). */
export function scalePoints(q: QuestionShape): number[] {
  if (!q.scale) return [];
  const out: number[] = [];
  for (let v = q.scale.min; v <= q.scale.max; v++) out.push(v);
  return out;
}

/**
 * Whether an answer answers its question (what "required" asks for). Open: text, or a saved
 * recording (`recorded`). Scale: a value. Choices: at least one, and "other" with its text.
 * Ranking: every item ordered.
 */
export function isAnswered(q: QuestionShape, a: AnswerShape | null | undefined, recorded = false): boolean {
  switch (questionType(q)) {
    case 'open':
      return Boolean(a?.text?.trim()) || recorded;
    case 'scale':
      return typeof a?.value === 'number';
    case 'single':
    case 'multi':
      return (a?.choices?.length ?? 0) > 0;
    case 'ranking':
      return (a?.ranking?.length ?? 0) > 0;
  }
}

/** Whether an answer has anything in it (for a closed question: any value, choice or rank). */
export function hasAnything(q: QuestionShape, a: AnswerShape | null | undefined): boolean {
  if (!a) return false;
  if (questionType(q) === 'open') return Boolean(a.text?.trim()) || Boolean(a.mediaId);
  return typeof a.value === 'number' || (a.choices?.length ?? 0) > 0 || (a.ranking?.length ?? 0) > 0 || Boolean(a.text?.trim());
}

/** The label of an option (or "other") in `lang`; an unknown key shows as itself. */
export function optionLabel(q: QuestionShape, key: string, lang: Lang, otherLabel: string): string {
  if (key === OTHER_CHOICE && allowsOther(q)) return otherLabel;
  const o = (q.options ?? []).find((x) => x.key === key);
  return o ? pick(o.label, lang) || key : key;
}

export interface ClosedFormatting {
  lang: Lang;
  /** "Other" in the reader's language. */
  other: string;
}

/**
 * A closed answer as one line of text (lead pages, exports): the scale value; the chosen labels
 * joined with "; " (with "other" as "Other: <text>"); the ranking's labels in order, joined
 * with " > ". Empty for an open question or no answer.
 */
export function closedAnswerText(q: QuestionShape, a: AnswerShape | null | undefined, f: ClosedFormatting): string {
  if (!a) return '';
  switch (questionType(q)) {
    case 'open':
      return '';
    case 'scale':
      return typeof a.value === 'number' ? String(a.value) : '';
    case 'single':
    case 'multi':
      return (a.choices ?? [])
        .map((k) => (k === OTHER_CHOICE && allowsOther(q) ? (a.text?.trim() ? `${f.other}: ${a.text.trim()}` : f.other) : optionLabel(q, k, f.lang, f.other)))
        .join('; ');
    case 'ranking':
      return (a.ranking ?? []).map((k) => optionLabel(q, k, f.lang, f.other)).join(' > ');
  }
}

/** The chosen (or ranked) labels only, without the other text: the export's column of a closed question. */
export function closedAnswerCell(q: QuestionShape, a: AnswerShape | null | undefined, f: ClosedFormatting): string | number {
  if (!a) return '';
  const type = questionType(q);
  if (type === 'scale') return typeof a.value === 'number' ? a.value : '';
  if (type === 'ranking') return closedAnswerText(q, a, f);
  return (a.choices ?? []).map((k) => optionLabel(q, k, f.lang, f.other)).join('; ');
}
