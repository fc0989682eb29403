import type { FieldErrors } from '../shared/errors.js';
import { LIMITS } from '../shared/validation.js';
import type { Campaign } from './campaign.service.js';
import type { CampaignInput } from './campaign.schemas.js';
import { readinessKeys, readinessQuestions } from './interview-template.js';

/**
 * The lead's campaign form: what the HTML form posts, what we re-render on a validation error
 * (the user's input exactly as typed) and how it maps to `CampaignInput`.
 */
export interface QuestionRow {
  key: string;
  role: string;
  prompt_de: string;
  prompt_en: string;
  mode_text: boolean;
  mode_video: boolean;
  required: boolean;
  remove: boolean;
  /** Closed question types (issue 17): `open` (default), `scale`, `single`, `multi`, `ranking`. */
  type: string;
  /** Scale questions: from/to as typed, and the end labels per language. */
  scale_min: string;
  scale_max: string;
  min_label_de: string;
  min_label_en: string;
  max_label_de: string;
  max_label_en: string;
  /** Choices and ranking items, one per line like a segment's options. */
  options: string;
  /** Offer "other, namely …" (single and multiple choice). */
  allow_other: boolean;
}
export interface SegmentRow {
  key: string;
  label_de: string;
  label_en: string;
  required: boolean;
  /** One option per line: `Deutsch | English`, optionally prefixed with `key =`. */
  options: string;
  remove: boolean;
}
export interface CampaignFormValues {
  /** The single title/description: what a form without per-language fields (older clients) posts. */
  title: string;
  description: string;
  /** Title and description per language (issue 17). */
  title_de: string;
  title_en: string;
  description_de: string;
  description_en: string;
  /** The form posted per-language texts (`title_de`/`title_en`), not a single `title`. */
  perLanguage: boolean;
  languages: string[];
  anonymity: string;
  /** Du or Sie in German respondent texts. */
  address: string;
  questions: QuestionRow[];
  segments: SegmentRow[];
  version: string;
  /** YYYY-MM-DD or empty. */
  retainUntil: string;
  /** The schedule, YYYY-MM-DDTHH:mm (UTC) or empty. */
  opensAt: string;
  closesAt: string;
  /**
   * The template's "digital readiness" block (issue 17): `readinessShown` says the form had the
   * switch (a form without it — an older page, a script — leaves the questions as posted);
   * `readiness` is the switch. On save, on adds the block's questions, off removes them.
   */
  readinessShown: boolean;
  readiness: boolean;
}

/** A stored schedule date as the form's `datetime-local` value (UTC, minutes). */
export function scheduleValue(d: Date | null | undefined): string {
  return d ? new Date(d).toISOString().slice(0, 16) : '';
}

const str = (v: unknown, max = LIMITS.description * 2): string => (typeof v === 'string' ? v.slice(0, max) : '');
const bool = (v: unknown): boolean => v === 'on' || v === 'true' || v === '1' || (Array.isArray(v) && v.includes('on'));

/** qs turns `questions[0][key]` into an array, or into an object when indices are sparse/large. */
function rows(v: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(v)) return v.slice(0, 100).filter((r) => r && typeof r === 'object') as Array<Record<string, unknown>>;
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([k, r]) => /^\d+$/.test(k) && r && typeof r === 'object')
      .sort(([a], [b]) => Number(a) - Number(b))
      .slice(0, 100)
      .map(([, r]) => r as Record<string, unknown>);
  }
  return [];
}

export function formValuesFromBody(body: Record<string, unknown>): CampaignFormValues {
  const languages = ([] as unknown[]).concat(body.languages ?? []).filter((l): l is string => typeof l === 'string').slice(0, 5);
  const perLanguage = ['title_de', 'title_en', 'description_de', 'description_en'].some((k) => typeof body[k] === 'string');
  const title = str(body.title, 1000);
  const description = str(body.description);
  // A single title (a form of an older page) belongs to the first campaign language.
  const first = languages[0] === 'en' ? 'en' : 'de';
  const title_de = perLanguage ? str(body.title_de, 1000) : first === 'de' ? title : '';
  const title_en = perLanguage ? str(body.title_en, 1000) : first === 'en' ? title : '';
  return {
    title: perLanguage ? (first === 'de' ? title_de || title_en : title_en || title_de) : title,
    description,
    perLanguage,
    title_de,
    title_en,
    description_de: perLanguage ? str(body.description_de) : first === 'de' ? description : '',
    description_en: perLanguage ? str(body.description_en) : first === 'en' ? description : '',
    languages,
    anonymity: str(body.anonymity, 40),
    address: str(body.address, 10),
    version: str(body.version, 20),
    retainUntil: str(body.retainUntil, 20).trim(),
    opensAt: str(body.opensAt, 40).trim(),
    closesAt: str(body.closesAt, 40).trim(),
    questions: rows(body.questions).map((r) => ({
      key: str(r.key, 100).trim(),
      role: str(r.role, 40),
      prompt_de: str(r.prompt_de, 5000),
      prompt_en: str(r.prompt_en, 5000),
      mode_text: bool(r.mode_text),
      mode_video: bool(r.mode_video),
      required: bool(r.required),
      remove: bool(r.remove),
      type: str(r.type, 20) || 'open',
      scale_min: str(r.scale_min, 10).trim(),
      scale_max: str(r.scale_max, 10).trim(),
      min_label_de: str(r.min_label_de, 500),
      min_label_en: str(r.min_label_en, 500),
      max_label_de: str(r.max_label_de, 500),
      max_label_en: str(r.max_label_en, 500),
      options: str(r.options, 20_000),
      allow_other: bool(r.allow_other),
    })),
    readinessShown: body.readiness_shown === '1',
    readiness: bool(body.readiness),
    segments: rows(body.segments).map((r) => ({
      key: str(r.key, 100).trim(),
      label_de: str(r.label_de, 500),
      label_en: str(r.label_en, 500),
      required: bool(r.required),
      options: str(r.options, 20_000),
      remove: bool(r.remove),
    })),
  };
}

export function formValuesFromCampaign(c: Campaign | CampaignInput, version?: number): CampaignFormValues {
  // An older campaign (no texts per language): its single texts count as the first language's.
  const first = c.languages[0] === 'en' ? 'en' : 'de';
  const titles = c.titles ?? { [first]: c.title };
  const descriptions = c.descriptions ?? { [first]: c.description ?? '' };
  return {
    title: c.title,
    description: c.description ?? '',
    perLanguage: true,
    title_de: titles.de ?? '',
    title_en: titles.en ?? '',
    description_de: descriptions.de ?? '',
    description_en: descriptions.en ?? '',
    languages: [...c.languages],
    anonymity: c.anonymity ?? 'anonymous',
    address: c.address ?? 'sie',
    version: version === undefined ? '' : String(version),
    retainUntil: c.retainUntil ? new Date(c.retainUntil).toISOString().slice(0, 10) : '',
    opensAt: scheduleValue(c.opensAt),
    closesAt: scheduleValue(c.closesAt),
    questions: c.questions.map((q) => ({
      key: q.key,
      role: q.role,
      prompt_de: q.prompt?.de ?? '',
      prompt_en: q.prompt?.en ?? '',
      mode_text: q.modes.includes('text'),
      mode_video: (q.modes as string[]).includes('video'),
      required: q.required ?? true,
      remove: false,
      type: q.type ?? 'open',
      scale_min: q.scale ? String(q.scale.min) : '',
      scale_max: q.scale ? String(q.scale.max) : '',
      min_label_de: q.scale?.minLabel?.de ?? '',
      min_label_en: q.scale?.minLabel?.en ?? '',
      max_label_de: q.scale?.maxLabel?.de ?? '',
      max_label_en: q.scale?.maxLabel?.en ?? '',
      options: (q.options ?? []).map((o) => `${o.key} = ${o.label?.de ?? ''} | ${o.label?.en ?? ''}`).join('\n'),
      allow_other: q.allowOther === true,
    })),
    readinessShown: true,
    readiness: readinessKeys().every((k) => c.questions.some((q) => q.key === k)),
    segments: c.segments.map((s) => ({
      key: s.key,
      label_de: s.label?.de ?? '',
      label_en: s.label?.en ?? '',
      required: s.required ?? false,
      options: s.options.map((o) => `${o.key} = ${o.label?.de ?? ''} | ${o.label?.en ?? ''}`).join('\n'),
      remove: false,
    })),
  };
}

/** An empty question row (the form always offers one to add a question without JavaScript). */
export function blankQuestion(n: number): QuestionRow {
  return {
    key: `q${n}`,
    role: 'custom',
    prompt_de: '',
    prompt_en: '',
    mode_text: true,
    mode_video: false,
    required: true,
    remove: false,
    type: 'open',
    scale_min: '1',
    scale_max: '5',
    min_label_de: '',
    min_label_en: '',
    max_label_de: '',
    max_label_en: '',
    options: '',
    allow_other: false,
  };
}

/** `"7"` → 7; empty or not a number → undefined (the schema then says what is missing). */
function numberOrUndefined(v: string): number | undefined {
  return /^-?\d{1,3}$/.test(v) ? Number(v) : undefined;
}

/** A question row as the API shape: the fields of its type only. */
function questionInput(q: QuestionRow) {
  const base = {
    key: q.key,
    role: q.role,
    type: q.type || 'open',
    prompt: { de: q.prompt_de, en: q.prompt_en },
    modes: [...(q.mode_text ? ['text'] : []), ...(q.mode_video ? ['video'] : [])],
    required: q.required,
  };
  if (base.type === 'open') return base;
  // Closed answers are never video; the mode boxes do not apply.
  const closed = { ...base, modes: ['text'] };
  if (base.type === 'scale') {
    return {
      ...closed,
      scale: {
        min: numberOrUndefined(q.scale_min),
        max: numberOrUndefined(q.scale_max),
        minLabel: { de: q.min_label_de, en: q.min_label_en },
        maxLabel: { de: q.max_label_de, en: q.max_label_en },
      },
    };
  }
  return { ...closed, options: parseOptionLines(q.options), allowOther: q.allow_other };
}
export function blankSegment(): SegmentRow {
  return { key: '', label_de: '', label_en: '', required: false, options: '', remove: false };
}

const isBlankQuestion = (q: QuestionRow) => !q.prompt_de.trim() && !q.prompt_en.trim();
const isBlankSegment = (s: SegmentRow) => !s.key && !s.label_de.trim() && !s.label_en.trim() && !s.options.trim();

/** `Vertrieb | Sales` → `{ key: 'sales', label }`; an explicit `key =` prefix wins. */
export function parseOptionLines(text: string): Array<{ key: string; label: { de: string; en: string } }> {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^([a-z][a-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      const labels = m ? m[2] : line;
      const [de, en] = labels.split('|').map((p) => p.trim());
      const enLabel = en ?? de;
      return { key: m ? m[1] : slug(enLabel || de), label: { de: de ?? '', en: enLabel ?? '' } };
    });
}

export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, LIMITS.key);
  return /^[a-z]/.test(s) ? s : `o_${s}`.slice(0, LIMITS.key);
}

/**
 * Maps form rows to the API shape. Blank and removed rows are dropped; `rowOf` remembers which
 * form row each item came from so validation messages land next to the right field.
 */
export function toCampaignInput(v: CampaignFormValues): { input: unknown; mapErrors: (e: FieldErrors) => FieldErrors } {
  // The readiness switch: off drops the block's questions, on adds those that are missing.
  const block = v.readinessShown ? readinessKeys() : [];
  const qRows = v.questions
    .map((q, i) => ({ q, i }))
    .filter(({ q }) => !q.remove && !isBlankQuestion(q))
    .filter(({ q }) => !(v.readinessShown && !v.readiness && block.includes(q.key)));
  const readinessToAdd = v.readinessShown && v.readiness ? readinessQuestions().filter((r) => !qRows.some(({ q }) => q.key === r.key)) : [];
  const sRows = v.segments.map((s, i) => ({ s, i })).filter(({ s }) => !s.remove && !isBlankSegment(s));
  const input = {
    ...(v.perLanguage
      ? { titles: { de: v.title_de, en: v.title_en }, descriptions: { de: v.description_de, en: v.description_en } }
      : { title: v.title, description: v.description }),
    languages: v.languages,
    anonymity: v.anonymity || undefined,
    address: v.address || undefined,
    retainUntil: v.retainUntil || undefined,
    opensAt: v.opensAt || undefined,
    closesAt: v.closesAt || undefined,
    questions: [...qRows.map(({ q }) => questionInput(q)), ...readinessToAdd],
    segments: sRows.map(({ s }) => ({
      key: s.key,
      label: { de: s.label_de, en: s.label_en },
      required: s.required,
      options: parseOptionLines(s.options),
    })),
  };
  const mapErrors = (errors: FieldErrors): FieldErrors => {
    const out: FieldErrors = {};
    for (const [path, msg] of Object.entries(errors)) {
      const m = /^(questions|segments)\.(\d+)(.*)$/.exec(path);
      if (!m) {
        out[path] = msg;
        continue;
      }
      const list = m[1] === 'questions' ? qRows : sRows;
      const row = list[Number(m[2])]?.i ?? Number(m[2]);
      // Option-level messages belong to the options textarea (segments and closed questions).
      const rest = m[3].startsWith('.options') ? '.options' : m[3];
      out[`${m[1]}.${row}${rest}`] ??= msg;
    }
    return out;
  };
  return { input, mapErrors };
}
