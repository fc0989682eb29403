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
  let de = 0;
  let en = 0;
  const other: Record<string, number> = {};
  for (const t of tokens) {
    if (DE_ONLY.has(t)) de++;
    if (EN_ONLY.has(t)) en++;
    if (t.length > 2) {
      for (const l in OTHER_ONLY) if (OTHER_ONLY[l].has(t)) other[l] = (other[l] ?? 0) + 1;
    }
  }
  // Umlauts and ß are German evidence, capped so one umlaut-laden tool name cannot decide alone.
  const umlauts = (text.match(/[äöüß]/giu) ?? []).length;
  de += Math.min(2, umlauts) * 0.75;
  let bestOther = '';
  let bestOtherScore = 0;
  for (const l of Object.keys(other).sort()) {
    if (other[l] > bestOtherScore) {
      bestOther = l;
      bestOtherScore = other[l];
    }
  }
  const top = Math.max(de, en);
  if (bestOtherScore >= 3 && bestOtherScore > 1.5 * top) return { lang: bestOther, fallback: false };
  if (top < MIN_EVIDENCE || de === en) return { lang: fallback, fallback: true };
  return { lang: de > en ? 'de' : 'en', fallback: false };
}
