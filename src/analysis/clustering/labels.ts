/**
 * Cluster labels from phrases people actually wrote: word sequences (1–3 words, inside a clause,
 * neither starting nor ending with a function word or filler) that occur in at least two of the
 * cluster's answers, in the cluster's language — "schicht übergabe", "too many tools" — not stems.
 */
import { FILLERS } from '../text/normalize.js';
import { STOPWORDS, STOPWORDS_ANY } from '../text/stopwords.js';
/** Characters that end a stretch of text (phrases do not cross them): . , ; : ! ? ( ) [ ] – — … newline " “ ” „ */
function endsStretch(c: number): boolean {
  return (
    c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x21 || c === 0x3f || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d ||
    c === 0x2013 || c === 0x2014 || c === 0x2026 || c === 0x0a || c === 0x22 || c === 0x201c || c === 0x201d || c === 0x201e
  );
}
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * Calls each(phrase) for every phrase of one answer (a phrase may come more than once): words are
 * found in the whole text and a phrase never spans a character that ends a stretch, which is the
 * same as cutting the text into stretches first (no word contains such a character).
 */
function forEachPhrase(text: string, lang: string, each: (phrase: string) => void): void {
  const lower = text.normalize('NFC').toLowerCase();
  // The current stretch's last three words and whether each may start or end a phrase.
  let w1 = '';
  let w2 = '';
  let ok1 = false;
  let ok2 = false;
  let inStretch = 0; // words of the current stretch seen so far, up to 2
  let prevEnd = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(lower); m !== null; m = WORD.exec(lower)) {
    const w = m[0];
    for (let i = prevEnd; i < m.index; i++) {
      if (endsStretch(lower.charCodeAt(i))) {
        inStretch = 0;
        break;
      }
    }
    prevEnd = m.index + w.length;
    const ok = contentCached(w, lang);
    // Phrases ending here: the word, "w2 w", "w1 w2 w" — each when its first and last words are content.
    if (ok) {
      each(w);
      if (inStretch >= 1 && ok2) each(`${w2} ${w}`);
      if (inStretch >= 2 && ok1) each(`${w1} ${w2} ${w}`);
    }
    w1 = w2;
    ok1 = ok2;
    w2 = w;
    ok2 = ok;
    if (inStretch < 2) inStretch++;
  }
}

/** Distinct phrases of one answer. */
export function phrasesOf(text: string, lang: string): Set<string> {
  const out = new Set<string>();
  forEachPhrase(text, lang, (p) => out.add(p));
  return out;
}

/** Words that make a poor start or end of a label: function words, fillers, negations, hedges. */
const LABEL_STOP = new Set([
  'nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'ohne', 'mehr', 'statt', 'not', 'no', 'never', 'without', 'more', 'instead', 'halt',
  'eben', 'mal', 'ganz', 'ehrlich', 'honestly', 'really', 'just', 'genau', 'alles', 'immer', 'nur', 'viele', 'viel', 'gibt', 'gibts', 'geht', 'wirklich', 'meistens',
  'lot', 'lots', 'thing', 'things', 'stuff', 'day', 'week', 'one', 'get', 'got', 'use', 'used', 'need', 'want', 'make', 'find', 'sind', 'wird', 'werden', 'hab', 'habe',
]);

/** content() per word, for German/English and for other languages (which also drop German stopwords). */
const contentCache: [Map<string, boolean>, Map<string, boolean>] = [new Map(), new Map()];
function contentCached(w: string, lang: string): boolean {
  const cache = contentCache[lang !== 'de' && lang !== 'en' ? 1 : 0];
  let ok = cache.get(w);
  if (ok === undefined) {
    ok = content(w, lang);
    if (cache.size < 200_000) cache.set(w, ok);
  }
  return ok;
}

function content(w: string, lang: string): boolean {
  if (w.length < 3 || LABEL_STOP.has(w) || FILLERS.has(w) || STOPWORDS_ANY.has(w)) return false;
  if (lang !== 'de' && lang !== 'en' && STOPWORDS.de.has(w)) return false;
  return !/^\d+$/.test(w);
}

export interface PhraseCounts {
  /** phrase → number of answers containing it */
  df: Map<string, number>;
  n: number;
}

export function countPhrases(texts: Array<{ text: string; lang: string }>): PhraseCounts {
  // Per phrase: [answers containing it, index of the last answer counted]; no Set per answer.
  const seen = new Map<string, [number, number]>();
  texts.forEach((t, i) =>
    forEachPhrase(t.text, t.lang, (p) => {
      const e = seen.get(p);
      if (e === undefined) seen.set(p, [1, i]);
      else if (e[1] !== i) {
        e[0]++;
        e[1] = i;
      }
    }),
  );
  const df = new Map<string, number>();
  for (const [p, e] of seen) df.set(p, e[0]);
  return { df, n: texts.length };
}

/**
 * The cluster's most distinctive phrases (each in ≥ 2 of its answers): frequent in the cluster,
 * rarer in the question overall; longer phrases preferred; a phrase inside a chosen one is skipped.
 * @returns phrases with their share of the cluster's answers
 */
export function distinctivePhrases(inCluster: PhraseCounts, overall: PhraseCounts, n: number): Array<{ phrase: string; share: number }> {
  const scored: Array<{ phrase: string; share: number; s: number }> = [];
  for (const [phrase, df] of inCluster.df) {
    if (df < 2) continue;
    const share = df / Math.max(1, inCluster.n);
    const base = (overall.df.get(phrase) ?? 0) / Math.max(1, overall.n);
    const words = phrase.split(' ').length;
    scored.push({ phrase, share, s: (share - 0.5 * base) * (1 + 0.25 * (words - 1)) });
  }
  scored.sort((a, b) => b.s - a.s || b.share - a.share || (a.phrase < b.phrase ? -1 : 1));
  const chosen: Array<{ phrase: string; share: number }> = [];
  for (const c of scored) {
    if (chosen.length >= n) break;
    const words = c.phrase.split(' ');
    if (chosen.some((x) => x.phrase.split(' ').some((w) => words.includes(w)))) continue;
    chosen.push({ phrase: c.phrase, share: c.share });
  }
  return chosen;
}
