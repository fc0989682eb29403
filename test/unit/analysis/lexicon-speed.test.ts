import { expect } from 'chai';
import { BUILTIN_CODEBOOK } from '../../../src/analysis/index.js';
import { clusterAnswers, distanceMatrix, kmeansPlusPlus, sparseSqDist, type SparseRow } from '../../../src/analysis/clustering/cluster.js';
import { compileGroup, cueLiterals, cueMatches, latinOnly, matchLexicon, negationReason, unicodeBoundaries, type LexiconHit } from '../../../src/analysis/coding/lexicon.js';
import { readText } from '../../../src/analysis/coding/featurize.js';
import { trainingCorpus } from '../../../src/analysis/model/corpus.js';
import { Reader } from '../../../src/analysis/text/reader.js';
import { mulberry32 } from '../../../src/analysis/random.js';
import { lowerText, tokenize, tokenizeLower } from '../../../src/analysis/text/tokenize.js';
import type { CodeGroup } from '../../../src/analysis/types.js';

/**
 * The speed work on the lexicon (literal prefilter, per-cue regexes merged like the alternation,
 * Latin variants of the word-boundary classes) must not change a single hit: compare with the plain
 * implementation (one alternation per code with \p{L}\p{N} boundaries, matchAll, negation with the
 * Unicode patterns) on every example phrase of the codebook, recombined, and on texts with emoji,
 * Cyrillic and Greek letters next to cues.
 */
function reference(group: CodeGroup, lower: string): LexiconHit[] {
  const scoped = group.output === 'channels';
  return group.codes.map((code) => {
    const hit: LexiconHit = { code: code.id, score: 0, strong: 0, weak: 0, first: Number.MAX_SAFE_INTEGER, negated: 0 };
    for (const [cues, kind] of [[code.cues, 'strong'], [code.weakCues, 'weak']] as const) {
      if (!cues || cues.length === 0) continue;
      const re = new RegExp(cues.map((c) => `(?:${unicodeBoundaries(c)})`).join('|'), 'gu');
      for (const m of lower.matchAll(re)) {
        if (m[0].length === 0) continue;
        if (scoped && negationReason(lower, m.index, m.index + m[0].length, undefined, false) !== null) {
          hit.negated++;
          continue;
        }
        hit[kind]++;
        if (m.index < hit.first) hit.first = m.index;
      }
    }
    hit.score = Math.min(hit.strong, 3) + 0.35 * Math.min(hit.weak, 3);
    return hit;
  });
}

function corpus(group: CodeGroup): string[] {
  const phrases = group.codes.flatMap((c) => [...c.examples.de, ...c.examples.en, c.definition.de, c.definition.en, c.name.de, c.name.en]);
  const random = mulberry32(7);
  const pick = (): string => phrases[Math.floor(random() * phrases.length)];
  const out = [...phrases];
  for (let i = 0; i < 150; i++) out.push(`${pick()} ${pick()} ${pick()}`);
  for (let i = 0; i < 60; i++) {
    // Non-Latin letters and emoji right next to cue words: the Unicode patterns must be used there.
    const p = pick();
    const at = Math.floor(random() * p.length);
    out.push(`${p.slice(0, at)}${['ж', 'λ', '😩', 'ß', 'é', '—', '…'][i % 7]}${p.slice(at)} ${pick()}`);
  }
  out.push('Früher Fax, heute Mail. Slack nutzen wir nicht mehr! Kein Telefon?', 'We stopped using Skype; Teams instead of e-mail… no longer phone calls', 'ЖMail Жmail λoutlookλ 😩teams😩', '', 'a');
  return out;
}

describe('analysis lexicon speed-ups are exact', () => {
  it('when the training corpus is matched cue by cue (word-level prefilter, plain cues by indexOf), then every match equals the plain alternation', () => {
    const reader = new Reader();
    const extra = ['ЖMail Жmail λoutlookλ 😩teams😩 e-mails𝐀 𝐀outlook', 'Mail-Verteiler und E-Mail, Outlook! teams-chat; sharepoint.', ''];
    for (const group of BUILTIN_CODEBOOK.groups) {
      const compiled = compileGroup(group);
      for (const text of [...trainingCorpus().map((d) => d.text), ...extra]) {
        const r = readText(text, undefined, 'de', reader);
        const got: string[] = [];
        cueMatches(compiled, r.work.lower, (code, weak, start, end) => got.push(`${code}${weak ? '~' : ''}@${start}-${end}`), { owner: reader, strings: reader.strings, ids: r.words.raw, n: r.words.rawN });
        const want: string[] = [];
        for (const code of group.codes) {
          for (const [cues, weak] of [[code.cues, false], [code.weakCues, true]] as const) {
            if (!cues || cues.length === 0) continue;
            const re = new RegExp(cues.map((c) => `(?:${unicodeBoundaries(c)})`).join('|'), 'gu');
            for (const m of r.work.lower.matchAll(re)) if (m[0].length > 0) want.push(`${code.id}${weak ? '~' : ''}@${m.index}-${m.index + m[0].length}`);
          }
        }
        expect(got, text).to.deep.equal(want);
      }
    }
  });

  for (const group of BUILTIN_CODEBOOK.groups) {
    it(`when every ${group.role} phrase is matched, then the hits equal the plain alternation's`, () => {
      const compiled = compileGroup(group);
      for (const text of corpus(group)) {
        const lower = lowerText(text);
        expect(matchLexicon(compiled, lower), text).to.deep.equal(reference(group, lower));
      }
    });
  }

  it('when cues are reduced to literals, then every cue match contains one of them', () => {
    for (const group of BUILTIN_CODEBOOK.groups) {
      for (const code of group.codes) {
        for (const cue of [...(code.cues ?? []), ...(code.weakCues ?? [])]) {
          const lits = cueLiterals([cue]);
          if (lits === null) continue;
          const re = new RegExp(unicodeBoundaries(cue), 'gu');
          for (const text of [...code.examples.de, ...code.examples.en].map(lowerText)) {
            for (const m of text.matchAll(re)) expect(lits.some((l) => m[0].includes(l)), `${cue} on ${m[0]}`).to.equal(true);
          }
        }
      }
    }
  });

  it('when Latin text is tokenized by the hand-written scanner, then the tokens equal the regex tokens', () => {
    const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|\p{Extended_Pictographic}/gu;
    const alphabet = ["a", "ß", "é", "1", "²", "'", "''", " ", "-", ".", "©", "®", "ǅ", "x'1", "ª", "µ", "×", "÷", "\n"];
    const random = mulberry32(11);
    for (let n = 0; n < 500; n++) {
      let t = '';
      for (let i = 0; i < 1 + Math.floor(random() * 30); i++) t += alphabet[Math.floor(random() * alphabet.length)];
      const lower = lowerText(t);
      expect(tokenizeLower(lower), JSON.stringify(t)).to.deep.equal([...lower.matchAll(re)].map((m) => m[0].replace(/’/g, "'")));
    }
  });

  it('when a text has letters beyond U+024F, then the Latin patterns are not used for it', () => {
    expect(latinOnly('über straße café')).to.equal(true);
    expect(latinOnly('emoji 😩 and dash — fine')).to.equal(true);
    expect(latinOnly('жmail')).to.equal(false);
    expect(latinOnly('λ')).to.equal(false);
  });

  it('when text is lower-cased, then it equals the German-locale lower-casing it replaces', () => {
    for (const t of ['Über Ärger ẞ STRASSE', 'E-Mail’s 😩', 'İstanbul ΣΊΣΥΦΟΣ Σ.', 'ǅ ǈ Ǌ', 'A\u0308rger']) {
      expect(lowerText(t)).to.equal(t.normalize('NFC').toLocaleLowerCase('de-DE'));
      expect(tokenizeLower(lowerText(t))).to.deep.equal(tokenize(t));
    }
  });
});

describe('analysis clustering speed-ups are exact', () => {
  const random = mulberry32(3);
  const rows: SparseRow[] = Array.from({ length: 60 }, () => {
    const cols = [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 40)))].sort((a, b) => a - b);
    return { cols: Int32Array.from(cols), vals: Float64Array.from(cols, () => random()) };
  });
  const dense = rows.map((r) => {
    const d = new Array<number>(40).fill(0);
    r.cols.forEach((c, i) => (d[c] = r.vals[i]));
    return d;
  });
  const denseSq = (p: number[], q: number[]): number => {
    let d = 0;
    for (let i = 0; i < p.length; i++) d += (p[i] - q[i]) * (p[i] - q[i]);
    return d;
  };

  it('when distances are computed sparsely, then they are bit-identical to the dense sum', () => {
    for (let i = 0; i < rows.length; i++) for (let j = 0; j < rows.length; j++) expect(sparseSqDist(rows[i], rows[j])).to.equal(denseSq(dense[i], dense[j]));
    const m = distanceMatrix(rows);
    expect(m[3][7]).to.equal(Math.sqrt(denseSq(dense[3], dense[7])));
  });

  it('when k-means++ seeds, then it picks the same centres as ml-kmeans', async () => {
    const { kmeans } = await import('ml-kmeans');
    for (const k of [2, 3, 5, 8]) {
      const ours = kmeansPlusPlus(rows, k, 42 + k).map((r) => dense[r]);
      const lib = kmeans(dense, k, { seed: 42 + k, initialization: 'kmeans++', maxIterations: 1 });
      const mine = kmeans(dense, k, { initialization: ours, maxIterations: 1 });
      expect(mine.clusters).to.deep.equal(lib.clusters);
      expect(mine.centroids).to.deep.equal(lib.centroids);
    }
  });

  it('when answers are clustered twice, then the result is identical', () => {
    const inputs = Array.from({ length: 40 }, (_, i) => ({ features: [`t${i % 5}`, `u${i % 3}`, `t${i % 5}_u${i % 3}`], codes: i % 2 ? ['a'] : ['b'] }));
    expect(clusterAnswers(inputs, ['a', 'b'], 42, 300)).to.deep.equal(clusterAnswers(inputs, ['a', 'b'], 42, 300));
  });
});
