import { z } from 'zod';

/** The report's language: `?lang=de|en` (otherwise the UI language). */
export const reportQuerySchema = z.object({ lang: z.enum(['de', 'en']).optional() });

/** Form of the share-links page. Messages are i18n keys (shown next to the field). */
export const shareCreateSchema = z.object({
  label: z.string().trim().max(80, 'report.shares.label_invalid').regex(/^[^\r\n<>]*$/, 'report.shares.label_invalid').default(''),
  days: z.coerce.number('report.shares.days_invalid').int('report.shares.days_invalid').min(1, 'report.shares.days_invalid').max(90, 'report.shares.days_invalid'),
});
export type ShareCreateInput = z.output<typeof shareCreateSchema>;

/** Raw share tokens are 43 base64url characters (256 bits); anything else is not looked up. */
export const SHARE_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** `?done=` after a curation change: which notice to show (anything else shows none). */
export const curationDoneSchema = z.enum(['summary', 'rename', 'priority', 'plan', 'merge', 'unmerge', 'pin', 'hide', 'show', 'forget']);

/** Text the lead writes: no control characters but line breaks (summary) or none at all (one line). */
const oneLine = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .regex(/^[^\u0000-\u001f\u007f]*$/, message)
    .default('');
const paragraphs = (max: number, message: string) =>
  z
    .string()
    .max(max * 2, message)
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(max, message).regex(/^[^\u0000-\u0009\u000b-\u001f\u007f]*$/, message))
    .default('');

/** The executive summary in the lead's words (both fields empty: back to the generated summary). */
export const summarySchema = z.object({
  summary_de: paragraphs(4000, 'report.curate.summary_invalid'),
  summary_en: paragraphs(4000, 'report.curate.summary_invalid'),
});

/** A requirement's title (both empty: back to the analysis' title). */
export const titleSchema = z.object({
  title_de: oneLine(160, 'report.curate.title_invalid'),
  title_en: oneLine(160, 'report.curate.title_invalid'),
});

/** A priority the lead sets, with the reason (required); empty priority: back to the analysis'. */
export const prioritySchema = z
  .object({
    priority: z.enum(['must', 'should', 'could', 'wont', ''], 'report.curate.priority_invalid').default(''),
    reason: oneLine(500, 'report.curate.reason_invalid'),
  })
  .refine((d) => d.priority === '' || d.reason.length >= 3, { path: ['reason'], message: 'report.curate.reason_required' });

/** Action plan: who takes a requirement on, and by when (a real calendar date, or nothing). */
export const planSchema = z.object({
  owner: oneLine(120, 'report.curate.owner_invalid'),
  due: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)), 'report.curate.due_invalid'),
});

export const mergeSchema = z.object({ into: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'report.curate.merge_invalid') });

/** Pin, hide or show again one quote, by its evidence key. */
export const evidenceSchema = z.object({
  key: z.string().min(1).max(300).regex(/^[^\u0000-\u001f\u007f]+$/),
  state: z.enum(['pin', 'hide', 'show']),
});
