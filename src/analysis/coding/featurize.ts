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
import { detectLanguage } from '../text/language.js';
import type { TextPipeline } from '../text/features.js';
import { fold, GAZETTEER_TRIGGERS, gazetteerHints, isStop, JOINS } from '../text/normalize.js';
import { scanText, scopeAt, scopeRanges, workText, type Clause, type ScopeRange, type Word, type WorkText } from '../text/scope.js';
import { isEmoji, isNumeric } from '../text/tokenize.js';
import { cueMatches, type CompiledGroup } from './lexicon.js';

const JOINED = new Set(['teamscall', 'teamsmeeting', 'teamschat', 'videocall', 'zumcall']);

/** A token with its place in the original answer. */
export interface Tok {
  /** lower-cased token, recogniser splits joined */
  t: string;
  start: number;
  end: number;
  clause: number;
}

/** An answer read once: text forms, language, tokens, clauses and scopes. */
export interface ReadText {
  work: WorkText;
  lang: string;
  tokens: Tok[];
  clauses: Clause[];
  /** see scopesOf */
  scopes: ScopeRange[] | null;
}

/** Tokens with offsets and clauses; adjacent pairs in JOINS become one token. */
export function tokensOf(words: readonly Word[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < words.length; i++) {
    const a = words[i];
    const b = words[i + 1];
    if (b && b.clause === a.clause && b.start - a.end <= 2) {
      const joined = JOINS.get(`${a.t} ${b.t}`);
      if (joined) {
        out.push({ t: joined, start: a.start, end: b.end, clause: a.clause });
        i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/**
 * Reads an answer: work text, language (declared, else detected), clauses, tokens and scopes.
 * @param fallback campaign language for answers too short to tell
 */
export function readText(text: string, declared: string | undefined, fallback: 'de' | 'en'): ReadText {
  const work = workText(text);
  const { words, clauses } = scanText(work.lower);
  const tokens = tokensOf(words);
  const lang = declared || detectLanguage(tokens.map((t) => t.t), text, fallback).lang;
  return { work, lang, tokens, clauses, scopes: null };
}

/** Scope ranges of an answer, computed on first use (only channel coding needs them). */
export function scopesOf(r: ReadText): ScopeRange[] {
  return (r.scopes ??= scopeRanges(r.work.lower, r.clauses));
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
}

/** Block weights (after each block is L2-normalised). Chosen by respondent-grouped CV on the training corpus. */
export const BLOCK = { word: 1, bigram: 0.3, char: 1.4, cue: 0.6, gaz: 0.9, length: 0.5 };

/** One answer's sparse vector; `occ` lists (feature id, clause) pairs for evidence. */
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
  private dict: Map<string, number> | null = null;
  private readonly stemIndex = new Map<string, number>();
  private readonly bigramIds = new Map<number, number>();
  private stamp = 0;
  private seen = new Int32Array(0);

  constructor(private readonly pipeline: TextPipeline) {}

  /** Freezes the dictionary: from now on vectors() maps features to these ids and drops unknown ones. */
  freeze(dict: Map<string, number>): void {
    this.dict = dict;
    this.seen = new Int32Array(dict.size);
    this.bigramIds.clear();
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

  /** Cue and gazetteer features of an answer (strings), with the clause each came from. */
  private cueFeatures(r: ReadText, group: CompiledGroup | null, scoped: boolean, each: (block: 'cue' | 'gaz', feature: string, clause: number) => void): void {
    if (group) {
      cueMatches(group, r.work.lower, (code, weak, start) => {
        const k = clauseAt(r.clauses, start);
        const inScope = scoped && scopeAt(scopesOf(r), start) !== null;
        each('cue', inScope ? `X:${code}` : weak ? `l:${code}` : `L:${code}`, k);
      });
    }
    // Gazetteer per clause, only when the answer names one of its tools at all.
    if (!r.tokens.some((x) => GAZETTEER_TRIGGERS.has(x.t))) return;
    let from = 0;
    for (let k = 0; k < r.clauses.length; k++) {
      let to = from;
      while (to < r.tokens.length && r.tokens[to].clause === k) to++;
      if (to > from) {
        const words = r.tokens.slice(from, to).map((x) => x.t);
        const hints = gazetteerHints(words);
        for (const h of hints) {
          const at = r.tokens.slice(from, to).find((x) => x.t.includes(h.split('_')[0]))?.start ?? r.tokens[from].start;
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
    for (const tok of r.tokens) {
      const e = this.info(tok.t, r.lang);
      if (e.stop) continue;
      content++;
      const inScope = scoped && scopeAt(scopesOf(r), tok.start) !== null;
      if (inScope) {
        out.word.push(...e.scoped);
        prevStem = '';
        continue;
      }
      out.word.push(...e.words);
      out.char.push(...e.chars);
      if (prevStem && prevClause === tok.clause) out.bigram.push(`b:${prevStem}_${e.stem}`);
      prevStem = e.stem;
      prevClause = tok.clause;
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
    const key = this.stemIdx(a) * 2097152 + this.stemIdx(b);
    let id = this.bigramIds.get(key);
    if (id === undefined) {
      id = this.dict!.get(`b:${a.stem}_${b.stem}`) ?? -1;
      this.bigramIds.set(key, id);
    }
    return id;
  }

  /**
   * The answer's vector over the frozen dictionary: unknown features dropped, each block
   * L2-normalised and weighted.
   */
  vector(r: ReadText, group: CompiledGroup | null, scoped: boolean): Vec {
    const dict = this.dict!;
    const stamp = ++this.stamp;
    const seen = this.seen;
    const blocks: number[][] = [[], [], [], [], [], []];
    const occ: number[] = [];
    const add = (block: number, id: number, clause: number): void => {
      if (id < 0) return;
      occ.push(id, clause);
      if (seen[id] === stamp) return;
      seen[id] = stamp;
      blocks[block].push(id);
    };
    let prev: TokInfo | null = null;
    let prevClause = -1;
    let content = 0;
    for (const tok of r.tokens) {
      const e = this.info(tok.t, r.lang);
      if (e.stop) continue;
      content++;
      if (scoped && scopeAt(scopesOf(r), tok.start) !== null) {
        e.scopedIds ??= this.ids(e.scoped);
        for (const id of e.scopedIds) add(0, id, tok.clause);
        prev = null;
        continue;
      }
      e.wordIds ??= this.ids(e.words);
      e.charIds ??= this.ids(e.chars);
      for (const id of e.wordIds) add(0, id, tok.clause);
      for (const id of e.charIds) add(2, id, tok.clause);
      if (prev && prevClause === tok.clause) add(1, this.bigramId(prev, e), tok.clause);
      prev = e;
      prevClause = tok.clause;
    }
    this.cueFeatures(r, group, scoped, (block, f, k) => add(block === 'cue' ? 3 : 4, dict.get(f) ?? -1, k));
    add(5, dict.get(lengthFeature(content)) ?? -1, 0);
    let n = 0;
    for (const b of blocks) n += b.length;
    const ids = new Int32Array(n);
    const vals = new Float32Array(n);
    const weights = [BLOCK.word, BLOCK.bigram, BLOCK.char, BLOCK.cue, BLOCK.gaz, BLOCK.length];
    let at = 0;
    blocks.forEach((b, bi) => {
      if (b.length === 0) return;
      // Cue and gazetteer hits are not normalised: two cues are more evidence than one.
      const v = bi === 3 || bi === 4 ? weights[bi] : weights[bi] / Math.sqrt(b.length);
      for (const id of b) {
        ids[at] = id;
        vals[at++] = v;
      }
    });
    return { ids, vals, occ: Int32Array.from(occ) };
  }
}

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
  for (const [list, w, norm] of blocks) {
    const b: number[] = [];
    for (const s of list) {
      const id = dict.get(s);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      b.push(id);
    }
    if (b.length === 0) continue;
    const v = norm ? w / Math.sqrt(b.length) : w;
    for (const id of b) {
      ids.push(id);
      vals.push(v);
    }
  }
  return { ids: Int32Array.from(ids), vals: Float32Array.from(vals) };
}
