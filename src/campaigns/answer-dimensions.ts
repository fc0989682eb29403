import { pick, type Lang } from '../shared/i18n/index.js';
import { choiceKeys, optionLabel, questionType, scalePoints, type AnswerShape, type QuestionShape } from './question-types.js';

/**
 * A closed question's answer as a segment dimension (issue 17, item 2): "people who rated
 * today's tools 0–6" or "people who chose 'mostly remote'" as a column of the segment comparison
 * and as a dashboard filter, next to department, location and language.
 *
 * Which questions: single choice (each choice, "other" included, is a value) and rating scales,
 * in BANDS — a 0–10 scale has eleven points, and a column per point would rarely reach the
 * minimum group, so the plan would offer almost none. Multiple choice and rankings are not
 * dimensions: a person is in several "columns" of a multiple choice at once, so its columns
 * would not be disjoint, which the comparison's anonymity argument needs.
 *
 * Anonymity: these dimensions join the ONE disclosure plan (src/shared/anonymity.ts) AFTER the
 * segments and the language, so they never take away a segment value the campaign offered
 * before; the plan offers a band or a choice only where every atom keeps at least the minimum
 * group. Dimension keys carry a prefix no segment key can have (segment keys are
 * `[a-z0-9_-]`), so a question can never be mistaken for a segment.
 */

export const ANSWER_DIMENSION_PREFIX = 'answer:';

/** The dimension key of a question's answer. */
export const answerDimensionKey = (questionKey: string): string => `${ANSWER_DIMENSION_PREFIX}${questionKey}`;

/** The question key of an answer dimension, or undefined for a segment or `language`. */
export function questionOfDimension(dim: string): string | undefined {
  return dim.startsWith(ANSWER_DIMENSION_PREFIX) ? dim.slice(ANSWER_DIMENSION_PREFIX.length) : undefined;
}

export interface ScaleBand {
  /** `from-to` (or the point alone), e.g. `0-6`. */
  key: string;
  from: number;
  to: number;
}

/**
 * The bands of a scale: 0–10 in the usual 0–6 / 7–8 / 9–10 (the net-promoter convention the
 * leads know); any other scale in a low, middle and high third, the outer thirds rounded
 * (1–5 → 1–2 / 3 / 4–5, 1–7 → 1–2 / 3–5 / 6–7). Two or three points: each point its own band.
 */
export function scaleBands(q: QuestionShape): ScaleBand[] {
  const points = scalePoints(q);
  const n = points.length;
  if (n === 0) return [];
  const band = (from: number, to: number): ScaleBand => ({ key: from === to ? String(from) : `${from}-${to}`, from, to });
  if (points[0] === 0 && points[n - 1] === 10) return [band(0, 6), band(7, 8), band(9, 10)];
  if (n <= 3) return points.map((p) => band(p, p));
  const outer = Math.round(n / 3);
  const out = [band(points[0], points[outer - 1])];
  if (n - 2 * outer > 0) out.push(band(points[outer], points[n - outer - 1]));
  out.push(band(points[n - outer], points[n - 1]));
  return out;
}

export interface AnswerDimension {
  /** `answer:<question key>`. */
  key: string;
  question: string;
  /** Band or choice keys, in the question's order. */
  values: string[];
}

/** Whether a question's answer can be a dimension (single choice or scale). */
export function isDimensionQuestion(q: QuestionShape): boolean {
  const type = questionType(q);
  return type === 'single' || (type === 'scale' && scalePoints(q).length > 0);
}

/** The answer dimensions of a campaign, in question order (the order the plan tries them in). */
export function answerDimensions(campaign: { questions: readonly QuestionShape[] }): AnswerDimension[] {
  return campaign.questions.filter(isDimensionQuestion).map((q) => ({
    key: answerDimensionKey(q.key),
    question: q.key,
    values: questionType(q) === 'scale' ? scaleBands(q).map((b) => b.key) : choiceKeys(q),
  }));
}

/** The value of one answer in its question's dimension: the band of a scale point, the chosen key; undefined when unanswered. */
export function answerDimensionValue(q: QuestionShape, a: AnswerShape | null | undefined): string | undefined {
  if (!a) return undefined;
  const type = questionType(q);
  if (type === 'scale') {
    const v = a.value;
    if (typeof v !== 'number') return undefined;
    return scaleBands(q).find((b) => v >= b.from && v <= b.to)?.key;
  }
  if (type === 'single') {
    const chosen = a.choices?.[0];
    return chosen !== undefined && choiceKeys(q).includes(chosen) ? chosen : undefined;
  }
  return undefined;
}

/** A value's label: "0–6" (with the end's label where the band holds it), or the choice's label. */
export function answerValueLabel(q: QuestionShape, value: string, lang: Lang, otherLabel: string): string {
  if (questionType(q) !== 'scale') return optionLabel(q, value, lang, otherLabel);
  const band = scaleBands(q).find((b) => b.key === value);
  if (!band) return value;
  const range = band.from === band.to ? String(band.from) : `${band.from}–${band.to}`;
  const end = band.from === q.scale?.min ? pick(q.scale?.minLabel, lang) : band.to === q.scale?.max ? pick(q.scale?.maxLabel, lang) : '';
  return end ? `${range} (${end})` : range;
}
