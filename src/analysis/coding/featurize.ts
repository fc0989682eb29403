/**
 * Features of one answer for the supervised coder, in four blocks:
 *  - words: stems of normalised tokens (spelling folded, fillers dropped, recogniser splits joined)
 *    and the stems of compound parts ("Meisterbüro" → meister + büro);
 *  - bigrams of neighbouring stems inside a clause;
 *  - character 4-grams of the folded tokens: spelling tolerance ("Netzabdekung", "Geraete") and
 *    unseen compounds share most of their n-grams with the known word;
 *  - lexicon and gazetteer hits (high-precision cues of the codebook, tools read in context).
 * For channels (q1), tokens and cue hits inside a scope (negated, dropped, wished for, only with
 * outsiders; see text/scope.ts) become different features ("~w:slack", "X:chat"), so the model
 * learns that "kein Slack" is not chat.
 *
 * Each block is L2-normalised and weighted, so a long answer's many character n-grams do not drown
 * its few words. Token → features is computed once per distinct token and language (a campaign has
 * thousands of distinct tokens and up to millions of occurrences).
 */
import { languageOf } from '../text/language.js';
import type { TextPipeline } from '../text/features.js';
import { fold, gazetteerHints, isStop } from '../text/normalize.js';
import { F_GAZ, PairTable, Reader, type Words } from '../text/reader.js';
import { clauseWordMask, scopeAt, scopeRanges, workText, type Clause, type ScopeRange, type WorkText } from '../text/scope.js';
import { isEmoji, isNumeric } from '../text/tokenize.js';
import { cueMatches, type CompiledGroup } from './lexicon.js';

const JOINED = new Set(['teamscall', 'teamsmeeting', 'teamschat', 'videocall', 'zumcall']);

/** An answer read once: text forms, language, words (interned, see text/reader.ts; valid until the Reader reads the next answer), clauses and scopes. */
export interface ReadText {
  work: WorkText;
  lang: string;
  reader: Reader;
  words: Words;
  clauses: Clause[];
  /** see scopesOf */
  scopes: ScopeRange[] | null;
}

/** A Reader for callers that read without one of their own (training, calibration), renewed when it has grown large. */
let shared: Reader | null = null;
function sharedReader(): Reader {
  if (!shared || shared.strings.length > 200_000) shared = new Reader();
  return shared;
}

/**
 * Reads an answer: work text, language (declared, else detected), clauses, words and scopes.
 * @param fallback campaign language for answers too short to tell
 * @param reader the run's Reader (word ids); by default a shared one
 */
export function readText(text: string, declared: string | undefined, fallback: 'de' | 'en', reader: Reader = sharedReader()): ReadText {
  const work = workText(text);
  const words = reader.read(work.lower);
  const lang = declared || languageOf(reader.evidence, words.ids, words.n, text, fallback).lang;
  return { work, lang, reader, words, clauses: words.clauses, scopes: null };
}

/** The word strings of a read answer (tests, gazetteer). */
export function wordStrings(r: ReadText, from = 0, to = r.words.n): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(r.reader.strings[r.words.ids[i]]);
  return out;
}

/** Scope ranges of an answer, computed on first use (only channel coding needs them). */
export function scopesOf(r: ReadText): ScopeRange[] {
  return (r.scopes ??= scopeRanges(r.work.lower, r.clauses, clauseMasks(r)));
}

/** Per clause: which clause patterns its words could take part in (text/scope.ts clauseWordMask). */
export function clauseMasks(r: ReadText): Int32Array {
  const masks = new Int32Array(r.clauses.length);
  const W = r.words;
  const strings = r.reader.strings;
  for (let w = 0; w < W.rawN; w++) masks[W.rawClause[w]] |= clauseWordMask(strings[W.raw[w]]);
  return masks;
}

interface TokInfo {
  stop: boolean;
  /** stem feature and compound-part features ("w:…"), their scoped variants, char 4-grams */
  words: string[];
  scoped: string[];
  chars: string[];
  stem: string;
  /** ids into the frozen dictionary (filled lazily; unknown features dropped) */
  wordIds?: Int32Array;
  scopedIds?: Int32Array;
  charIds?: Int32Array;
  stemIdx?: number;
  /**
   * Per-token sums of the bound weights (see Featurizer.bind): its word features' rows and its
   * character n-grams' rows (2 × stride), its scoped word features' rows (stride), and how many of
   * each are in the dictionary.
   */
  sums?: Float32Array;
  scopedSums?: Float32Array;
  nWord?: number;
  nChar?: number;
  nScoped?: number;
}

/**
 * Version of the feature definition (part of the calibration version, so a shipped model and its
 * thresholds are never used with features they were not trained on). 2: words, bigrams and
 * character n-grams count their occurrences (tf, normalised by √occurrences) instead of 0/1.
 */
export const FEATURE_VERSION = 2;

/** Block weights (after each block is L2-normalised). Chosen by respondent-grouped CV on the training corpus. */
export const BLOCK = { word: 1, bigram: 0.3, char: 1.4, cue: 0.6, gaz: 0.9, length: 0.5 };

/** One answer's sparse vector; `occ` lists (feature id, clause) pairs for evidence (a view valid until the featurizer's next vector()). */
export interface Vec {
  ids: Int32Array;
  vals: Float32Array;
  /** flat pairs: feature id, clause index */
  occ: Int32Array;
}

/** String features of one answer (training documents, before the dictionary exists). */
export interface StringFeatures {
  word: string[];
  bigram: string[];
  char: string[];
  cue: string[];
  gaz: string[];
  length: string[];
}

export class Featurizer {
  /** per language: token → its features */
  private readonly cache = new Map<string, Map<string, TokInfo>>();
  /** per language: word id of `owner` → its features */
  private byId = new Map<string, Array<TokInfo | undefined>>();
  private owner: Reader | null = null;
  private dict: Map<string, number> | null = null;
  private readonly stemIndex = new Map<string, number>();
  /** (stem index, stem index) → bigram feature id (-1: not in the dictionary) */
  private readonly bigramIds = new PairTable();
  private stamp = 0;
  private seen = new Int32Array(0);
  // scratch of vector(): distinct ids per block, (id, clause) occurrences
  private blockIds: Int32Array[] = Array.from({ length: 6 }, () => new Int32Array(64));
  private readonly blockN = new Int32Array(6);
  /** occurrences per block, and per feature id (valid where seen[id] === stamp) */
  private readonly blockTotal = new Int32Array(6);
  private count = new Int32Array(0);
  private occ = new Int32Array(256);
  private occN = 0;

  constructor(private readonly pipeline: TextPipeline) {}

  /** Weights feature-major (feature f's row: wt[f·stride … f·stride + stride)), for scoreInto. */
  private wt: Float32Array | null = null;
  private stride = 0;

  /** Binds the trained weights (one row of `stride` columns per dictionary feature) for scoreInto. */
  bind(wt: Float32Array, stride: number): void {
    this.wt = wt;
    this.stride = stride;
    this.clearSums();
  }

  private clearSums(): void {
    for (const byLang of this.cache.values()) {
      for (const info of byLang.values()) {
        info.sums = undefined;
        info.scopedSums = undefined;
      }
    }
  }

  /** Freezes the dictionary: from now on vectors() maps features to these ids and drops unknown ones. */
  freeze(dict: Map<string, number>): void {
    this.wt = null;
    this.clearSums();
    this.dict = dict;
    this.seen = new Int32Array(dict.size);
    this.count = new Int32Array(dict.size);
    this.bigramIds.clear();
    this.cueIdsFor = null;
    for (const byLang of this.cache.values()) {
      for (const info of byLang.values()) {
        info.wordIds = undefined;
        info.scopedIds = undefined;
        info.charIds = undefined;
      }
    }
  }

  get dictionary(): Map<string, number> | null {
    return this.dict;
  }

  private info(t: string, lang: string): TokInfo {
    let byLang = this.cache.get(lang);
    if (!byLang) this.cache.set(lang, (byLang = new Map()));
    let e = byLang.get(t);
    if (e) return e;
    const stop = isNumeric(t) || (t.length < 2 && !isEmoji(t)) || isStop(t, lang);
    if (stop) {
      e = { stop: true, words: [], scoped: [], chars: [], stem: '' };
    } else {
      const stem = fold(this.pipeline.stem(t, lang === 'de' || lang === 'en' ? lang : 'x'));
      const words = [`w:${stem}`];
      if (lang !== 'en') {
        const parts = this.pipeline.splitCompound(t);
        if (parts) for (const p of parts) words.push(`w:${fold(this.pipeline.stem(p, 'de'))}`);
      }
      const f = fold(t);
      const chars: string[] = [];
      // Tool names joined from two words ("teamscall", "sharepoint") keep no character n-grams:
      // their fragments ("call") would vote for what the joined word is not (a phone call).
      if (f.length >= 4 && !isEmoji(t) && !JOINED.has(t)) {
        const padded = `<${f}>`;
        for (let i = 0; i + 4 <= padded.length; i++) chars.push(`c:${padded.slice(i, i + 4)}`);
      }
      e = { stop: false, words, scoped: [`~w:${stem}`], chars, stem };
    }
    byLang.set(t, e);
    return e;
  }

  /** Token infos of a read answer's language, by word id (cached per Reader). */
  private infos(r: ReadText): Array<TokInfo | undefined> {
    if (this.owner !== r.reader) {
      this.owner = r.reader;
      this.byId = new Map();
    }
    let arr = this.byId.get(r.lang);
    if (!arr) this.byId.set(r.lang, (arr = []));
    return arr;
  }

  private infoOf(r: ReadText, arr: Array<TokInfo | undefined>, id: number): TokInfo {
    return arr[id] ?? (arr[id] = this.info(r.reader.strings[id], r.lang));
  }

  /** Per code of the compiled group: dictionary ids of L:code, l:code, X:code (-1 when unknown). */
  private cueIdsFor: CompiledGroup | null = null;
  private cueIds = new Int32Array(0);

  /**
   * Cue and gazetteer features of an answer, with the clause each came from: as strings (`each`),
   * or for cue hits as dictionary ids (`eachId`, when given: no string per hit).
   */
  private cueFeatures(r: ReadText, group: CompiledGroup | null, scoped: boolean, each: (block: 'cue' | 'gaz', feature: string, clause: number) => void, eachId?: (id: number, clause: number) => void): void {
    if (group) {
      if (eachId && this.cueIdsFor !== group) {
        const dict = this.dict!;
        this.cueIdsFor = group;
        this.cueIds = new Int32Array(group.codes.length * 3);
        group.codes.forEach((c, ci) => {
          this.cueIds[3 * ci] = dict.get(`L:${c.code.id}`) ?? -1;
          this.cueIds[3 * ci + 1] = dict.get(`l:${c.code.id}`) ?? -1;
          this.cueIds[3 * ci + 2] = dict.get(`X:${c.code.id}`) ?? -1;
        });
      }
      cueMatches(
        group,
        r.work.lower,
        (code, weak, start, _end, ci) => {
          const k = clauseAt(r.clauses, start);
          const inScope = scoped && scopeAt(scopesOf(r), start) !== null;
          if (eachId) eachId(this.cueIds[3 * ci + (inScope ? 2 : weak ? 1 : 0)], k);
          else each('cue', inScope ? `X:${code}` : weak ? `l:${code}` : `L:${code}`, k);
        },
        { owner: r.reader, strings: r.reader.strings, ids: r.words.raw, n: r.words.rawN },
      );
    }
    // Gazetteer per clause, only when the answer names one of its tools at all.
    const W = r.words;
    let named = false;
    for (let i = 0; i < W.n && !named; i++) named = (r.reader.flags[W.ids[i]] & F_GAZ) !== 0;
    if (!named) return;
    let from = 0;
    for (let k = 0; k < r.clauses.length; k++) {
      let to = from;
      while (to < W.n && W.clause[to] === k) to++;
      if (to > from) {
        const words = wordStrings(r, from, to);
        const hints = gazetteerHints(words);
        for (const h of hints) {
          const head = h.split('_')[0];
          let at = W.start[from];
          for (let i = from; i < to; i++) {
            if (words[i - from].includes(head)) {
              at = W.start[i];
              break;
            }
          }
          each('gaz', scoped && scopeAt(scopesOf(r), at) !== null ? `~g:${h}` : `g:${h}`, k);
        }
      }
      from = to;
    }
  }

  /** String features (for training documents). */
  strings(r: ReadText, group: CompiledGroup | null, scoped: boolean): StringFeatures {
    const out: StringFeatures = { word: [], bigram: [], char: [], cue: [], gaz: [], length: [] };
    let prevStem = '';
    let prevClause = -1;
    let content = 0;
    const arr = this.infos(r);
    const W = r.words;
    for (let w = 0; w < W.n; w++) {
      const e = this.infoOf(r, arr, W.ids[w]);
      if (e.stop) continue;
      content++;
      const inScope = scoped && scopeAt(scopesOf(r), W.start[w]) !== null;
      if (inScope) {
        out.word.push(...e.scoped);
        prevStem = '';
        continue;
      }
      out.word.push(...e.words);
      out.char.push(...e.chars);
      if (prevStem && prevClause === W.clause[w]) out.bigram.push(`b:${prevStem}_${e.stem}`);
      prevStem = e.stem;
      prevClause = W.clause[w];
    }
    this.cueFeatures(r, group, scoped, (block, f) => out[block].push(f));
    out.length.push(lengthFeature(content));
    return out;
  }

  private ids(list: string[]): Int32Array {
    const dict = this.dict!;
    const out: number[] = [];
    for (const s of list) {
      const id = dict.get(s);
      if (id !== undefined) out.push(id);
    }
    return Int32Array.from(out);
  }

  private stemIdx(e: TokInfo): number {
    if (e.stemIdx === undefined) {
      let i = this.stemIndex.get(e.stem);
      if (i === undefined) this.stemIndex.set(e.stem, (i = this.stemIndex.size));
      e.stemIdx = i;
    }
    return e.stemIdx;
  }

  private bigramId(a: TokInfo, b: TokInfo): number {
    const x = this.stemIdx(a);
    const y = this.stemIdx(b);
    let id = this.bigramIds.get(x, y);
    if (id === PairTable.NONE) {
      id = this.dict!.get(`b:${a.stem}_${b.stem}`) ?? -1;
      this.bigramIds.set(x, y, id);
    }
    return id;
  }

  /** Adds a feature occurrence: (id, clause) to the occurrences, id to its block when new in this answer. */
  private add(block: number, id: number, clause: number, stamp: number): void {
    if (id < 0) return;
    if (this.occN + 2 > this.occ.length) {
      const g = new Int32Array(this.occ.length * 2);
      g.set(this.occ);
      this.occ = g;
    }
    this.occ[this.occN++] = id;
    this.occ[this.occN++] = clause;
    this.blockTotal[block]++;
    if (this.seen[id] === stamp) {
      this.count[id]++;
      return;
    }
    this.seen[id] = stamp;
    this.count[id] = 1;
    let b = this.blockIds[block];
    const n = this.blockN[block];
    if (n >= b.length) {
      const g = new Int32Array(b.length * 2);
      g.set(b);
      this.blockIds[block] = b = g;
    }
    b[n] = id;
    this.blockN[block] = n + 1;
  }

  /** Scratch of scoreInto. */
  private acc = new Float64Array(0);
  private readonly scores: Scores = { score: new Float64Array(0), byClause: new Float64Array(0), nClauses: 0 };

  private tokenSums(e: TokInfo): void {
    const wt = this.wt!;
    const stride = this.stride;
    e.wordIds ??= this.ids(e.words);
    e.charIds ??= this.ids(e.chars);
    const sums = new Float32Array(2 * stride);
    // Summed in float64, stored as float32 like the weights.
    const tmp = new Float64Array(2 * stride);
    for (const id of e.wordIds) for (let c = 0; c < stride; c++) tmp[c] += wt[id * stride + c];
    for (const id of e.charIds) for (let c = 0; c < stride; c++) tmp[stride + c] += wt[id * stride + c];
    sums.set(tmp);
    e.sums = sums;
    e.nWord = e.wordIds.length;
    e.nChar = e.charIds.length;
  }

  private scopedTokenSums(e: TokInfo): void {
    const wt = this.wt!;
    const stride = this.stride;
    e.scopedIds ??= this.ids(e.scoped);
    const tmp = new Float64Array(stride);
    for (const id of e.scopedIds) for (let c = 0; c < stride; c++) tmp[c] += wt[id * stride + c];
    e.scopedSums = Float32Array.from(tmp);
    e.nScoped = e.scopedIds.length;
  }

  /**
   * The answer's scores without building its vector: Σ weight × value per column (codes, and the
   * type model when the weights carry it), in total and per clause — the same sums as vector()
   * followed by a dot product, with each token's rows summed once per distinct token (its words and
   * character n-grams are the same wherever it occurs), so an answer costs a few rows per word
   * instead of one row per feature occurrence. The returned arrays are scratch, valid until the
   * next call.
   */
  scoreInto(r: ReadText, group: CompiledGroup | null, scoped: boolean): Scores {
    const wt = this.wt!;
    const stride = this.stride;
    const nClauses = r.clauses.length;
    const block = nClauses * stride;
    // acc: word, bigram, char, cue, gaz occurrences per clause (5 × block), then the cue and gaz
    // sums over distinct features (2 × stride).
    const size = 5 * block + 2 * stride;
    if (this.acc.length < size) this.acc = new Float64Array(Math.max(size, this.acc.length * 2));
    const acc = this.acc;
    acc.fill(0, 0, size);
    const distinctAt = 5 * block;
    const stamp = (this.stamp = (this.stamp + 1) | 0 || 1);
    if (stamp === 1) this.seen.fill(0);
    const arr = this.infos(r);
    const W = r.words;
    let prev: TokInfo | null = null;
    let prevClause = -1;
    let content = 0;
    let nWord = 0;
    let nBigram = 0;
    let nChar = 0;
    for (let w = 0; w < W.n; w++) {
      const e = this.infoOf(r, arr, W.ids[w]);
      if (e.stop) continue;
      content++;
      const k = W.clause[w];
      const at = k * stride;
      if (scoped && scopeAt(scopesOf(r), W.start[w]) !== null) {
        if (e.scopedSums === undefined) this.scopedTokenSums(e);
        const ss = e.scopedSums!;
        for (let c = 0; c < stride; c++) acc[at + c] += ss[c];
        nWord += e.nScoped!;
        prev = null;
        continue;
      }
      if (e.sums === undefined) this.tokenSums(e);
      const sums = e.sums!;
      const charAt = 2 * block + at;
      for (let c = 0; c < stride; c++) {
        acc[at + c] += sums[c];
        acc[charAt + c] += sums[stride + c];
      }
      nWord += e.nWord!;
      nChar += e.nChar!;
      if (prev && prevClause === k) {
        const id = this.bigramId(prev, e);
        if (id >= 0) {
          const row = id * stride;
          const bAt = block + at;
          for (let c = 0; c < stride; c++) acc[bAt + c] += wt[row + c];
          nBigram++;
        }
      }
      prev = e;
      prevClause = k;
    }
    // Cues and gazetteer hits: every occurrence counts for its clause, each distinct one once for the answer.
    const hit = (b: 3 | 4, id: number, k: number): void => {
      if (id < 0) return;
      const row = id * stride;
      const at = b * block + k * stride;
      for (let c = 0; c < stride; c++) acc[at + c] += wt[row + c];
      if (this.seen[id] === stamp) return;
      this.seen[id] = stamp;
      const d = distinctAt + (b - 3) * stride;
      for (let c = 0; c < stride; c++) acc[d + c] += wt[row + c];
    };
    const dict = this.dict!;
    this.cueFeatures(
      r,
      group,
      scoped,
      (b, f, k) => hit(b === 'cue' ? 3 : 4, dict.get(f) ?? -1, k),
      (id, k) => hit(3, id, k),
    );
    const lengthId = dict.get(lengthFeature(content)) ?? -1;
    const fWord = nWord === 0 ? 0 : BLOCK.word / Math.sqrt(nWord);
    const fBigram = nBigram === 0 ? 0 : BLOCK.bigram / Math.sqrt(nBigram);
    const fChar = nChar === 0 ? 0 : BLOCK.char / Math.sqrt(nChar);
    const out = this.scores;
    if (out.score.length < stride) out.score = new Float64Array(stride);
    if (out.byClause.length < block) out.byClause = new Float64Array(Math.max(block, out.byClause.length * 2));
    const score = out.score;
    const byClause = out.byClause;
    for (let c = 0; c < stride; c++) score[c] = BLOCK.cue * acc[distinctAt + c] + BLOCK.gaz * acc[distinctAt + stride + c];
    for (let k = 0; k < nClauses; k++) {
      const at = k * stride;
      for (let c = 0; c < stride; c++) {
        const v = fWord * acc[at + c] + fBigram * acc[block + at + c] + fChar * acc[2 * block + at + c] + BLOCK.cue * acc[3 * block + at + c] + BLOCK.gaz * acc[4 * block + at + c];
        byClause[at + c] = v;
        score[c] += fWord * acc[at + c] + fBigram * acc[block + at + c] + fChar * acc[2 * block + at + c];
      }
    }
    if (lengthId >= 0) {
      const row = lengthId * stride;
      for (let c = 0; c < stride; c++) {
        score[c] += BLOCK.length * wt[row + c];
        byClause[c] += BLOCK.length * wt[row + c];
      }
    }
    out.nClauses = nClauses;
    return out;
  }

  /**
   * The answer's vector over the frozen dictionary: unknown features dropped, each block
   * L2-normalised and weighted.
   */
  vector(r: ReadText, group: CompiledGroup | null, scoped: boolean): Vec {
    const dict = this.dict!;
    const stamp = (this.stamp = (this.stamp + 1) | 0 || 1);
    if (stamp === 1) this.seen.fill(0);
    this.blockN.fill(0);
    this.blockTotal.fill(0);
    this.occN = 0;
    const arr = this.infos(r);
    const W = r.words;
    let prev: TokInfo | null = null;
    let prevClause = -1;
    let content = 0;
    for (let w = 0; w < W.n; w++) {
      const e = this.infoOf(r, arr, W.ids[w]);
      if (e.stop) continue;
      content++;
      const k = W.clause[w];
      if (scoped && scopeAt(scopesOf(r), W.start[w]) !== null) {
        const ids = (e.scopedIds ??= this.ids(e.scoped));
        for (let j = 0; j < ids.length; j++) this.add(0, ids[j], k, stamp);
        prev = null;
        continue;
      }
      const wordIds = (e.wordIds ??= this.ids(e.words));
      const charIds = (e.charIds ??= this.ids(e.chars));
      for (let j = 0; j < wordIds.length; j++) this.add(0, wordIds[j], k, stamp);
      for (let j = 0; j < charIds.length; j++) this.add(2, charIds[j], k, stamp);
      if (prev && prevClause === k) this.add(1, this.bigramId(prev, e), k, stamp);
      prev = e;
      prevClause = k;
    }
    this.cueFeatures(
      r,
      group,
      scoped,
      (block, f, k) => this.add(block === 'cue' ? 3 : 4, dict.get(f) ?? -1, k, stamp),
      (id, k) => this.add(3, id, k, stamp),
    );
    this.add(5, dict.get(lengthFeature(content)) ?? -1, 0, stamp);
    let n = 0;
    for (let b = 0; b < 6; b++) n += this.blockN[b];
    const ids = new Int32Array(n);
    const vals = new Float32Array(n);
    let at = 0;
    for (let b = 0; b < 6; b++) {
      const count = this.blockN[b];
      if (count === 0) continue;
      // Cue and gazetteer hits are not normalised: two cues are more evidence than one. Words,
      // bigrams and character n-grams count their occurrences (tf), normalised by √(occurrences).
      const list = this.blockIds[b];
      if (b === 3 || b === 4) {
        const v = WEIGHTS[b]();
        for (let j = 0; j < count; j++) {
          ids[at] = list[j];
          vals[at++] = v;
        }
      } else {
        const v = WEIGHTS[b]() / Math.sqrt(this.blockTotal[b]);
        for (let j = 0; j < count; j++) {
          ids[at] = list[j];
          vals[at++] = v * this.count[list[j]];
        }
      }
    }
    return { ids, vals, occ: this.occ.subarray(0, this.occN) };
  }
}

/** Result of Featurizer.scoreInto: per column, Σ w·x; per clause and column, the clause's share. */
export interface Scores {
  /** stride columns: Σ over the answer's features of weight × value (no bias) */
  score: Float64Array;
  /** nClauses × stride: the same sum over the feature occurrences in each clause */
  byClause: Float64Array;
  nClauses: number;
}

/** Block weights in block order (read at call time: tune.ts changes BLOCK). */
const WEIGHTS: Array<() => number> = [() => BLOCK.word, () => BLOCK.bigram, () => BLOCK.char, () => BLOCK.cue, () => BLOCK.gaz, () => BLOCK.length];

/** Length bucket: very short answers ("k.A.", "passt schon") behave differently. */
function lengthFeature(content: number): string {
  return content === 0 ? 'n:0' : content <= 2 ? 'n:short' : content <= 8 ? 'n:mid' : 'n:long';
}

function clauseAt(clauses: Clause[], pos: number): number {
  for (let k = 0; k < clauses.length; k++) if (pos < clauses[k].end) return k;
  return clauses.length - 1;
}

/** Weighted string features → the same block weighting as vector(), for training documents. */
export function weightStrings(f: StringFeatures, dict: Map<string, number>): { ids: Int32Array; vals: Float32Array } {
  const blocks: Array<[string[], number, boolean]> = [
    [f.word, BLOCK.word, true],
    [f.bigram, BLOCK.bigram, true],
    [f.char, BLOCK.char, true],
    [f.cue, BLOCK.cue, false],
    [f.gaz, BLOCK.gaz, false],
    [f.length, BLOCK.length, true],
  ];
  const ids: number[] = [];
  const vals: number[] = [];
  const seen = new Set<number>();
  blocks.forEach(([list, w, norm]) => {
    const b: number[] = [];
    const counts = new Map<number, number>();
    let total = 0;
    for (const s of list) {
      const id = dict.get(s);
      if (id === undefined) continue;
      total++;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (seen.has(id)) continue;
      seen.add(id);
      b.push(id);
    }
    if (b.length === 0) return;
    // Cue and gazetteer hits: each distinct one weighs w. The other blocks count occurrences (tf),
    // normalised by √(occurrences of the block's known features).
    const v = norm ? w / Math.sqrt(total) : w;
    for (const id of b) {
      ids.push(id);
      vals.push(norm ? v * counts.get(id)! : v);
    }
  });
  return { ids: Int32Array.from(ids), vals: Float32Array.from(vals) };
}
