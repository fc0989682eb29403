import type { CodeDefinition, CodeGroup } from '../types.js';

/**
 * Lexicon evidence: cues (regular expressions) matched against the lower-cased answer, with negation
 * scope for channels. Cue strings use `\b` for readability; JavaScript's \b is ASCII-only even with the
 * `u` flag ("\bübergabe" never matches), so we rewrite it to Unicode look-arounds.
 */

const WORD_START = '(?<![\\p{L}\\p{N}])';
const WORD_END = '(?![\\p{L}\\p{N}])';

/** Rewrites `\b` in a cue: word start where a word begins, word end elsewhere. */
export function unicodeBoundaries(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\' && source[i + 1] === 'b' && source[i - 1] !== '\\') {
      const prev = i === 0 ? '' : source[i - 1];
      out += prev === '' || prev === '(' || prev === '|' || prev === ' ' || prev === ':' ? WORD_START : WORD_END;
      i++;
    } else {
      out += source[i];
    }
  }
  return out;
}

function compile(cues: string[] | undefined): RegExp | null {
  if (!cues || cues.length === 0) return null;
  return new RegExp(cues.map((c) => `(?:${unicodeBoundaries(c)})`).join('|'), 'gu');
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

/** Finds which of a fixed set of literals occur in a text: one pass, candidates keyed by first two code units. */
class LiteralScanner {
  private readonly byPair = new Map<number, Array<{ lit: string; id: number }>>();
  private readonly single = new Map<number, number>();
  readonly size: number;

  constructor(literals: string[]) {
    this.size = literals.length;
    literals.forEach((lit, id) => {
      if (lit.length === 1) {
        this.single.set(lit.charCodeAt(0), id);
        return;
      }
      const key = lit.charCodeAt(0) * 65536 + lit.charCodeAt(1);
      let list = this.byPair.get(key);
      if (!list) this.byPair.set(key, (list = []));
      list.push({ lit, id });
    });
  }

  /** Marks found[id] = stamp for every literal present in text. */
  scan(text: string, found: Uint32Array, stamp: number): void {
    const n = text.length;
    const singles = this.single.size > 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (singles) {
        const id = this.single.get(c);
        if (id !== undefined) found[id] = stamp;
      }
      if (i + 1 >= n) break;
      const list = this.byPair.get(c * 65536 + text.charCodeAt(i + 1));
      if (list === undefined) continue;
      for (const { lit, id } of list) if (found[id] !== stamp && text.startsWith(lit, i)) found[id] = stamp;
    }
  }
}

export interface CompiledCode {
  code: CodeDefinition;
  strong: RegExp | null;
  weak: RegExp | null;
  /** Literal ids (LiteralScanner) one of which a text must contain for `strong`/`weak` to match; null: always run. */
  strongLits: number[] | null;
  weakLits: number[] | null;
}

export interface CompiledGroup {
  group: CodeGroup;
  codes: CompiledCode[];
  negationScope: boolean;
  scanner: LiteralScanner;
  /** Scratch for the scanner: found[id] === stamp when literal id is in the current text. */
  found: Uint32Array;
  stamp: number;
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
  const codes = group.codes.map((code) => ({
    code,
    strong: compile(code.cues),
    weak: compile(code.weakCues),
    strongLits: idsOf(cueLiterals(code.cues)),
    weakLits: idsOf(cueLiterals(code.weakCues)),
  }));
  const scanner = new LiteralScanner([...ids.keys()]);
  return { group, codes, negationScope: group.output === 'channels', scanner, found: new Uint32Array(scanner.size), stamp: 0 };
}

function anyFound(lits: number[] | null, found: Uint32Array, stamp: number): boolean {
  if (lits === null) return true;
  for (const id of lits) if (found[id] === stamp) return true;
  return false;
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

/** Clause boundaries: punctuation and contrastive conjunctions ("früher Fax, heute Mail"). */
const CLAUSE_BREAK = new RegExp(
  `[.;!?:\\n,()–—]|${WORD_START}(?:aber|but|sondern|jedoch|however|whereas|während|while|dafür|stattdessen|nowadays|mittlerweile|inzwischen|yet|und zwar|otherwise|sonst)${WORD_END}`,
  'gu',
);

/** Anywhere in the clause: the channel is no longer used. */
const DROPPED = new RegExp(
  unicodeBoundaries(
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
const REPLACED = new RegExp(unicodeBoundaries('\\b(ersetzt|abgelöst|replaced|abgeschafft zugunsten)\\b'), 'u');
const REPLACER = new RegExp(unicodeBoundaries('\\b(durch|by|with|zugunsten von|mit)\\s+(\\S+\\s+){0,2}$'), 'u');

/** Before the mention, scope of a few words: the mentioned channel is negated. */
const NEG_BEFORE = new RegExp(
  unicodeBoundaries(
    "\\b(kein(e|en|er|em)?|keinerlei|no|not|never|nie|niemals|ohne|without|weder|neither|nor|statt|anstatt|anstelle|instead of|rather than|weg von|away from|(switched|moved|migrated|went) (away )?from|(umgestiegen|gewechselt) von|don'?t use|do not use|doesn'?t use|don'?t do|do not do|stopped using|quit|refuse to( join| use)?|weigere mich)\\b(\\s+\\S+){0,3}\\s*$",
  ),
  'u',
);

/** After the mention in the same clause: German verb-final negation ("Slack nutzen wir nicht"). */
const NEG_AFTER = new RegExp(
  unicodeBoundaries(
    "^(\\s*\\S+){0,4}?\\s+(nicht|nie|niemals|gar nicht|überhaupt nicht|never|not)\\b(?!\\s+(nur|only|just|immer|always|gern|so|ganz|oft|often|viel|much|selten|mal|unbedingt|wirklich|really|zu|weg|mehr als|more than|ersetzen|replace))",
  ),
  'u',
);

/** Anywhere in the clause: a wish or plan, not current use. */
const WISH = new RegExp(
  unicodeBoundaries(
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
  unicodeBoundaries('\\b(kunde|kunden|kundin|customers?|clients?|extern\\w*|externals?|lieferant\\w*|suppliers?|vendors?|agentur\\w*|agenc\\w+|bürger\\w*|patient\\w*|angehörig\\w*|relatives|freunde\\w*|friends|privat\\w*|private|außerhalb|outside|familie|family|eltern|parents)\\b'),
  'u',
);
const ONLY = new RegExp(unicodeBoundaries('\\b(nur|only|just|ausschließlich|lediglich|exclusively|solely)\\b'), 'u');
const INSIDER = new RegExp(unicodeBoundaries('\\b(kolleg\\w*|colleagues?|team\\w*|intern\\w*|abteilung\\w*|chef\\w*|boss|manager\\w*|vorgesetzt\\w*|mitarbeit\\w*|staff|coworkers?|co-workers?)\\b'), 'u');

interface Clause {
  start: number;
  end: number;
}

function clauses(text: string): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  CLAUSE_BREAK.lastIndex = 0;
  for (const m of text.matchAll(CLAUSE_BREAK)) {
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
 * @returns null when it counts, or the reason it does not.
 */
export function negationReason(text: string, start: number, end: number, list: Clause[] = clauses(text)): string | null {
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

/** Later in the sentence, across relative clauses: "Dieses Yammer, das … eingeführt hat, hab ich nie benutzt". */
const NEVER_USED = new RegExp(
  unicodeBoundaries("\\b(nie|niemals|kaum|never|hardly|nobody|niemand|keiner) (\\S+ ){0,3}(benutzt|genutzt|verwendet|gebraucht|used|uses|use|nutzt|liest|reads|read|geöffnet|opened)\\b"),
  'u',
);
/** A drop verb anywhere in the sentence, when the sentence does not also name a replacement. */
const STRONG_DROP = new RegExp(unicodeBoundaries('\\b(abgeschafft|abgelöst|abgeschaltet|eingestellt|killed|shut down|got rid of|phased out|scrapped|retired|hatten wir (mal|früher|einmal))\\b'), 'u');
const CONTRAST = new RegExp(unicodeBoundaries('\\b(aber|but|heute|today|now|jetzt|stattdessen|instead|dafür|durch|replaced|ersetzt|zugunsten|in favour|in favor)\\b'), 'u');

function sentenceAround(text: string, pos: number): { text: string; after: string } {
  let s = pos;
  while (s > 0 && !/[.!?\n]/.test(text[s - 1])) s--;
  let e = pos;
  while (e < text.length && !/[.!?\n]/.test(text[e])) e++;
  return { text: text.slice(s, e), after: text.slice(pos, e) };
}

function countMatches(re: RegExp | null, text: string, scoped: boolean, list: Clause[] | null, hit: LexiconHit, weight: 'strong' | 'weak'): void {
  if (!re) return;
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    if (scoped && list && negationReason(text, m.index, m.index + m[0].length, list) !== null) {
      hit.negated++;
      continue;
    }
    if (weight === 'strong') hit.strong++;
    else hit.weak++;
    if (m.index < hit.first) hit.first = m.index;
  }
}

/**
 * Lexicon evidence for every code of a group in one answer.
 * @param lower the answer, lower-cased (NFC)
 */
export function matchLexicon(compiled: CompiledGroup, lower: string): LexiconHit[] {
  let list: Clause[] | null = null;
  const hits: LexiconHit[] = [];
  const stamp = (compiled.stamp = (compiled.stamp + 1) >>> 0 || 1);
  if (stamp === 1) compiled.found.fill(0);
  const found = compiled.found;
  compiled.scanner.scan(lower, found, stamp);
  for (const c of compiled.codes) {
    const hit: LexiconHit = { code: c.code.id, score: 0, strong: 0, weak: 0, first: Number.MAX_SAFE_INTEGER, negated: 0 };
    const strong = c.strong !== null && anyFound(c.strongLits, found, stamp);
    const weak = c.weak !== null && anyFound(c.weakLits, found, stamp);
    if (compiled.negationScope && list === null && (strong || weak)) list = clauses(lower);
    if (strong) countMatches(c.strong, lower, compiled.negationScope, list, hit, 'strong');
    if (weak) countMatches(c.weak, lower, compiled.negationScope, list, hit, 'weak');
    hit.score = Math.min(hit.strong, MAX_MENTIONS) + WEAK_WEIGHT * Math.min(hit.weak, MAX_MENTIONS);
    hits.push(hit);
  }
  return hits;
}
