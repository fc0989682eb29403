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

export interface CompiledCode {
  code: CodeDefinition;
  strong: RegExp | null;
  weak: RegExp | null;
}

export interface CompiledGroup {
  group: CodeGroup;
  codes: CompiledCode[];
  negationScope: boolean;
}

/** Compiles a group's cues once per run (not per answer). */
export function compileGroup(group: CodeGroup): CompiledGroup {
  return {
    group,
    codes: group.codes.map((code) => ({ code, strong: compile(code.cues), weak: compile(code.weakCues) })),
    negationScope: group.output === 'channels',
  };
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
  const list = compiled.negationScope ? clauses(lower) : null;
  const hits: LexiconHit[] = [];
  for (const c of compiled.codes) {
    const hit: LexiconHit = { code: c.code.id, score: 0, strong: 0, weak: 0, first: Number.MAX_SAFE_INTEGER, negated: 0 };
    countMatches(c.strong, lower, compiled.negationScope, list, hit, 'strong');
    countMatches(c.weak, lower, compiled.negationScope, list, hit, 'weak');
    hit.score = Math.min(hit.strong, MAX_MENTIONS) + WEAK_WEIGHT * Math.min(hit.weak, MAX_MENTIONS);
    hits.push(hit);
  }
  return hits;
}
