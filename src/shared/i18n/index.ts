import { de, type MessageKey } from './de.js';
import { en } from './en.js';
import { deDu } from './parts/du.js';

export const LANGS = ['de', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type { MessageKey };

/**
 * How German texts address respondents: "Sie" (formal, the interface's default) or "Du". A
 * campaign chooses (its `address`); every respondent-facing German text follows it through
 * `translator(lang, address)`, which takes the Du wording from parts/du.ts where a text has one.
 */
export const ADDRESS_FORMS = ['sie', 'du'] as const;
export type Address = (typeof ADDRESS_FORMS)[number];

/** The German texts that differ in the Du form (respondent pages and e-mails). */
export const INFORMAL_DE: Partial<Record<MessageKey, string>> = deDu;

/** The dictionaries; `en` is typed against `de`'s keys, so a missing key fails the build. */
export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { de, en };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * Picks the best of `allowed` for an Accept-Language header (RFC 9110 weights);
 * falls back to the first allowed language.
 */
export function negotiateLanguage(header: string | undefined, allowed: readonly Lang[] = LANGS): Lang {
  const fallback = allowed[0] ?? 'de';
  if (!header) return fallback;
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number.parseFloat(q.slice(2)) : 1;
      return { base: tag.split('-')[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const r of ranked) if (isLang(r.base) && allowed.includes(r.base)) return r.base;
  return fallback;
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * Returns `t(key, params)` for one language. `{name}` placeholders are replaced; `{n|one|other}`
 * picks the singular or plural wording by the number `n` ("1 Person", "2 Personen"), so no text
 * needs a "Person(en)".
 */
export function translator(lang: Lang, address: Address = 'sie'): Translate {
  const dict = DICTIONARIES[lang];
  const informal = lang === 'de' && address === 'du' ? INFORMAL_DE : undefined;
  return (key, params) => {
    const template = informal?.[key] ?? dict[key] ?? key;
    if (!params) return template;
    return template
      .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, name: string, one: string, other: string) => (name in params ? (Number(params[name]) === 1 ? one : other) : m))
      .replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Picks a localized text `{de, en}` in `lang`, falling back to the other language. */
export function pick(text: { de?: string | null; en?: string | null } | undefined | null, lang: Lang): string {
  if (!text) return '';
  return (lang === 'de' ? text.de || text.en : text.en || text.de) ?? '';
}
