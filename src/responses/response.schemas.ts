import { z } from 'zod';
import { LANGS } from '../shared/i18n/index.js';
import { LIMITS } from '../shared/validation.js';

const answerText = z.string().max(LIMITS.answer, 'validation.answer_too_long');
const optionKeys = (max: number) => z.array(z.string().max(LIMITS.key)).max(max, 'validation.too_many_ranked');

/**
 * A closed question's answer (issue 17, src/campaigns/question-types.ts): `value` for a scale
 * (null clears it in a draft), `choices` for single/multiple choice (option keys; `other` for
 * "other, namely …" with its `text`), `ranking` for a ranking (option keys, most important first).
 * Whether the fields fit the question is checked against the campaign (response.service.ts).
 */
const closedFields = {
  value: z.number().nullable().optional(),
  choices: optionKeys(LIMITS.options + 1).optional(),
  ranking: optionKeys(LIMITS.options).optional(),
  text: answerText.optional(),
};
/** Strict: an unknown field (an operator such as `$ne`) is refused, not silently dropped. */
export const closedAnswerSchema = z.strictObject(closedFields);

/** What the answer page's form posts for a ranking: option key → rank ("1", "2", … or "" for none). */
const formAnswerSchema = z.strictObject({ ...closedFields, ranks: z.record(z.string().max(LIMITS.key), z.string().max(3)).optional() });

/**
 * Answers keyed by question key; bounded in count and length. An open question's answer is its
 * text; a closed question's is a number (a scale point) or an object (closedAnswerSchema).
 */
const answersOf = <T extends z.ZodType>(closed: T) =>
  z
    .record(
      z.string().max(LIMITS.key),
      z
        .union([answerText, z.number(), closed])
        .describe(
          'Open question: the text. Scale: the point as a number (or {"value": n}). Single/multiple choice: {"choices": [option keys], "text": "…"} — `other` with its text for "other, namely …". Ranking: {"ranking": [every option key, most important first]}.',
        ),
    )
    .refine((r) => Object.keys(r).length <= LIMITS.questions, 'validation.too_many');
const answersShape = answersOf(closedAnswerSchema);
const formAnswersShape = answersOf(formAnswerSchema);
const segmentsShape = z
  .record(z.string().max(LIMITS.key), z.string().max(LIMITS.key))
  .refine((r) => Object.keys(r).length <= LIMITS.segments, 'validation.too_many');

export const consentSchema = z.object({
  lang: z.enum(LANGS),
  consent: z.literal('yes', 'validation.consent_required'),
});

export const autosaveSchema = z.object({
  answers: formAnswersShape.default({}),
  segments: segmentsShape.default({}),
});

/** Client-generated id that makes a retried submit idempotent (a UUID or similar). */
export const submissionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'validation.invalid');

export const submitSchema = z.object({
  submissionId: submissionIdSchema,
  answers: formAnswersShape.default({}),
  segments: segmentsShape.default({}),
});

export const apiCreateResponseSchema = z.object({
  submissionId: submissionIdSchema,
  lang: z.enum(LANGS),
  consent: z.literal(true, 'validation.consent_required'),
  answers: answersShape,
  segments: segmentsShape.default({}),
});

export const responseListQuerySchema = z.object({
  status: z.enum(['draft', 'submitted']).default('submitted'),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(50),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export type AnswerInput = z.output<typeof autosaveSchema>;
/** One answer as sent: text (open), a number (scale) or a closed answer (with `ranks` from the form). */
export type AnswerValue = string | number | z.output<typeof formAnswerSchema>;
