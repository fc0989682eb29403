import { z } from 'zod';
import { badRequest, type FieldErrors } from './errors.js';

/** Upper bounds for every user-supplied string and array (issue 2, "bounded input"). */
export const LIMITS = {
  title: 200,
  description: 4000,
  prompt: 1000,
  answer: 20_000,
  key: 40,
  label: 120,
  questions: 30,
  segments: 10,
  options: 50,
  pageSize: 200,
} as const;

/** A short machine key such as `q1` or `department`. */
export const keySchema = z
  .string()
  .trim()
  .min(1, 'validation.required')
  .max(LIMITS.key, 'validation.too_long')
  .regex(/^[a-z][a-z0-9_]*$/, 'validation.key_format')
  // Keys index plain objects (`answers[q.key]`, form records, views) and mongoose Maps: a key
  // that is an Object.prototype member (`constructor`) reads the inherited function instead of
  // "no answer" (the respondent page failed with 500), and mongoose Maps refuse `prototype`
  // (every submit failed). Neither can ever work as a question, segment or option key.
  .refine((k) => k !== 'prototype' && !(k in Object.prototype), 'validation.key_reserved');


/** Converts zod issues into field path → message key (`validation.*`), first message per field. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!(key in fields)) fields[key] = messageKeyFor(issue);
  }
  return fields;
}

function messageKeyFor(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('validation.')) return issue.message;
  switch (issue.code) {
    case 'too_big':
      return 'validation.too_long';
    case 'too_small':
      return 'validation.required';
    case 'invalid_value':
    case 'invalid_type':
      return 'validation.invalid';
    default:
      return 'validation.invalid';
  }
}

/** Parses `input` or throws a 400 AppError with field-level messages. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw badRequest('Invalid input', toFieldErrors(result.error));
  return result.data;
}
