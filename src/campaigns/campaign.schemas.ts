import { z } from 'zod';
import { ADDRESS_FORMS, LANGS } from '../shared/i18n/index.js';
import { keySchema, LIMITS } from '../shared/validation.js';

export const QUESTION_ROLES = ['current_practice', 'meaning', 'challenges', 'future', 'custom'] as const;
export const ANSWER_MODES = ['text', 'video'] as const;
/**
 * Question types (issue 17, item 1): `open` (text or video, the interview's own), and the closed
 * ones — a rating `scale`, `single` and `multi`ple choice, a `ranking`. Questions stored before
 * the types existed have none and are open (src/campaigns/question-types.ts, questionType()).
 */
export const QUESTION_TYPES = ['open', 'scale', 'single', 'multi', 'ranking'] as const;
/** A ranking orders at most this many items. */
export const MAX_RANKING_ITEMS = 7;
/** The key of the "other, namely …" choice of a single/multiple choice question with `allowOther`. */
export const OTHER_CHOICE = 'other';
export const ANONYMITY_MODES = ['anonymous', 'identified'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'open', 'closed'] as const;

export type QuestionRole = (typeof QUESTION_ROLES)[number];
export type QuestionType = (typeof QUESTION_TYPES)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const text = (max: number) => z.string().trim().max(max, 'validation.too_long');

/**
 * A point in time of the schedule, as the form's `datetime-local` field sends it
 * (`YYYY-MM-DDTHH:mm`, seconds optional) or as ISO with `Z`; read as UTC, like every time the app
 * shows.
 */
export const scheduleDateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$/, 'validation.datetime')
  .transform((d) => new Date(d.endsWith('Z') ? d : `${d}Z`))
  .refine((d) => !Number.isNaN(d.getTime()), 'validation.datetime');

/** A close date must come after the open date (both optional). */
function checkScheduleOrder(c: { opensAt?: Date; closesAt?: Date }, ctx: z.RefinementCtx): void {
  if (c.opensAt && c.closesAt && c.closesAt.getTime() <= c.opensAt.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'validation.close_before_open' });
  }
}

/**
 * Schedule dates that lie in the past (checked where a lead saves, not in the schema, so the
 * stored campaign stays valid after its date passed). `opensAt` only counts for a draft.
 */
export function pastScheduleErrors(c: { opensAt?: Date; closesAt?: Date }, status: CampaignStatus, now = new Date()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (status === 'draft' && c.opensAt && c.opensAt.getTime() < now.getTime()) errors.opensAt = 'validation.opens_past';
  if (status !== 'closed' && c.closesAt && c.closesAt.getTime() < now.getTime()) errors.closesAt = 'validation.closes_past';
  return errors;
}

const localizedTextSchema = (max: number) => z.object({ de: text(max).default(''), en: text(max).default('') });

/** A title in at least one language: `titles.<first campaign language>` (or `title`) is the field to fill. */
function checkTitle(c: { title?: unknown; titles?: unknown; languages?: unknown }, ctx: z.RefinementCtx): void {
  const titles = c.titles && typeof c.titles === 'object' ? (c.titles as Record<string, unknown>) : undefined;
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (titles ? filled(titles.de) || filled(titles.en) || filled(c.title) : filled(c.title)) return;
  const first = Array.isArray(c.languages) && c.languages[0] === 'en' ? 'en' : 'de';
  ctx.addIssue({ code: 'custom', path: titles ? ['titles', first] : ['title'], message: titles ? 'validation.title_required' : 'validation.required' });
}
/** Runs even when other fields are invalid, so a missing title is reported with them. */
const always = { when: () => true };

/**
 * Fills `title`/`description` and `titles`/`descriptions` from each other: an older client's
 * single title becomes the first campaign language's title; the single title of a campaign with
 * texts per language is the one in its first language (else the other).
 */
export function withLocalizedTexts<T extends { title: string; description: string; titles?: { de: string; en: string }; descriptions?: { de: string; en: string }; languages: string[] }>(
  c: T,
): T & { titles: { de: string; en: string }; descriptions: { de: string; en: string } } {
  const first = c.languages[0] === 'en' ? 'en' : 'de';
  const second = first === 'de' ? 'en' : 'de';
  // Both sent and `title` is neither of `titles`: the client changed the single title (e.g. an
  // older client that sends back a template with a new `title`). It replaces the texts per
  // language as the first language's; the other language then falls back to it.
  const single = (one: string, per: { de: string; en: string } | undefined) =>
    per && (!one || one === per.de || one === per.en) ? per : { de: '', en: '', [first]: one };
  const titles = single(c.title, c.titles);
  const descriptions = single(c.description, c.descriptions);
  return { ...c, titles, descriptions, title: titles[first] || titles[second] || c.title, description: descriptions[first] || descriptions[second] || '' };
}

export const localizedSchema = z.object({ de: text(LIMITS.prompt).default(''), en: text(LIMITS.prompt).default('') });

const labelSchema = z.object({ de: text(LIMITS.label).default(''), en: text(LIMITS.label).default('') });

/** A choice of a single/multiple choice question or an item of a ranking. */
export const choiceOptionSchema = z.object({ key: keySchema, label: labelSchema });

/** A rating scale: from 0 or 1 up to 2…10 (e.g. 1–5, 0–10), both ends labelled. */
export const scaleSchema = z
  .object({
    min: z.number().int('validation.scale_range').min(0, 'validation.scale_range').max(1, 'validation.scale_range'),
    max: z.number().int('validation.scale_range').min(2, 'validation.scale_range').max(10, 'validation.scale_range'),
    minLabel: labelSchema,
    maxLabel: labelSchema,
  })
  .refine((s) => s.max - s.min >= 2, { message: 'validation.scale_range', path: ['max'] });

/**
 * One question. `type` defaults to `open` (older clients send none). A closed question's answer
 * has no video (`modes` is stored as text only); `scale` belongs to scale questions, `options` to
 * choices and rankings, `allowOther` ("other, namely …") to single and multiple choice only —
 * anything that does not belong to the type is dropped (campaignInputSchema checks the rest).
 */
export const questionInputSchema = z
  .object({
    key: keySchema,
    role: z.enum(QUESTION_ROLES, 'validation.invalid'),
    type: z.enum(QUESTION_TYPES, 'validation.invalid').default('open'),
    prompt: localizedSchema,
    modes: z.array(z.enum(ANSWER_MODES)).min(1, 'validation.mode_required').max(ANSWER_MODES.length),
    required: z.boolean().default(true),
    scale: scaleSchema.optional(),
    options: z.array(choiceOptionSchema).max(LIMITS.options, 'validation.too_many').optional(),
    allowOther: z.boolean().default(false),
  })
  .transform(({ scale, options, allowOther, ...q }): QuestionInput => {
    if (q.type === 'open') return q;
    const closed = { ...q, modes: ['text' as const] };
    if (q.type === 'scale') return scale ? { ...closed, scale } : closed;
    return { ...closed, options: options ?? [], ...(q.type === 'ranking' ? {} : { allowOther }) };
  });

/** A question as validated: the fields of its type only. */
export interface QuestionInput {
  key: string;
  role: QuestionRole;
  type: QuestionType;
  prompt: { de: string; en: string };
  modes: Array<(typeof ANSWER_MODES)[number]>;
  required: boolean;
  scale?: z.output<typeof scaleSchema>;
  options?: Array<z.output<typeof choiceOptionSchema>>;
  allowOther?: boolean;
}

export const segmentInputSchema = z.object({
  // `language` is the dashboard's (and the anonymity plan's) dimension of the answers' language.
  key: keySchema.refine((k) => k !== 'language', 'validation.key_reserved'),
  label: z.object({ de: text(LIMITS.label).default(''), en: text(LIMITS.label).default('') }),
  required: z.boolean().default(false),
  options: z
    .array(z.object({ key: keySchema, label: z.object({ de: text(LIMITS.label), en: text(LIMITS.label) }) }))
    .min(2, 'validation.options_min')
    .max(LIMITS.options, 'validation.too_many'),
});

/** What a lead (form or API) sends to create or edit a campaign. */
export const campaignInputSchema = z
  .object({
    /** One title (older clients); stored as the first campaign language's title when `titles` is not sent. */
    title: z.string().trim().max(LIMITS.title, 'validation.too_long').default(''),
    description: text(LIMITS.description).default(''),
    /** Title and description per language (issue 17): respondents see theirs, else the other one. */
    titles: localizedTextSchema(LIMITS.title).optional(),
    descriptions: localizedTextSchema(LIMITS.description).optional(),
    languages: z.array(z.enum(LANGS)).min(1, 'validation.language_required').max(LANGS.length),
    anonymity: z.enum(ANONYMITY_MODES).default('anonymous'),
    /** German form of address on respondent pages and in e-mails: formal "Sie" or "Du". */
    address: z.enum(ADDRESS_FORMS).default('sie'),
    questions: z.array(questionInputSchema).min(1, 'validation.question_required').max(LIMITS.questions, 'validation.too_many'),
    segments: z.array(segmentInputSchema).max(LIMITS.segments, 'validation.too_many').default([]),
    /** Date (YYYY-MM-DD) after which all responses are deleted; optional. */
    retainUntil: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date')
      .refine((d) => !Number.isNaN(Date.parse(d)), 'validation.date')
      .transform((d) => new Date(`${d}T23:59:59Z`))
      .optional(),
    /** The schedule: a draft opens by itself at `opensAt`, and closes by itself at `closesAt` (UTC). */
    opensAt: scheduleDateSchema.optional(),
    closesAt: scheduleDateSchema.optional(),
  })
  .superRefine(checkTitle, always)
  .superRefine((c, ctx) => {
    checkScheduleOrder(c, ctx);
    // Every question and segment needs its wording in at least one campaign language; a missing
    // translation is shown to respondents in the other language with a note, and listed for the
    // lead on the draft's page (campaign.texts.ts, missingTranslations).
    const langs = c.languages.length ? c.languages : (['de'] as const);
    const inSome = (t: { de?: string; en?: string }) => langs.some((lang) => Boolean(t[lang]));
    c.questions.forEach((q, i) => {
      if (!inSome(q.prompt)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'prompt', langs[0]], message: 'validation.required' });
      checkClosedQuestion(q, i, inSome, ctx);
    });
    c.segments.forEach((s, i) => {
      if (!inSome(s.label)) ctx.addIssue({ code: 'custom', path: ['segments', i, 'label', langs[0]], message: 'validation.required' });
      s.options.forEach((o, j) => {
        if (!inSome(o.label)) ctx.addIssue({ code: 'custom', path: ['segments', i, 'options', j], message: 'validation.option_label' });
      });
      if (new Set(s.options.map((o) => o.key)).size !== s.options.length) {
        ctx.addIssue({ code: 'custom', path: ['segments', i, 'options'], message: 'validation.duplicate_key' });
      }
    });
    duplicates(c.questions.map((q) => q.key)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['questions', i, 'key'], message: 'validation.duplicate_key' }),
    );
    duplicates(c.segments.map((s) => s.key)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['segments', i, 'key'], message: 'validation.duplicate_key' }),
    );
  });

export type CampaignInput = z.output<typeof campaignInputSchema>;

/**
 * What may change while a campaign is open or closed: the texts around the questions, the
 * retention date and (while open) the close date of the schedule. Questions, languages, anonymity, groups and the form of address stay as they
 * were when the campaign opened, so every stored answer keeps the meaning it was given.
 */
export const openCampaignEditSchema = z.object({
  title: z.string().trim().max(LIMITS.title, 'validation.too_long').default(''),
  description: text(LIMITS.description).default(''),
  titles: localizedTextSchema(LIMITS.title).optional(),
  descriptions: localizedTextSchema(LIMITS.description).optional(),
  retainUntil: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date')
    .refine((d) => !Number.isNaN(Date.parse(d)), 'validation.date')
    .transform((d) => new Date(`${d}T23:59:59Z`))
    .optional(),
  closesAt: scheduleDateSchema.optional(),
}).superRefine(checkTitle, always);
export type OpenCampaignEdit = z.output<typeof openCampaignEditSchema>;

export const statusChangeSchema = z.object({ status: z.enum(['open', 'closed']) });

export const listQuerySchema = z.object({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(50),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/**
 * What a closed question needs: a scale with its two end labels; at least two choices (a ranking
 * at most MAX_RANKING_ITEMS), each labelled in some campaign language, keys unique and not the
 * "other" key when the question offers "other, namely …".
 */
function checkClosedQuestion(q: QuestionInput, i: number, inSome: (t: { de?: string; en?: string }) => boolean, ctx: z.RefinementCtx): void {
  if (q.type === 'open') return;
  if (q.type === 'scale') {
    if (!q.scale) {
      ctx.addIssue({ code: 'custom', path: ['questions', i, 'scale'], message: 'validation.scale_required' });
      return;
    }
    if (!inSome(q.scale.minLabel)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'scale', 'minLabel'], message: 'validation.scale_label' });
    if (!inSome(q.scale.maxLabel)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'scale', 'maxLabel'], message: 'validation.scale_label' });
    return;
  }
  const options = q.options ?? [];
  const path = ['questions', i, 'options'];
  if (options.length < 2) ctx.addIssue({ code: 'custom', path, message: 'validation.options_min' });
  if (q.type === 'ranking' && options.length > MAX_RANKING_ITEMS) ctx.addIssue({ code: 'custom', path, message: 'validation.ranking_max' });
  options.forEach((o, j) => {
    if (!inSome(o.label)) ctx.addIssue({ code: 'custom', path: [...path, j], message: 'validation.option_label' });
  });
  if (new Set(options.map((o) => o.key)).size !== options.length) ctx.addIssue({ code: 'custom', path, message: 'validation.duplicate_key' });
  if (q.allowOther && options.some((o) => o.key === OTHER_CHOICE)) ctx.addIssue({ code: 'custom', path, message: 'validation.other_key' });
}

function duplicates(keys: string[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  keys.forEach((k, i) => (seen.has(k) ? out.push(i) : seen.add(k)));
  return out;
}
