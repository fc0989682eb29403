/**
 * Reading an answer in one pass over its code units: words, clauses and the joins of words a
 * recogniser split, with every word **interned** as an integer id — no string per word occurrence
 * and no hash-map lookup of a fresh string per word. Everything the engine knows about a word
 * (opens a clause, is the first half of a join, language evidence, and later its stems, n-grams and
 * lexicon literals) is computed once per distinct word and found by its id.
 *
 * Same words and clauses as scope.ts `scanText` + featurize.ts `tokensOf` (a unit test compares
 * them on the training corpus): words are `[\p{L}\p{N}]+(?:['’]\p{L}+)?` or one emoji; a clause
 * ends at punctuation (or " - ") and before a word that opens a clause in speech.
 *
 * A Reader lives for one analysis run (or one training call): its ids mean nothing outside it.
 */
import { evidenceOf } from './language.js';
import { GAZETTEER_TRIGGERS, JOINS } from './normalize.js';
import type { Clause } from './scope.js';
import { CLAUSE_OPENERS } from './scope.js';

/** Per-word flags. */
export const F_OPEN1 = 1;
/** First word of a two-word clause opener ("apart from"). */
export const F_OPEN2 = 2;
/** First word of a JOINS pair ("share" of "share point"). */
export const F_JOIN = 4;
/** A tool the gazetteer reads in context. */
export const F_GAZ = 8;

const ONE_WORD = new Set(CLAUSE_OPENERS.filter((o) => !o.includes(' ') && o !== 'also'));
const TWO_WORDS = new Set(CLAUSE_OPENERS.filter((o) => o.includes(' ')));
const TWO_FIRST = new Set([...TWO_WORDS].map((o) => o.split(' ')[0]));
const JOIN_FIRST = new Set([...JOINS.keys()].map((k) => k.split(' ')[0]));

/**
 * Fast path: classes of code units below U+3000 (1 letter, 2 digit/other number, 3
 * Extended_Pictographic such as © ® ☀ ✅, 0 anything else), from the same Unicode properties as
 * WORD_RE. Texts with a code unit at or above U+3000 (CJK, and every emoji outside the BMP, which
 * comes as a surrogate pair) take the regular expression.
 */
const TABLE_LIMIT = 0x3000;
const CLASS = ((): Uint8Array => {
  const t = new Uint8Array(TABLE_LIMIT);
  const letter = /\p{L}/u;
  const number = /\p{N}/u;
  const picto = /\p{Extended_Pictographic}/u;
  for (let c = 0; c < TABLE_LIMIT; c++) {
    if (c >= 0xd800) break;
    const ch = String.fromCharCode(c);
    t[c] = letter.test(ch) ? 1 : number.test(ch) ? 2 : picto.test(ch) ? 3 : 0;
  }
  return t;
})();
const RIGHT_QUOTE = 0x2019;

/** Characters that end a clause: . ; ! ? \n ( ) [ ] – — … , */
function isBreak(c: number): boolean {
  return c === 0x2e || c === 0x3b || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x2c || c === 0x2013 || c === 0x2014 || c === 0x2026;
}

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|\p{Extended_Pictographic}/gu;

/** Open-addressing string interner (FNV-1a over code units). */
export class Interner {
  readonly strings: string[] = [];
  private hashes: Int32Array = new Int32Array(1024);
  private table: Int32Array = new Int32Array(2048); // id + 1; 0 = empty
  private mask = 2047;

  get size(): number {
    return this.strings.length;
  }

  /**
   * Id of src[start, end) whose FNV-1a hash is h. With `curly`, the range's ’ count as ' (the word is
   * interned with ', as WORD_RE's callers normalise it; h must be computed that way too).
   */
  internRange(src: string, start: number, end: number, h: number, curly = false): number {
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const e = this.table[slot];
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h) {
        const s = this.strings[id];
        if (s.length === len) {
          let same = true;
          for (let k = 0; k < len; k++) {
            let c = src.charCodeAt(start + k);
            if (curly && c === RIGHT_QUOTE) c = 0x27;
            if (s.charCodeAt(k) !== c) {
              same = false;
              break;
            }
          }
          if (same) return id;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    let word = start === 0 && end === src.length ? src : src.slice(start, end);
    if (curly) word = word.replace(/’/g, "'");
    return this.add(word, h, slot);
  }

  intern(s: string): number {
    return this.internRange(s, 0, s.length, fnv1a(s, 0, s.length));
  }

  private add(s: string, h: number, slot: number): number {
    const id = this.strings.length;
    this.strings.push(s);
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.table[slot] = id + 1;
    if (this.strings.length * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id + 1;
    }
  }
}

export function fnv1a(s: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * An answer's words (after joins) as parallel arrays, and its clauses. The arrays belong to the
 * Reader and are overwritten by its next read(): read only the first `n` (`rawN`) entries, and copy
 * what must outlive the next answer.
 */
export interface Words {
  n: number;
  /** word ids (Reader.strings) */
  ids: Int32Array;
  start: Int32Array;
  end: Int32Array;
  clause: Int32Array;
  clauses: Clause[];
  /** the words before joins ("teams", "calls" rather than "teamscall"): every run of letters and digits of the text lies in one of them */
  raw: Int32Array;
  rawN: number;
  /** clause of each raw word */
  rawClause: Int32Array;
}

/** Interned words of a run, with what is known about each. */
export class Reader {
  readonly interner = new Interner();
  /** per word id: F_* flags */
  flags: Uint8Array = new Uint8Array(1024);
  /** per word id: language evidence bits (text/language.ts) */
  evidence: Int32Array = new Int32Array(1024);
  // scratch of one read (raw words, before joins)
  private ids: Int32Array = new Int32Array(256);
  private starts: Int32Array = new Int32Array(256);
  private ends: Int32Array = new Int32Array(256);
  private clauseOf: Int32Array = new Int32Array(256);
  /** the result of read(), reused */
  private readonly out: Words = { n: 0, ids: new Int32Array(256), start: new Int32Array(256), end: new Int32Array(256), clause: new Int32Array(256), clauses: [], raw: new Int32Array(0), rawN: 0, rawClause: new Int32Array(0) };

  get strings(): string[] {
    return this.interner.strings;
  }

  private known(id: number): number {
    if (id >= this.flags.length) {
      const size = Math.max(id + 1, this.flags.length * 2);
      const f = new Uint8Array(size);
      f.set(this.flags);
      this.flags = f;
      const e = new Int32Array(size);
      e.set(this.evidence);
      this.evidence = e;
    }
    return id;
  }

  private describe(id: number): void {
    const s = this.interner.strings[id];
    this.known(id);
    this.flags[id] = (ONE_WORD.has(s) ? F_OPEN1 : 0) | (TWO_FIRST.has(s) ? F_OPEN2 : 0) | (JOIN_FIRST.has(s) ? F_JOIN : 0) | (GAZETTEER_TRIGGERS.has(s) ? F_GAZ : 0);
    this.evidence[id] = evidenceOf(s);
  }

  /** Interns a word given as a string (joins, tests). */
  word(s: string): number {
    const before = this.interner.size;
    const id = this.interner.intern(s);
    if (id >= before) this.describe(id);
    return id;
  }

  private push(at: number, id: number, start: number, end: number): void {
    if (at >= this.ids.length) {
      const size = this.ids.length * 2;
      const grow = (a: Int32Array): Int32Array => {
        const g = new Int32Array(size);
        g.set(a);
        return g;
      };
      this.ids = grow(this.ids);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.clauseOf = grow(this.clauseOf);
    }
    this.ids[at] = id;
    this.starts[at] = start;
    this.ends[at] = end;
  }

  /** Raw words of a lower-cased text into the scratch arrays; returns their number. */
  private words(lower: string): number {
    const n = lower.length;
    let fast = true;
    for (let i = 0; i < n; i++) {
      if (lower.charCodeAt(i) >= TABLE_LIMIT) {
        fast = false;
        break;
      }
    }
    let count = 0;
    if (fast) {
      let i = 0;
      while (i < n) {
        const c = lower.charCodeAt(i);
        const k = CLASS[c];
        if (k === 0) {
          i++;
          continue;
        }
        const start = i;
        let h = 0x811c9dc5 | 0;
        let curly = false;
        if (k === 3) {
          h = Math.imul(h ^ c, 0x01000193);
          i++;
        } else {
          for (; i < n; i++) {
            const d = lower.charCodeAt(i);
            const kd = CLASS[d];
            if (kd !== 1 && kd !== 2) break;
            h = Math.imul(h ^ d, 0x01000193);
          }
          if (i + 1 < n && CLASS[lower.charCodeAt(i + 1)] === 1) {
            const q = lower.charCodeAt(i);
            if (q === 0x27 || q === RIGHT_QUOTE) {
              curly = q === RIGHT_QUOTE;
              h = Math.imul(h ^ 0x27, 0x01000193);
              for (i++; i < n && CLASS[lower.charCodeAt(i)] === 1; i++) h = Math.imul(h ^ lower.charCodeAt(i), 0x01000193);
            }
          }
        }
        const before = this.interner.size;
        const id = this.interner.internRange(lower, start, i, h, curly);
        if (id >= before) this.describe(id);
        this.push(count++, id, start, i);
      }
      return count;
    }
    WORD_RE.lastIndex = 0;
    for (let m = WORD_RE.exec(lower); m !== null; m = WORD_RE.exec(lower)) {
      const raw = m[0];
      const t = raw.includes('’') ? raw.replace(/’/g, "'") : raw;
      // Offsets as scanText gives them: the end is start + the (normalised) word's length.
      this.push(count++, this.word(t), m.index, m.index + t.length);
    }
    return count;
  }

  /** Words (recogniser splits joined) and clauses of a lower-cased answer (arrays valid until the next read). */
  read(lower: string): Words {
    const raw = this.words(lower);
    const clauses: Clause[] = [];
    const { ids, starts, ends, clauseOf, flags } = this;
    const strings = this.interner.strings;
    let clauseStart = -1;
    let prevEnd = 0;
    for (let w = 0; w < raw; w++) {
      const start = starts[w];
      const id = ids[w];
      if (clauseStart >= 0) {
        let broken = false;
        for (let i = prevEnd; i < start; i++) {
          const c = lower.charCodeAt(i);
          if (isBreak(c) || (c === 0x2d && i > prevEnd && i + 1 < start && lower.charCodeAt(i - 1) === 0x20 && lower.charCodeAt(i + 1) === 0x20)) {
            broken = true;
            break;
          }
        }
        const f = flags[id];
        if (broken || (f & F_OPEN1) !== 0 || ((f & F_OPEN2) !== 0 && w + 1 < raw && TWO_WORDS.has(`${strings[id]} ${strings[ids[w + 1]]}`))) {
          clauses.push({ start: clauseStart, end: prevEnd });
          clauseStart = -1;
        }
      }
      if (clauseStart < 0) clauseStart = start;
      prevEnd = ends[w];
      clauseOf[w] = clauses.length;
    }
    if (clauseStart >= 0) clauses.push({ start: clauseStart, end: prevEnd });
    if (clauses.length === 0) clauses.push({ start: 0, end: lower.length });
    // Joins: adjacent words of one clause at most two characters apart that JOINS pairs.
    const out = this.out;
    if (out.ids.length < raw) {
      const size = Math.max(raw, out.ids.length * 2);
      out.ids = new Int32Array(size);
      out.start = new Int32Array(size);
      out.end = new Int32Array(size);
      out.clause = new Int32Array(size);
    }
    const outIds = out.ids;
    const outStart = out.start;
    const outEnd = out.end;
    const outClause = out.clause;
    let n = 0;
    for (let w = 0; w < raw; w++) {
      const id = ids[w];
      if ((flags[id] & F_JOIN) !== 0 && w + 1 < raw && clauseOf[w + 1] === clauseOf[w] && starts[w + 1] - ends[w] <= 2) {
        const joined = JOINS.get(`${strings[id]} ${strings[ids[w + 1]]}`);
        if (joined !== undefined) {
          outIds[n] = this.word(joined);
          outStart[n] = starts[w];
          outEnd[n] = ends[w + 1];
          outClause[n++] = clauseOf[w];
          w++;
          continue;
        }
      }
      outIds[n] = id;
      outStart[n] = starts[w];
      outEnd[n] = ends[w];
      outClause[n++] = clauseOf[w];
    }
    out.n = n;
    out.clauses = clauses;
    out.raw = this.ids;
    out.rawN = raw;
    out.rawClause = this.clauseOf;
    return out;
  }
}

/** A map from pairs of non-negative integers to integers (open addressing; no string or heap-number keys). */
export class PairTable {
  static readonly NONE = -2147483648;
  private keys: Int32Array = new Int32Array(2048).fill(-1);
  private values: Int32Array = new Int32Array(1024);
  private mask = 1023;
  private count = 0;

  private slot(a: number, b: number): number {
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & this.mask;
    for (;;) {
      const k = this.keys[2 * slot];
      if (k === -1 || (k === a && this.keys[2 * slot + 1] === b)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The value of (a, b), or PairTable.NONE. */
  get(a: number, b: number): number {
    const slot = this.slot(a, b);
    return this.keys[2 * slot] === -1 ? PairTable.NONE : this.values[slot];
  }

  set(a: number, b: number, value: number): void {
    const slot = this.slot(a, b);
    if (this.keys[2 * slot] === -1) {
      this.keys[2 * slot] = a;
      this.keys[2 * slot + 1] = b;
      this.count++;
    }
    this.values[slot] = value;
    if (this.count * 2 > this.mask + 1) this.grow();
  }

  clear(): void {
    this.keys.fill(-1);
    this.count = 0;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const size = (this.mask + 1) * 2;
    this.keys = new Int32Array(2 * size).fill(-1);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    this.count = 0;
    for (let s = 0; s < keys.length / 2; s++) if (keys[2 * s] !== -1) this.set(keys[2 * s], keys[2 * s + 1], values[s]);
  }
}
