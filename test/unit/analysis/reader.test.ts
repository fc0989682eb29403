import { expect } from 'chai';
import { clauseMasks, readText, wordStrings } from '../../../src/analysis/coding/featurize.js';
import { trainingCorpus } from '../../../src/analysis/model/corpus.js';
import { detectLanguage } from '../../../src/analysis/text/language.js';
import { JOINS } from '../../../src/analysis/text/normalize.js';
import { Reader } from '../../../src/analysis/text/reader.js';
import { dominanceWeights, scanText, scopeRanges, workText } from '../../../src/analysis/text/scope.js';
import { countPhrases } from '../../../src/analysis/clustering/labels.js';
import { FILLERS } from '../../../src/analysis/text/normalize.js';
import { STOPWORDS, STOPWORDS_ANY } from '../../../src/analysis/text/stopwords.js';

/**
 * The interning Reader (text/reader.ts) replaced scanText + tokensOf + detectLanguage on strings for
 * speed; it must give exactly the same words, offsets, clauses, joins and language. Reference: the
 * string version, on every training answer and on texts built to hit the edges (typographic
 * apostrophes and quotes, emoji inside and outside the BMP, combining marks, CJK, dashes).
 */
interface RefTok {
  t: string;
  start: number;
  end: number;
  clause: number;
}

function reference(text: string): { tokens: RefTok[]; clauses: Array<{ start: number; end: number }>; lang: string } {
  const work = workText(text);
  const { words, clauses } = scanText(work.lower);
  const tokens: RefTok[] = [];
  for (let i = 0; i < words.length; i++) {
    const a = words[i];
    const b = words[i + 1];
    if (b && b.clause === a.clause && b.start - a.end <= 2) {
      const joined = JOINS.get(`${a.t} ${b.t}`);
      if (joined) {
        tokens.push({ t: joined, start: a.start, end: b.end, clause: a.clause });
        i++;
        continue;
      }
    }
    tokens.push(a);
  }
  return { tokens, clauses, lang: detectLanguage(tokens.map((t) => t.t), text, 'de').lang };
}

const EDGE_CASES = [
  'Wir nutzen’s halt, gibt’s nicht anders – aber E-Mail geht… „immer“ 😅 und ☀️ dazu',
  'we use share point and teams calls — no, we used to use skype 🙈🙈 it’s fine',
  'Straße: Ärger mit Über-Stunden (Meisterbüro) © ® ™ ✅ 2024/25 1.000 Mails',
  'e mails und whats app, what’s app; intra net | zum call - heute nur noch Zoom',
  'Cafe\u0301 und Ume\u0301 sowie Kyrillisch: почта и чат, 日本語のメール',
  'k.A.',
  '',
  '   ',
  'ok 👍',
  'İstanbul IŞIK ﬁle ǅ',
  'apart from that, other than mail; and then teams — i mean slack',
];

describe('analysis: the interning reader', () => {
  it('when it reads the training corpus and edge cases, then words, offsets, clauses, joins and language equal the string version', () => {
    const reader = new Reader();
    const texts = [...trainingCorpus().map((d) => d.text), ...EDGE_CASES];
    for (const text of texts) {
      const ref = reference(text);
      const r = readText(text, undefined, 'de', reader);
      const got: RefTok[] = [];
      const strings = wordStrings(r);
      for (let i = 0; i < r.words.n; i++) got.push({ t: strings[i], start: r.words.start[i], end: r.words.end[i], clause: r.words.clause[i] });
      expect(got, text).to.deep.equal(ref.tokens.map((t) => ({ t: t.t, start: t.start, end: t.end, clause: t.clause })));
      expect(r.clauses, text).to.deep.equal(ref.clauses);
      expect(r.lang, text).to.equal(ref.lang);
    }
  });

  it('when clause patterns are skipped for clauses whose words cannot match them, then scopes and dominance weights stay the same', () => {
    const reader = new Reader();
    for (const text of [...trainingCorpus().map((d) => d.text), ...EDGE_CASES]) {
      const r = readText(text, undefined, 'de', reader);
      const masks = clauseMasks(r);
      expect(scopeRanges(r.work.lower, r.clauses, masks), text).to.deep.equal(scopeRanges(r.work.lower, r.clauses));
      expect(Array.from(dominanceWeights(r.work.lower, r.clauses, masks)), text).to.deep.equal(Array.from(dominanceWeights(r.work.lower, r.clauses)));
    }
  });

  it('when the same word comes again, then it has the same id, and different words different ids', () => {
    const reader = new Reader();
    const a = readText('Teams und Mail und Teams', undefined, 'de', reader);
    const ids = Array.from(a.words.ids.subarray(0, a.words.n));
    expect(ids[0]).to.equal(ids[4]);
    expect(new Set(ids).size).to.equal(3);
    expect(reader.strings[ids[0]]).to.equal('teams');
  });

  it('when phrases are counted, then they equal the stretch-by-stretch definition', () => {
    // Reference: cut into stretches at punctuation and quotes, words per stretch, 1–3-word phrases
    // whose first and last words are content words.
    const LABEL_STOP_SAMPLE = ['nicht', 'mehr', 'halt', 'gibt', 'lot', 'use'];
    const content = (w: string, lang: string): boolean =>
      !(w.length < 3 || LABEL_STOP_SAMPLE.includes(w) || FILLERS.has(w) || STOPWORDS_ANY.has(w) || (lang !== 'de' && lang !== 'en' && STOPWORDS.de.has(w)) || /^\d+$/.test(w));
    const texts = [...trainingCorpus().slice(0, 300).map((d) => ({ text: d.text, lang: d.lang || 'de' })), ...EDGE_CASES.map((text) => ({ text, lang: 'de' }))];
    const counts = countPhrases(texts);
    const ref = new Map<string, number>();
    for (const { text, lang } of texts) {
      const seen = new Set<string>();
      for (const stretch of text.normalize('NFC').toLowerCase().match(/[^.,;:!?()[\]–—…\n"“”„]+/gu) ?? []) {
        const words = stretch.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
        for (let i = 0; i < words.length; i++) {
          if (!content(words[i], lang)) continue;
          let p = words[i];
          seen.add(p);
          for (let len = 2; len <= 3 && i + len <= words.length; len++) {
            p += ` ${words[i + len - 1]}`;
            if (content(words[i + len - 1], lang)) seen.add(p);
          }
        }
      }
      for (const p of seen) ref.set(p, (ref.get(p) ?? 0) + 1);
    }
    // The engine's stop list is longer than the sample above: compare on the phrases both allow.
    for (const [p, n] of counts.df) expect(ref.get(p), p).to.equal(n);
  });
});
