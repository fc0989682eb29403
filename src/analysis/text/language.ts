import { OTHER_LANG_STOPWORDS, STOPWORDS } from './stopwords.js';

/**
 * Language detection by stopword evidence. Character n-gram detectors (franc, cld) need ~50+
 * characters to be reliable and confuse German/Dutch/English on the short, tool-name-heavy answers
 * of this interview ("Slack, Jira, Zoom."); function words decide German vs English from two or
 * three of them. Only words exclusive to one list count ("in", "was", "will" are in both).
 */
const DE_ONLY = new Set([...STOPWORDS.de].filter((w) => !STOPWORDS.en.has(w)));
const EN_ONLY = new Set([...STOPWORDS.en].filter((w) => !STOPWORDS.de.has(w)));
// Negations and a few very frequent words are removed from the stopword lists for coding; they are
// strong language evidence though.
for (const w of ['nicht', 'kein', 'keine', 'ohne', 'mehr', 'statt', 'nie', 'überall', 'zusammen', 'gemeinsam', 'büro', 'arbeit', 'arbeiten']) DE_ONLY.add(w);
for (const w of ['not', 'no', 'never', 'without', 'more', 'instead', 'anywhere', 'together', 'work']) EN_ONLY.add(w);

const OTHER_ONLY: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(OTHER_LANG_STOPWORDS).map(([l, set]) => [
    l,
    new Set([...set].filter((w) => w.length > 1 && !STOPWORDS.de.has(w) && !STOPWORDS.en.has(w))),
  ]),
);

export interface LanguageGuess {
  lang: string;
  /** True when the evidence was too thin and the campaign language was used. */
  fallback: boolean;
}

/** Minimum evidence (exclusive function words, umlauts) before we trust the answer over the campaign. */
const MIN_EVIDENCE = 2;

/**
 * Detects the language of one tokenized answer.
 * @param tokens lower-cased tokens (see tokenize)
 * @param text the raw text (for umlaut/ß evidence)
 * @param fallback campaign language for very short or ambiguous answers
 */
export function detectLanguage(tokens: string[], text: string, fallback: 'de' | 'en'): LanguageGuess {
  const masks = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) masks[i] = evidenceOf(tokens[i]);
  return languageOf(masks, Int32Array.from(masks.keys()), masks.length, text, fallback);
}

/**
 * detectLanguage from evidence masks (evidenceOf) kept per word id, as a Reader keeps them.
 * @param maskOf evidence mask by word id
 * @param ids the answer's word ids (only the first n are read)
 */
export function languageOf(maskOf: ArrayLike<number>, ids: ArrayLike<number>, n: number, text: string, fallback: 'de' | 'en'): LanguageGuess {
  let de = 0;
  let en = 0;
  let otherCounts: number[] | null = null;
  for (let i = 0; i < n; i++) {
    const m = maskOf[ids[i]];
    if (m === 0) continue;
    if (m & DE_BIT) de++;
    if (m & EN_BIT) en++;
    if (m > EN_BIT) {
      otherCounts ??= new Array<number>(OTHER_LANGS.length).fill(0);
      for (let l = 0; l < OTHER_LANGS.length; l++) if (m & (OTHER_BIT << l)) otherCounts[l]++;
    }
  }
  // Umlauts and ß are German evidence, capped so one umlaut-laden tool name cannot decide alone.
  de += Math.min(2, umlauts(text)) * 0.75;
  let bestOther = '';
  let bestOtherScore = 0;
  if (otherCounts) {
    // OTHER_LANGS is sorted: ties go to the alphabetically first language.
    for (let l = 0; l < OTHER_LANGS.length; l++) {
      if (otherCounts[l] > bestOtherScore) {
        bestOther = OTHER_LANGS[l];
        bestOtherScore = otherCounts[l];
      }
    }
  }
  const top = Math.max(de, en);
  if (bestOtherScore >= 3 && bestOtherScore > 1.5 * top) return { lang: bestOther, fallback: false };
  if (top < MIN_EVIDENCE || de === en) return { lang: fallback, fallback: true };
  return { lang: de > en ? 'de' : 'en', fallback: false };
}

// Per-token evidence as a bit mask, computed once per distinct token (an answer's tokens repeat across
// a campaign; a Set lookup per list and language per token was a hot spot at 100,000 answers).
const DE_BIT = 1;
const EN_BIT = 2;
const OTHER_BIT = 4;
const OTHER_LANGS = Object.keys(OTHER_ONLY).sort();
const evidence = new Map<string, number>();
const MAX_CACHED = 200_000;

/** Language evidence of one token as a bit mask (German, English, further languages). */
export function evidenceOf(t: string): number {
  let mask = evidence.get(t);
  if (mask !== undefined) return mask;
  mask = (DE_ONLY.has(t) ? DE_BIT : 0) | (EN_ONLY.has(t) ? EN_BIT : 0);
  if (t.length > 2) OTHER_LANGS.forEach((l, i) => {
    if (OTHER_ONLY[l].has(t)) mask! |= OTHER_BIT << i;
  });
  if (evidence.size < MAX_CACHED) evidence.set(t, mask);
  return mask;
}

/** Number of ä ö ü ß (either case, as /[äöüß]/giu counts them), up to 2. */
function umlauts(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length && n < 2; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xe4 || c === 0xc4 || c === 0xf6 || c === 0xd6 || c === 0xfc || c === 0xdc || c === 0xdf || c === 0x1e9e) n++;
  }
  return n;
}
