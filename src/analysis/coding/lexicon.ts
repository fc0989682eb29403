import type { CodeDefinition, CodeGroup } from '../types.js';

/**
 * Lexicon evidence: cues (regular expressions) matched against the lower-cased answer, with negation
 * scope for channels. Cue strings use `\b` for readability; JavaScript's \b is ASCII-only even with the
 * `u` flag ("\bübergabe" never matches), so we rewrite it to Unicode look-arounds.
 */

const WORD_START = '(?<![\\p{L}\\p{N}])';
const WORD_END = '(?![\\p{L}\\p{N}])';

/**
 * Compiling `[\p{L}\p{N}]` costs V8 about half a millisecond per occurrence, and the cues and the
 * negation patterns have hundreds of them: that was most of a run's fixed cost. Every regex therefore
 * exists twice: as written, and with the class replaced by its exact members below U+0250 (ASCII,
 * Latin-1, Latin Extended-A/B), which compiles a hundred times faster. The Latin version is used only
 * for texts that contain no letter or digit at or above U+0250 (see latinOnly): on those texts both
 * classes accept exactly the same characters, so the results are identical.
 */
const LATIN_LIMIT = 0x250;
const LATIN_LN = ((): string => {
  const isLN = /^[\p{L}\p{N}]$/u;
  const hex = (cp: number): string => `\\u${cp.toString(16).padStart(4, '0')}`;
  const parts: string[] = [];
  for (let cp = 0; cp < LATIN_LIMIT; cp++) {
    if (!isLN.test(String.fromCodePoint(cp))) continue;
    let last = cp;
    while (last + 1 < LATIN_LIMIT && isLN.test(String.fromCodePoint(last + 1))) last++;
    parts.push(last === cp ? hex(cp) : `${hex(cp)}-${hex(last)}`);
    cp = last;
  }
  return parts.join('');
})();
const WORD_START_LATIN = `(?<![${LATIN_LN}])`;
const WORD_END_LATIN = `(?![${LATIN_LN}])`;
const LN_BEYOND_LATIN = new RegExp(`(?=[^\\u0000-\\u${(LATIN_LIMIT - 1).toString(16).padStart(4, '0')}])[\\p{L}\\p{N}]`, 'u');

/** True when the text has no letter or digit at or above U+0250, so the Latin regexes apply. */
export function latinOnly(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= LATIN_LIMIT) return !LN_BEYOND_LATIN.test(text);
  return true;
}

/** Rewrites `\b` in a cue: word start where a word begins, word end elsewhere (Latin variant: see LATIN_LN). */
export function unicodeBoundaries(source: string, latin = false): string {
  const start = latin ? WORD_START_LATIN : WORD_START;
  const end = latin ? WORD_END_LATIN : WORD_END;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\' && source[i + 1] === 'b' && source[i - 1] !== '\\') {
      const prev = i === 0 ? '' : source[i - 1];
      out += prev === '' || prev === '(' || prev === '|' || prev === ' ' || prev === ':' ? start : end;
      i++;
    } else {
      out += source[i];
    }
  }
  return out;
}

// ---- literal prefilter ----------------------------------------------------------------------------
//
// Running every code's cue regex over every answer was most of the coding time: a group has dozens
// of codes with dozens of alternatives each, and an answer mentions a handful. Each cue (or each
// top-level branch of it) has a literal run of characters that every match must contain ("outlook"
// in `\boutlook\b`, "mail" in `(?<!voice)mail`, "ger" in `ger(ä|a)te?`). A code's regex cannot
// match a text that contains none of its cues' literals, so it is skipped; when one is present the
// full regex runs as before. Results are therefore identical; a cue without a usable literal makes
// its code's regex run always.

/** Splits a pattern at its top-level `|` (outside groups and classes). */
export function topLevelBranches(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Characters an escape stands for literally (`\.` → "."); letters and digits are classes/assertions. */
const LITERAL_ESCAPE = /^[^\p{L}\p{N}]$/u;

/**
 * The longest run of characters that every match of one branch (no top-level `|`) must contain, or
 * '' when there is none. Conservative: groups, classes, escapes like \s or \p{…} and anything
 * quantified end a run and are not part of it; a quantified character is dropped from the run.
 */
export function requiredLiteral(branch: string): string {
  const cps = Array.from(branch);
  let best = '';
  let run: string[] = [];
  const end = (): void => {
    const r = run.join('');
    if (weight(r) > weight(best)) best = r;
    run = [];
  };
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i];
    if (ch === '\\') {
      const next = cps[i + 1] ?? '';
      i++;
      if (LITERAL_ESCAPE.test(next)) run.push(next);
      else end();
      continue;
    }
    if (ch === '(' || ch === '[') {
      // Skip the whole group or class (nested groups, escapes, classes inside).
      let depth = 0;
      let inClass = false;
      for (; i < cps.length; i++) {
        const c = cps[i];
        if (c === '\\') {
          i++;
          continue;
        }
        if (inClass) {
          if (c === ']') {
            inClass = false;
            if (depth === 0) break;
          }
          continue;
        }
        if (c === '[') inClass = true;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      end();
      continue;
    }
    if (ch === '?' || ch === '*' || ch === '+' || ch === '{') {
      // The preceding character may be absent (or repeated): drop it and end the run.
      run.pop();
      end();
      if (ch === '{') while (i < cps.length && cps[i] !== '}') i++;
      continue;
    }
    if (ch === '.' || ch === '^' || ch === '$' || ch === '|' || ch === ')' || ch === ']' || ch === '}') {
      end();
      continue;
    }
    run.push(ch);
  }
  end();
  return best;
}

/** How selective a literal is: its non-space characters (a lone " " is in every answer). */
function weight(lit: string): number {
  let w = 0;
  for (const ch of lit) if (ch !== ' ') w++;
  return w;
}

/**
 * Expands the first plain group with alternatives of a branch: `\b(called|calling)\b` →
 * [`\bcalled\b`, `\bcalling\b`]; `x(a|b)?y` also yields `xy`. Only used to find literals, never to
 * match. Returns null when there is no such group (or it is repeated).
 */
function expandFirstGroup(branch: string): string[] | null {
  for (let i = 0; i < branch.length; i++) {
    const ch = branch[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '[') {
      for (i++; i < branch.length && branch[i] !== ']'; i++) if (branch[i] === '\\') i++;
      continue;
    }
    if (ch !== '(') continue;
    let depth = 0;
    let inClass = false;
    let j = i;
    for (; j < branch.length; j++) {
      const c = branch[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    if (j >= branch.length) return null;
    const lookaround = branch.startsWith('(?=', i) || branch.startsWith('(?!', i) || branch.startsWith('(?<=', i) || branch.startsWith('(?<!', i);
    if (lookaround) {
      i = j;
      continue;
    }
    if (branch[i + 1] === '?' && !branch.startsWith('(?:', i)) return null; // named group etc.
    const inner = branch.slice(branch.startsWith('(?:', i) ? i + 3 : i + 1, j);
    const quant = branch[j + 1] ?? '';
    if (quant === '*' || quant === '+' || quant === '{') return null;
    const optional = quant === '?';
    const prefix = branch.slice(0, i);
    const suffix = branch.slice(optional ? j + 2 : j + 1).replace(/^\?/, ''); // lazy `??`
    const alts = topLevelBranches(inner).map((a) => prefix + a + suffix);
    if (optional) alts.push(prefix + suffix);
    return alts;
  }
  return null;
}

/** Literals covering every match of one branch, or null. Expands alternatives when the branch alone is not selective. */
function branchLiterals(branch: string, budget: { n: number }): string[] | null {
  const lit = requiredLiteral(branch);
  if (weight(lit) >= 3) return [lit];
  const alts = budget.n > 0 ? expandFirstGroup(branch) : null;
  if (alts) {
    budget.n -= alts.length;
    const out: string[] = [];
    let ok = true;
    for (const a of alts) {
      const sub = branchLiterals(a, budget);
      if (!sub) {
        ok = false;
        break;
      }
      out.push(...sub);
    }
    if (ok && out.every((l) => weight(l) > weight(lit))) return out;
  }
  return weight(lit) > 0 ? [lit] : null;
}

/** Literals of all cues of one regex (one per top-level branch), or null when some branch has none. */
export function cueLiterals(cues: string[] | undefined): string[] | null {
  if (!cues || cues.length === 0) return [];
  const lits = new Set<string>();
  for (const cue of cues) {
    for (const branch of topLevelBranches(cue)) {
      const found = branchLiterals(branch, { n: 64 });
      if (found === null) return null;
      for (const l of found) lits.add(l);
    }
  }
  return [...lits];
}

/**
 * Finds which of a fixed set of literals occur in a text in one pass: literals are chained in hash
 * tables by their first three (or two, or one) code units, so each text position costs a few typed
 * array reads and a full comparison only on a hash hit.
 */
class LiteralScanner {
  private readonly lits: string[];
  private readonly next: Int32Array;
  private readonly head1: Int32Array | null;
  private readonly head2: Int32Array | null;
  private readonly head3: Int32Array | null;
  readonly size: number;

  constructor(literals: string[]) {
    this.lits = literals;
    this.size = literals.length;
    this.next = new Int32Array(literals.length).fill(-1);
    const tables: Array<Int32Array | null> = [null, null, null];
    literals.forEach((lit, id) => {
      const w = Math.min(3, lit.length);
      if (w === 0) return;
      const table = (tables[w - 1] ??= new Int32Array(TABLE_SIZE).fill(-1));
      const key = hashOf(lit, 0, w);
      this.next[id] = table[key];
      table[key] = id;
    });
    [this.head1, this.head2, this.head3] = tables;
  }

  /** Marks found[id] = stamp for every literal present in text. */
  scan(text: string, found: Uint32Array, stamp: number, foundList: number[]): void {
    foundList.length = 0;
    const n = text.length;
    const { head1, head2, head3, next, lits } = this;
    for (let i = 0; i < n; i++) {
      const c0 = text.charCodeAt(i);
      if (head1 !== null) this.walk(head1[c0 & MASK], text, i, found, stamp, foundList);
      if (i + 1 >= n) break;
      const h2 = ((c0 * 31) ^ text.charCodeAt(i + 1)) & MASK;
      if (head2 !== null && head2[h2] >= 0) this.walk(head2[h2], text, i, found, stamp, foundList);
      if (head3 === null || i + 2 >= n) continue;
      let id = head3[((h2 * 31) ^ text.charCodeAt(i + 2)) & MASK];
      while (id >= 0) {
        if (found[id] !== stamp && text.startsWith(lits[id], i)) {
          found[id] = stamp;
          foundList.push(id);
        }
        id = next[id];
      }
    }
  }

  private walk(id: number, text: string, i: number, found: Uint32Array, stamp: number, foundList: number[]): void {
    while (id >= 0) {
      if (found[id] !== stamp && text.startsWith(this.lits[id], i)) {
        found[id] = stamp;
        foundList.push(id);
      }
      id = this.next[id];
    }
  }
}

const TABLE_SIZE = 1 << 16;
const MASK = TABLE_SIZE - 1;

/** Same hash as the scanner's rolling one: c0 for 1, (c0·31)^c1 for 2, ((…)·31)^c2 for 3 code units. */
function hashOf(lit: string, from: number, w: number): number {
  let h = lit.charCodeAt(from);
  if (w === 1) return h & MASK;
  h = ((h * 31) ^ lit.charCodeAt(from + 1)) & MASK;
  if (w === 2) return h;
  return ((h * 31) ^ lit.charCodeAt(from + 2)) & MASK;
}

/**
 * A cue that is a plain string with an optional `\b` at either end ("\boutlook\b", "newsletter",
 * "\bvor ort\b" — two thirds of the lexicon) is found with indexOf and two character tests
 * instead of a regular expression: the same matches (`\b` becomes a word start or end exactly as
 * unicodeBoundaries rewrites it, on the same Unicode letters and digits).
 */
interface PlainCue {
  lit: string;
  /** a letter or digit must not precede the match */
  start: boolean;
  /** a letter or digit must not follow the match */
  end: boolean;
}

const PLAIN_CUE = /^(\\b)?([^\\[\](){}?*+|.^$]+?)(\\b)?$/u;
function plainCue(cue: string): PlainCue | null {
  const m = PLAIN_CUE.exec(cue);
  if (m === null || m[2].length === 0) return null;
  const lit = m[2];
  // A trailing \b after ' ' or ':' is rewritten as a word start, which always holds there.
  const last = lit[lit.length - 1];
  return { lit, start: m[1] !== undefined, end: m[3] !== undefined && last !== ' ' && last !== ':' };
}

const IS_LN = /[\p{L}\p{N}]/u;
/** True when a letter or digit (one code point, surrogate pairs included) ends just before pos. */
function wordCharBefore(text: string, pos: number): boolean {
  if (pos <= 0) return false;
  const c = text.charCodeAt(pos - 1);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0xdc00 && c <= 0xdfff && pos >= 2) return IS_LN.test(text.slice(pos - 2, pos));
  return IS_LN.test(text[pos - 1]);
}
/** True when a letter or digit starts at pos. */
function wordCharAt(text: string, pos: number): boolean {
  if (pos >= text.length) return false;
  const c = text.charCodeAt(pos);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0xd800 && c <= 0xdbff) return IS_LN.test(text.slice(pos, pos + 2));
  return IS_LN.test(text[pos]);
}

/**
 * One regex's cues (a code's strong or its weak cues). What the lexicon means is the alternation of
 * all cues, matched left to right without overlap. Running that big alternation on every answer was
 * most of the coding time, so we run only the cues whose literals occur in the text, each as its own
 * (lazily compiled, cached) regex, and merge their matches exactly as the alternation would: from
 * position p it matches at the smallest start where any cue matches, and there the first cue in order
 * wins, with that cue's own match. A cue whose literal is absent cannot match anywhere, so leaving it
 * out changes nothing. Same matches, same order.
 */
class CueSet {
  /** Cue sources, as written ([0]) and in the Latin variant ([1]). */
  private readonly sources: [string[], string[]];
  /** Per cue: literal ids, one of which must occur for the cue to match; null = always possible. */
  private readonly lits: Array<number[] | null>;
  private readonly regexes: [Array<RegExp | undefined>, Array<RegExp | undefined>];
  private readonly selected: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Per cue: the plain literal it is (see plainCue), or null when it needs its regex. */
  private readonly plain: Array<PlainCue | null>;

  constructor(cues: string[], idsOf: (lits: string[] | null) => number[] | null) {
    this.sources = [cues.map((c) => `(?:${unicodeBoundaries(c)})`), cues.map((c) => `(?:${unicodeBoundaries(c, true)})`)];
    this.lits = cues.map((c) => idsOf(cueLiterals([c])));
    this.regexes = [new Array(cues.length), new Array(cues.length)];
    this.plain = cues.map(plainCue);
    this.always = this.alwaysPossible;
  }

  /** The next match of cue i at or after `from`: [start, end], or null. */
  private next(i: number, text: string, from: number, latin: number): [number, number] | null {
    const p = this.plain[i];
    if (p !== null) {
      for (let at = text.indexOf(p.lit, from); at >= 0; at = text.indexOf(p.lit, at + 1)) {
        if (p.start && wordCharBefore(text, at)) continue;
        if (p.end && wordCharAt(text, at + p.lit.length)) continue;
        return [at, at + p.lit.length];
      }
      return null;
    }
    const re = this.regex(i, latin);
    re.lastIndex = from;
    const m = re.exec(text);
    return m === null ? null : [m.index, m.index + m[0].length];
  }

  private regex(i: number, latin: number): RegExp {
    return (this.regexes[latin][i] ??= new RegExp(this.sources[latin][i], 'gu'));
  }

  /** Calls onMatch(start, end) for every non-empty match of the alternation in text, in order. */
  /** Cues with no literal: possible in every text. */
  get alwaysPossible(): number[] {
    const out: number[] = [];
    this.lits.forEach((l, i) => {
      if (l === null) out.push(i);
    });
    return out;
  }

  /** Literal id → cues of this set that contain it (for the group's inverted index). */
  literalUses(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.lits.forEach((l, i) => {
      for (const id of l ?? []) out.push([id, i]);
    });
    return out;
  }

  /** Starts a text: only the always-possible cues are selected. */
  reset(): void {
    this.selected.length = 0;
    for (const i of this.always) this.selected.push(i);
    this.dirty = this.always.length > 0;
  }

  /** Selects a cue (its literal occurs in the text); duplicates are removed in forEachMatch. */
  select(cue: number): void {
    this.selected.push(cue);
    this.dirty = true;
  }

  private readonly always: number[];
  dirty = false;

  /** Calls onMatch(start, end) for every non-empty match of the alternation in text, in order. */
  forEachMatch(text: string, latin: number, onMatch: (start: number, end: number) => void): void {
    const sel = this.selected;
    if (sel.length === 0) return;
    if (sel.length > 1) {
      // Alternation order, each cue once (a handful of cues: insertion sort, no comparator calls).
      if (sel.length > 32) sel.sort((a, b) => a - b);
      else {
        for (let r = 1; r < sel.length; r++) {
          const v = sel[r];
          let at = r - 1;
          while (at >= 0 && sel[at] > v) {
            sel[at + 1] = sel[at];
            at--;
          }
          sel[at + 1] = v;
        }
      }
      let w = 1;
      for (let r = 1; r < sel.length; r++) if (sel[r] !== sel[w - 1]) sel[w++] = sel[r];
      sel.length = w;
    }
    const starts = this.starts;
    const ends = this.ends;
    for (let j = 0; j < sel.length; j++) starts[j] = -1; // not searched yet
    let p = 0;
    while (p <= text.length) {
      let best = -1;
      let bestStart = Infinity;
      for (let j = 0; j < sel.length; j++) {
        if (starts[j] < p && starts[j] !== Infinity) {
          const m = this.next(sel[j], text, p, latin);
          if (m === null) starts[j] = Infinity;
          else {
            starts[j] = m[0];
            ends[j] = m[1];
          }
        }
        if (starts[j] < bestStart) {
          bestStart = starts[j];
          best = j;
        }
      }
      if (best < 0) return;
      const end = ends[best];
      if (end > bestStart) {
        onMatch(bestStart, end);
        p = end;
      } else {
        // Empty match: skipped, and the search moves on by one code point (as matchAll does).
        const cp = text.codePointAt(bestStart);
        p = bestStart + (cp !== undefined && cp > 0xffff ? 2 : 1);
      }
    }
  }
}

export interface CompiledCode {
  code: CodeDefinition;
  strong: CueSet | null;
  weak: CueSet | null;
}

export interface CompiledGroup {
  group: CodeGroup;
  codes: CompiledCode[];
  negationScope: boolean;
  scanner: LiteralScanner;
  /** Scratch for the scanner: found[id] === stamp when literal id is in the current text. */
  found: Uint32Array;
  stamp: number;
  /** All cue sets of the group, and per literal id the cues containing it. */
  sets: CueSet[];
  uses: Array<Array<{ set: CueSet; cue: number }>>;
  /** Scratch: literal ids found in the current text. */
  foundList: number[];
  /** The literals (by id). */
  literals: string[];
  /** Scanner over the literals' word pieces (see litsOfWord), and per piece the literal ids. */
  pieceScanner: LiteralScanner;
  pieceLits: number[][];
  pieceFound: Uint32Array;
  pieceStamp: number;
  /** Literals without a letter or digit: looked up in the whole text. */
  freeLits: number[];
  /** word → ids of the literals whose piece it contains (persists with the compiled group) */
  wordLits: Map<string, Int32Array>;
  /** the same by word id of `wordLitsOwner` (one Reader at a time) */
  wordLitsById: Array<Int32Array | undefined>;
  wordLitsOwner: object | null;
}

/** Compiles a group's cues once per run (not per answer). */
export function compileGroup(group: CodeGroup): CompiledGroup {
  const ids = new Map<string, number>();
  const idsOf = (lits: string[] | null): number[] | null => {
    if (lits === null) return null;
    return lits.map((l) => {
      let id = ids.get(l);
      if (id === undefined) ids.set(l, (id = ids.size));
      return id;
    });
  };
  const cueSet = (cues: string[] | undefined): CueSet | null => (cues && cues.length > 0 ? new CueSet(cues, idsOf) : null);
  const codes = group.codes.map((code) => ({ code, strong: cueSet(code.cues), weak: cueSet(code.weakCues) }));
  const scanner = new LiteralScanner([...ids.keys()]);
  // Inverted index: literal id → the cue sets and cues that contain it.
  const sets: CueSet[] = [];
  for (const c of codes) {
    if (c.strong) sets.push(c.strong);
    if (c.weak) sets.push(c.weak);
  }
  const uses: Array<Array<{ set: CueSet; cue: number }>> = Array.from({ length: scanner.size }, () => []);
  for (const set of sets) for (const [id, cue] of set.literalUses()) uses[id].push({ set, cue });
  // Word pieces of the literals: every match of a cue contains its literal, and each maximal run of
  // letters/digits of the literal lies inside one word of the text (words are the text's runs of
  // letters and digits). So a literal can only occur when some word of the answer contains the
  // literal's longest such run: found per distinct word once, not per character of every answer.
  const literals = [...ids.keys()];
  const pieceIds = new Map<string, number>();
  const pieceLits: number[][] = [];
  const freeLits: number[] = [];
  literals.forEach((lit, id) => {
    let piece = '';
    for (const m of lit.matchAll(/[\p{L}\p{N}]+/gu)) if (m[0].length > piece.length) piece = m[0];
    if (piece === '') {
      freeLits.push(id);
      return;
    }
    let p = pieceIds.get(piece);
    if (p === undefined) {
      pieceIds.set(piece, (p = pieceLits.length));
      pieceLits.push([]);
    }
    pieceLits[p].push(id);
  });
  const pieceScanner = new LiteralScanner([...pieceIds.keys()]);
  return {
    group,
    codes,
    negationScope: group.output === 'channels',
    scanner,
    found: new Uint32Array(scanner.size),
    stamp: 0,
    sets,
    uses,
    foundList: [],
    literals,
    pieceScanner,
    pieceLits,
    pieceFound: new Uint32Array(pieceScanner.size),
    pieceStamp: 0,
    freeLits,
    wordLits: new Map(),
    wordLitsById: [],
    wordLitsOwner: null,
  };
}

const NO_LITS = new Int32Array(0);

/** Ids of the literals whose word piece occurs in `word`. */
function litsOfWord(compiled: CompiledGroup, word: string): Int32Array {
  let out = compiled.wordLits.get(word);
  if (out !== undefined) return out;
  const stamp = (compiled.pieceStamp = (compiled.pieceStamp + 1) >>> 0 || 1);
  if (stamp === 1) compiled.pieceFound.fill(0);
  const found: number[] = [];
  compiled.pieceScanner.scan(word, compiled.pieceFound, stamp, found);
  if (found.length === 0) out = NO_LITS;
  else {
    const lits: number[] = [];
    for (const p of found) lits.push(...compiled.pieceLits[p]);
    out = Int32Array.from(lits);
  }
  if (compiled.wordLits.size < 500_000) compiled.wordLits.set(word, out);
  return out;
}

/** An answer's words as interned ids (text/reader.ts), for the word-level literal prefilter. */
export interface WordIds {
  /** identity of the interner the ids belong to */
  owner: object;
  strings: readonly string[];
  ids: Int32Array;
  n: number;
}

/** Marks the literals that may occur in the text: from its words, plus literals without letters. */
function selectByWords(compiled: CompiledGroup, lower: string, words: WordIds): void {
  const stamp = (compiled.stamp = (compiled.stamp + 1) >>> 0 || 1);
  if (stamp === 1) compiled.found.fill(0);
  if (compiled.wordLitsOwner !== words.owner) {
    compiled.wordLitsOwner = words.owner;
    compiled.wordLitsById = [];
  }
  const byId = compiled.wordLitsById;
  const found = compiled.found;
  const list = compiled.foundList;
  list.length = 0;
  for (let w = 0; w < words.n; w++) {
    const id = words.ids[w];
    let lits = byId[id];
    if (lits === undefined) lits = byId[id] = litsOfWord(compiled, words.strings[id]);
    for (let j = 0; j < lits.length; j++) {
      const l = lits[j];
      if (found[l] !== stamp) {
        found[l] = stamp;
        list.push(l);
      }
    }
  }
  for (const l of compiled.freeLits) {
    if (found[l] !== stamp && lower.includes(compiled.literals[l])) {
      found[l] = stamp;
      list.push(l);
    }
  }
}

export interface LexiconHit {
  code: string;
  /** 1 per strong mention, 0.35 per weak one, each capped. */
  score: number;
  strong: number;
  weak: number;
  /** Character offset of the first non-negated mention (earlier = more central to the answer). */
  first: number;
  /** Mentions discarded by negation scope. */
  negated: number;
}

const WEAK_WEIGHT = 0.35;
const MAX_MENTIONS = 3;

// ---- negation scope -------------------------------------------------------------------------------

/** The negation-scope patterns, built as written or in the Latin variant (see LATIN_LN). */
function negationPatterns(latin: boolean) {
  const ub = (source: string): string => unicodeBoundaries(source, latin);
  const ws = latin ? WORD_START_LATIN : WORD_START;
  const we = latin ? WORD_END_LATIN : WORD_END;
  /** Clause boundaries: punctuation and contrastive conjunctions ("früher Fax, heute Mail"). */
  const CLAUSE_BREAK = new RegExp(
    `[.;!?:\\n,()–—]|${ws}(?:aber|but|sondern|jedoch|however|whereas|während|while|dafür|stattdessen|nowadays|mittlerweile|inzwischen|yet|und zwar|otherwise|sonst)${we}`,
    'gu',
  );

  /** Anywhere in the clause: the channel is no longer used. */
  const DROPPED = new RegExp(
    ub(
      [
        '\\bnicht mehr\\b', '\\bkaum (noch|mehr)\\b', '\\bnie mehr\\b', '\\bkein(e|en|er)?\\b[^,.;]{0,30}\\bmehr\\b', '\\babgeschafft', '\\babgeschaltet', '\\babgelöst', '\\beingestellt\\b',
        '\\bausgemustert', '\\bgestrichen\\b', '\\bno longer\\b', '\\bnot any ?more\\b', '\\bany ?more\\b', '\\bno more\\b', '\\bstopped\\b', '\\bgave up\\b', '\\bgiven up\\b', '\\bgot rid of\\b',
        '\\bdropped\\b', '\\babandoned\\b', '\\bretired\\b', '\\bphased out\\b', '\\bscrapped\\b', '\\bfrüher\\b', '\\bused to\\b', '\\bformerly\\b', '\\bin the past\\b', '\\bback then\\b', '\\bdamals\\b',
        '\\bpreviously\\b', '\\bkilled\\b', '\\bshut down\\b', '\\bhatten wir (mal|früher|einmal)\\b', '\\bwe had\\b', '\\bhardly ever\\b', '\\bbarely\\b', '\\bselten\\b', '\\brarely\\b', '\\bweggefallen\\b', '\\bis gone\\b', '\\bwas shut down\\b', '\\babgeklemmt',
      ].join('|'),
    ),
    'u',
  );

  /** "X wurde durch Y ersetzt": drops X, not Y. */
  const REPLACED = new RegExp(ub('\\b(ersetzt|abgelöst|replaced|abgeschafft zugunsten)\\b'), 'u');
  const REPLACER = new RegExp(ub('\\b(durch|by|with|zugunsten von|mit)\\s+(\\S+\\s+){0,2}$'), 'u');

  /** Before the mention, scope of a few words: the mentioned channel is negated. */
  const NEG_BEFORE = new RegExp(
    ub(
      "\\b(kein(e|en|er|em)?|keinerlei|no|not|never|nie|niemals|ohne|without|weder|neither|nor|statt|anstatt|anstelle|instead of|rather than|weg von|away from|(switched|moved|migrated|went) (away )?from|(umgestiegen|gewechselt) von|don'?t use|do not use|doesn'?t use|don'?t do|do not do|stopped using|quit|refuse to( join| use)?|weigere mich)\\b(\\s+\\S+){0,3}\\s*$",
    ),
    'u',
  );

  /** After the mention in the same clause: German verb-final negation ("Slack nutzen wir nicht"). */
  const NEG_AFTER = new RegExp(
    ub(
      "^(\\s*\\S+){0,4}?\\s+(nicht|nie|niemals|gar nicht|überhaupt nicht|never|not)\\b(?!\\s+(nur|only|just|immer|always|gern|so|ganz|oft|often|viel|much|selten|mal|unbedingt|wirklich|really|zu|weg|mehr als|more than|ersetzen|replace))",
    ),
    'u',
  );

  /** Anywhere in the clause: a wish or plan, not current use. */
  const WISH = new RegExp(
    ub(
      [
        '\\bwünsch', '\\bwish', '\\bwär(e|en)?\\b', '\\basking for\\b', '\\bask(ed)? for\\b', '\\bunder review\\b', '\\bpraktisch wäre', '\\bhätte(n)? (ich |wir )?gern', '\\bwäre (es )?(schön|toll|gut|cool|super|hilfreich)', '\\bwürde(n)? (ich |wir )?(gern|lieber)', '\\bwould (like|love|prefer|be (nice|great|good|helpful))',
        "\\bi'?d (like|love|prefer)", '\\bhope', '\\bhoffe', '\\bhoffentlich', '\\bsollte(n)?\\b', '\\bshould\\b', '\\bbräuchte', '\\bfehlt', '\\bfehlen\\b', '\\bmissing\\b', '\\black(s|ing)?\\b', '\\bgibt es (bei uns )?(noch )?(nicht|kein)',
        "\\bgibt'?s (bei uns )?(noch )?(nicht|kein)", '\\bhaben wir (noch )?(nicht|kein)', "\\bwe (don'?t|do not) have\\b", "\\bthere (is|are)(n'?t| no)\\b", '\\bbald\\b', '\\bsoon\\b', '\\bgeplant', '\\bplanned\\b', '\\bplan(s|ning)? to\\b',
        '\\bgoing to (introduce|get|roll)', '\\bwill be (introduced|rolled)', '\\bsoll(en)? (bald |demnächst |noch )?(eingeführt|kommen)', '\\bdemnächst', '\\bin (the )?future\\b', '\\bkünftig', '\\bzukünftig', '\\bim gespräch\\b', '\\bangedacht',
        '\\beines tages\\b', '\\bsomeday\\b', '\\bdream', '\\btraum',
      ].join('|'),
    ),
    'u',
  );

  /** Channels used only with people outside the organisation are not colleague channels. */
  const OUTSIDER = new RegExp(
    ub('\\b(kunde|kunden|kundin|customers?|clients?|extern\\w*|externals?|lieferant\\w*|suppliers?|vendors?|agentur\\w*|agenc\\w+|bürger\\w*|patient\\w*|angehörig\\w*|relatives|freunde\\w*|friends|privat\\w*|private|außerhalb|outside|familie|family|eltern|parents)\\b'),
    'u',
  );
  const ONLY = new RegExp(ub('\\b(nur|only|just|ausschließlich|lediglich|exclusively|solely)\\b'), 'u');
  const INSIDER = new RegExp(ub('\\b(kolleg\\w*|colleagues?|team\\w*|intern\\w*|abteilung\\w*|chef\\w*|boss|manager\\w*|vorgesetzt\\w*|mitarbeit\\w*|staff|coworkers?|co-workers?)\\b'), 'u');

  /** Later in the sentence, across relative clauses: "Dieses Yammer, das … eingeführt hat, hab ich nie benutzt". */
  const NEVER_USED = new RegExp(
    ub("\\b(nie|niemals|kaum|never|hardly|nobody|niemand|keiner) (\\S+ ){0,3}(benutzt|genutzt|verwendet|gebraucht|used|uses|use|nutzt|liest|reads|read|geöffnet|opened)\\b"),
    'u',
  );
  /** A drop verb anywhere in the sentence, when the sentence does not also name a replacement. */
  const STRONG_DROP = new RegExp(ub('\\b(abgeschafft|abgelöst|abgeschaltet|eingestellt|killed|shut down|got rid of|phased out|scrapped|retired|hatten wir (mal|früher|einmal))\\b'), 'u');
  const CONTRAST = new RegExp(ub('\\b(aber|but|heute|today|now|jetzt|stattdessen|instead|dafür|durch|replaced|ersetzt|zugunsten|in favour|in favor)\\b'), 'u');
  return { CLAUSE_BREAK, DROPPED, REPLACED, REPLACER, NEG_BEFORE, NEG_AFTER, WISH, OUTSIDER, ONLY, INSIDER, NEVER_USED, STRONG_DROP, CONTRAST };
}

type NegationPatterns = ReturnType<typeof negationPatterns>;
/** [as written, Latin variant]; construction only parses, V8 compiles each on first use. */
const NEGATION: [NegationPatterns, NegationPatterns] = [negationPatterns(false), negationPatterns(true)];

interface Clause {
  start: number;
  end: number;
}

function clauses(text: string, rx: NegationPatterns = NEGATION[latinOnly(text) ? 1 : 0]): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  const re = rx.CLAUSE_BREAK;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  out.push({ start, end: text.length });
  return out;
}

function clauseAt(list: Clause[], pos: number): Clause {
  for (const c of list) if (pos >= c.start && pos < c.end) return c;
  return list[list.length - 1];
}

/**
 * Decides whether a channel mention at [start,end) is current use. Exported for tests.
 * @param latin use the Latin variant of the patterns (default: when latinOnly(text); forcing it on
 *   other texts is only for tests, which compare the two variants)
 * @returns null when it counts, or the reason it does not.
 */
export function negationReason(text: string, start: number, end: number, list?: Clause[], latin: boolean = latinOnly(text)): string | null {
  const rx = NEGATION[latin ? 1 : 0];
  return negationReasonWith(rx, text, start, end, list ?? clauses(text, rx));
}

function negationReasonWith(rx: NegationPatterns, text: string, start: number, end: number, list: Clause[]): string | null {
  const { NEG_BEFORE, REPLACED, REPLACER, DROPPED, WISH, NEG_AFTER, NEVER_USED, STRONG_DROP, CONTRAST, OUTSIDER, ONLY, INSIDER } = rx;
  const c = clauseAt(list, start);
  const before = text.slice(c.start, start);
  const after = text.slice(end, c.end);
  const clause = text.slice(c.start, c.end);
  if (NEG_BEFORE.test(before)) return 'negated';
  if (REPLACED.test(clause)) return REPLACER.test(before) ? null : 'replaced';
  if (DROPPED.test(clause)) return 'dropped';
  if (WISH.test(clause)) return 'wish';
  if (NEG_AFTER.test(after)) return 'negated';
  const sentence = sentenceAround(text, start);
  if (NEVER_USED.test(sentence.after) || (STRONG_DROP.test(sentence.text) && !CONTRAST.test(sentence.text))) return 'dropped';
  // Outsiders: "nur mit Kunden", or an outsider word right next to the mention with no colleague in
  // the sentence ("Zoom for client calls"). Far-away outsider words do not count.
  const near = text.slice(Math.max(c.start, start - 15), Math.min(c.end, end + 15));
  if (OUTSIDER.test(clause) && ONLY.test(clause)) return 'outsiders';
  if (OUTSIDER.test(near) && !INSIDER.test(sentence.text)) return 'outsiders';
  return null;
}

/** . ! ? and newline end a sentence. */
function isSentenceEnd(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 10;
}

function sentenceAround(text: string, pos: number): { text: string; after: string } {
  let s = pos;
  while (s > 0 && !isSentenceEnd(text.charCodeAt(s - 1))) s--;
  let e = pos;
  while (e < text.length && !isSentenceEnd(text.charCodeAt(e))) e++;
  return { text: text.slice(s, e), after: text.slice(pos, e) };
}

function countMatches(cues: CueSet | null, text: string, latin: number, scoped: boolean, list: () => Clause[], hit: LexiconHit, weight: 'strong' | 'weak'): void {
  if (!cues || !cues.dirty) return;
  cues.forEachMatch(text, latin, (start, end) => {
    if (scoped && negationReasonWith(NEGATION[latin], text, start, end, list()) !== null) {
      hit.negated++;
      return;
    }
    if (weight === 'strong') hit.strong++;
    else hit.weak++;
    if (start < hit.first) hit.first = start;
  });
}

/**
 * Lexicon evidence for every code of a group in one answer.
 * @param lower the answer, lower-cased (NFC)
 */
export function matchLexicon(compiled: CompiledGroup, lower: string): LexiconHit[] {
  const latin = latinOnly(lower) ? 1 : 0;
  let clauseList: Clause[] | null = null;
  const list = (): Clause[] => (clauseList ??= clauses(lower, NEGATION[latin]));
  const hits: LexiconHit[] = [];
  const stamp = (compiled.stamp = (compiled.stamp + 1) >>> 0 || 1);
  if (stamp === 1) compiled.found.fill(0);
  compiled.scanner.scan(lower, compiled.found, stamp, compiled.foundList);
  for (const set of compiled.sets) set.reset();
  for (const id of compiled.foundList) for (const u of compiled.uses[id]) u.set.select(u.cue);
  for (const c of compiled.codes) {
    const hit: LexiconHit = { code: c.code.id, score: 0, strong: 0, weak: 0, first: Number.MAX_SAFE_INTEGER, negated: 0 };
    countMatches(c.strong, lower, latin, compiled.negationScope, list, hit, 'strong');
    countMatches(c.weak, lower, latin, compiled.negationScope, list, hit, 'weak');
    hit.score = Math.min(hit.strong, MAX_MENTIONS) + WEAK_WEIGHT * Math.min(hit.weak, MAX_MENTIONS);
    hits.push(hit);
  }
  return hits;
}

/**
 * Every cue match of a group in one answer, without any scope: the coder decides what a match in a
 * negated or wished-for clause means (coding/featurize.ts). Same prefilter as matchLexicon.
 * @param lower the answer, lower-cased (NFC)
 */
export function cueMatches(compiled: CompiledGroup, lower: string, onMatch: (code: string, weak: boolean, start: number, end: number, codeIndex: number) => void, words?: WordIds): void {
  if (compiled.sets.length === 0) return;
  const latin = latinOnly(lower) ? 1 : 0;
  if (words) selectByWords(compiled, lower, words);
  else {
    const stamp = (compiled.stamp = (compiled.stamp + 1) >>> 0 || 1);
    if (stamp === 1) compiled.found.fill(0);
    compiled.scanner.scan(lower, compiled.found, stamp, compiled.foundList);
  }
  for (const set of compiled.sets) set.reset();
  for (const id of compiled.foundList) for (const u of compiled.uses[id]) u.set.select(u.cue);
  compiled.codes.forEach((c, ci) => {
    const id = c.code.id;
    if (c.strong && c.strong.dirty) c.strong.forEachMatch(lower, latin, (s, e) => onMatch(id, false, s, e, ci));
    if (c.weak && c.weak.dirty) c.weak.forEachMatch(lower, latin, (s, e) => onMatch(id, true, s, e, ci));
  });
}
