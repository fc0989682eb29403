/**
 * Cluster labels from phrases people actually wrote: word sequences (1–3 words, inside a clause,
 * neither starting nor ending with a function word or filler) that occur in at least two of the
 * cluster's answers, in the cluster's language — "schicht übergabe", "too many tools" — not stems.
 */
import { FILLERS } from '../text/normalize.js';
import { STOPWORDS, STOPWORDS_ANY } from '../text/stopwords.js';
/** Stretches of text without punctuation (phrases do not cross them). */
const STRETCH = /[^.,;:!?()\[\]–—…\n"“”„]+/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Distinct phrases of one answer. */
export function phrasesOf(text: string, lang: string): Set<string> {
  const lower = text.normalize('NFC').toLowerCase();
  const out = new Set<string>();
  for (const stretch of lower.match(STRETCH) ?? []) {
    const words = stretch.match(WORD) ?? [];
    const ok = words.map((w) => content(w, lang));
    for (let i = 0; i < words.length; i++) {
      if (!ok[i]) continue;
      let phrase = words[i];
      out.add(phrase);
      for (let len = 2; len <= 3 && i + len <= words.length; len++) {
        phrase += ` ${words[i + len - 1]}`;
        if (ok[i + len - 1]) out.add(phrase);
      }
    }
  }
  return out;
}

/** Words that make a poor start or end of a label: function words, fillers, negations, hedges. */
const LABEL_STOP = new Set([
  'nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'ohne', 'mehr', 'statt', 'not', 'no', 'never', 'without', 'more', 'instead', 'halt',
  'eben', 'mal', 'ganz', 'ehrlich', 'honestly', 'really', 'just', 'genau', 'alles', 'immer', 'nur', 'viele', 'viel', 'gibt', 'gibts', 'geht', 'wirklich', 'meistens',
  'lot', 'lots', 'thing', 'things', 'stuff', 'day', 'week', 'one', 'get', 'got', 'use', 'used', 'need', 'want', 'make', 'find', 'sind', 'wird', 'werden', 'hab', 'habe',
]);

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
  const df = new Map<string, number>();
  for (const t of texts) for (const p of phrasesOf(t.text, t.lang)) df.set(p, (df.get(p) ?? 0) + 1);
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
