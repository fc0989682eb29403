import { z } from 'zod';
import { LIMITS } from '../shared/validation.js';
import { idPattern } from '../shared/ids.js';

/** A question key as campaigns define them. */
export const questionParam = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'board.error.unknown_theme');
/** `code:<id>` or `cluster:<id>` (cluster ids are `<question>-c<n>`). */
export const themeParam = z.string().regex(/^(code|cluster):[a-z0-9_-]{1,80}$/, 'board.error.unknown_theme');
export const correctionIdParam = z.string().regex(idPattern('objectId'), 'board.error.unknown_correction');

const codeId = z.string().regex(/^[a-z0-9_]{1,80}$/, 'board.error.unknown_code');
const answerId = z.string().min(1).max(300);
const name = z.string().trim().max(LIMITS.label, 'validation.too_long');
const type = z.enum(['technical', 'cultural'], { message: 'board.error.type' });
/** A checkbox group arrives as nothing, one string, or an array of strings. */
const many = <T extends z.ZodTypeAny>(item: T, max: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(max, 'board.error.too_many'));

/** Names in both languages; one is enough (it is used for both). */
const named = <P extends string>(prefix: P) =>
  z
    .object({ [`${prefix}_de`]: name.default(''), [`${prefix}_en`]: name.default('') } as Record<`${P}_de` | `${P}_en`, z.ZodDefault<typeof name>>)
    .refine((v) => Boolean((v as Record<string, string>)[`${prefix}_de`] || (v as Record<string, string>)[`${prefix}_en`]), { message: 'board.error.name_required', path: [`${prefix}_de`] });

export const renameSchema = named('rename').and(z.object({ rename_type: type.optional().or(z.literal('').transform(() => undefined)) }));
export const mergeSchema = z.object({ into: codeId.or(z.literal('')).refine((v) => v !== '', 'board.error.into_required') });
export const splitSchema = named('split').and(
  z.object({
    split_answers: many(answerId, 2000).refine((a) => a.length > 0, 'board.error.select_answers'),
    split_type: type.optional().or(z.literal('').transform(() => undefined)),
  }),
);
export const moveSchema = z.object({ answer: answerId, to: codeId.or(z.literal('')).refine((v) => v !== '', 'board.error.to_required') });
export const codesSchema = z.object({
  answer: answerId,
  codes: many(codeId, 50),
  type: type.optional().or(z.literal('').transform(() => undefined)),
});
export const codeTypeSchema = z.object({ code_type: type });
/** "Review next": the answer's codes as the lead sets or confirms them. */
export const reviewSchema = codesSchema;
/** `?skip=<answer id>,…`: answers the lead passed over in this round (bounded). */
export const reviewQuery = z.object({ skip: z.string().max(3000).optional().catch(undefined) });
/** `?page=` and `?done=<what was just done>` (a notice key; anything else is ignored, not an error). */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  done: z.string().regex(/^[a-z_]{1,20}$/).optional().catch(undefined),
});
