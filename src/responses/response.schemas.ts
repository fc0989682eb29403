import { z } from 'zod';
import { LANGS } from '../shared/i18n/index.js';
import { LIMITS } from '../shared/validation.js';

/** Answers keyed by question key; bounded in count and length. */
const answersShape = z
  .record(z.string().max(LIMITS.key), z.string().max(LIMITS.answer, 'validation.answer_too_long'))
  .refine((r) => Object.keys(r).length <= LIMITS.questions, 'validation.too_many');
const segmentsShape = z
  .record(z.string().max(LIMITS.key), z.string().max(LIMITS.key))
  .refine((r) => Object.keys(r).length <= LIMITS.segments, 'validation.too_many');

export const consentSchema = z.object({
  lang: z.enum(LANGS),
  consent: z.literal('yes', 'validation.consent_required'),
});

export const autosaveSchema = z.object({
  answers: answersShape.default({}),
  segments: segmentsShape.default({}),
});

/** Client-generated id that makes a retried submit idempotent (a UUID or similar). */
export const submissionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'validation.invalid');

export const submitSchema = z.object({
  submissionId: submissionIdSchema,
  answers: answersShape.default({}),
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
