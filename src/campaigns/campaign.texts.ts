import type { Lang } from '../shared/i18n/index.js';

/**
 * Campaign texts per language (issue 17, item 4). A campaign keeps `title`/`description` (one
 * string each: older documents have only these, and lead pages that need one title use them) and
 * `titles`/`descriptions` with a German and an English text. Respondents get their language, or
 * the other one with `fallback` set so the page can say so.
 */
export interface Localized {
  de?: string | null;
  en?: string | null;
}

export interface PickedText {
  text: string;
  /** The language the text is in; null when it is unknown (an older campaign's single title). */
  lang: Lang | null;
  /** The text is not in the language asked for. */
  fallback: boolean;
}

const other = (lang: Lang): Lang => (lang === 'de' ? 'en' : 'de');

/** One localized text in `lang`, else in the other language (marked as a fallback). */
export function pickText(text: Localized | null | undefined, lang: Lang): PickedText {
  const own = text?.[lang]?.trim();
  if (own) return { text: own, lang, fallback: false };
  const alt = text?.[other(lang)]?.trim();
  if (alt) return { text: alt, lang: other(lang), fallback: true };
  return { text: '', lang: null, fallback: false };
}

export interface CampaignTextSource {
  title: string;
  description?: string | null;
  titles?: Localized | null;
  descriptions?: Localized | null;
}

export interface CampaignText {
  title: string;
  description: string;
  /** Either text is shown in the other language. */
  fallback: boolean;
  titleText: PickedText;
  descriptionText: PickedText;
}

/**
 * Title and description of a campaign in `lang`, falling back to the other language; a campaign
 * stored before texts per language (no `titles`) shows its single title and description as they are.
 */
export function campaignText(campaign: CampaignTextSource, lang: Lang): CampaignText {
  const hasTitles = Boolean(campaign.titles?.de?.trim() || campaign.titles?.en?.trim());
  const titleText = hasTitles ? pickText(campaign.titles, lang) : { text: campaign.title, lang: null, fallback: false };
  const hasDescriptions = Boolean(campaign.descriptions?.de?.trim() || campaign.descriptions?.en?.trim());
  const descriptionText = hasDescriptions ? pickText(campaign.descriptions, lang) : { text: campaign.description ?? '', lang: null, fallback: false };
  return {
    title: titleText.text,
    description: descriptionText.text,
    fallback: titleText.fallback || descriptionText.fallback,
    titleText,
    descriptionText,
  };
}

export interface MissingTranslation {
  /**
   * What is missing, for the lead: `title`, `description`, `question` (its prompt), `scale` (an
   * end label of question n), `choice` (an option of question n), `segment`, `option`.
   */
  kind: 'title' | 'description' | 'question' | 'scale' | 'choice' | 'segment' | 'option';
  /** Question number (1-based), segment label, option label in the lead's language. */
  n?: number;
  segment?: string;
  option?: string;
}

interface TranslatableCampaign extends CampaignTextSource {
  languages: string[];
  questions: Array<{
    prompt?: Localized | null;
    scale?: { minLabel?: Localized | null; maxLabel?: Localized | null } | null;
    options?: Array<{ label?: Localized | null }> | null;
  }>;
  segments: Array<{ label?: Localized | null; options: Array<{ label?: Localized | null }> }>;
}

/**
 * Per campaign language, the texts a respondent would see in the other language: the title and
 * description (when the other language has one), question prompts, segment labels and options.
 * An older campaign without `titles` counts its title as missing in every language but none
 * (its language is unknown), so only per-language texts are listed.
 */
export function missingTranslations(campaign: TranslatableCampaign, leadLang: Lang): Partial<Record<Lang, MissingTranslation[]>> {
  const out: Partial<Record<Lang, MissingTranslation[]>> = {};
  const langs = campaign.languages.filter((l): l is Lang => l === 'de' || l === 'en');
  const missing = (t: Localized | null | undefined, lang: Lang) => !t?.[lang]?.trim() && Boolean(t?.[other(lang)]?.trim());
  for (const lang of langs) {
    const list: MissingTranslation[] = [];
    if (missing(campaign.titles, lang)) list.push({ kind: 'title' });
    if (missing(campaign.descriptions, lang)) list.push({ kind: 'description' });
    campaign.questions.forEach((q, i) => {
      if (missing(q.prompt, lang)) list.push({ kind: 'question', n: i + 1 });
      // Closed questions (issue 17, item 1): scale end labels and choices are campaign texts too.
      if (q.scale && (missing(q.scale.minLabel, lang) || missing(q.scale.maxLabel, lang))) list.push({ kind: 'scale', n: i + 1 });
      for (const o of q.options ?? []) if (missing(o.label, lang)) list.push({ kind: 'choice', n: i + 1, option: pickText(o.label, leadLang).text });
    });
    for (const s of campaign.segments) {
      const label = pickText(s.label, leadLang).text;
      if (missing(s.label, lang)) list.push({ kind: 'segment', segment: label });
      for (const o of s.options) if (missing(o.label, lang)) list.push({ kind: 'option', segment: label, option: pickText(o.label, leadLang).text });
    }
    if (list.length) out[lang] = list;
  }
  return out;
}

/**
 * Whether a segment question shows text in the other language: its label, or one of `options`
 * (the options of a select cannot carry a note of their own, so the label does).
 */
export function segmentFallback(
  segment: { label?: Localized | null },
  options: Array<{ label?: Localized | null }>,
  lang: Lang,
): PickedText {
  const label = pickText(segment.label, lang);
  if (label.fallback) return label;
  return options.map((o) => pickText(o.label, lang)).find((p) => p.fallback) ?? label;
}
