import { cueLiterals } from '../coding/lexicon.js';
/**
 * Clauses and scopes. Typed answers have punctuation; transcribed video answers have none ("… les
 * ich wenn ich mal zeit hab was selten ist"), so a scope that runs to the end of the sentence runs
 * over the whole answer. Clauses therefore end at punctuation AND at the words that open a new
 * clause in speech (aber, weil, wenn, but, because, except …), and every scope — negation, a wish,
 * "only with customers", "used to" — stays inside its clause.
 *
 * Everything here works on the lower-cased answer (same length as the original, see workText), so
 * offsets are offsets into the original answer.
 */

export interface Clause {
  start: number;
  end: number;
}

/** Why a stretch of a clause is not current use with colleagues (q1). */
export type ScopeKind = 'neg' | 'wish' | 'drop' | 'outsider';

export interface ScopeRange {
  start: number;
  end: number;
  kind: ScopeKind;
}

/** The answer as the engine reads it: lower-cased, NFC, same length as `text` where possible. */
export interface WorkText {
  lower: string;
  /** position in `lower` → position in the original text; null when they are the same. */
  map: Int32Array | null;
}

/**
 * Lower-cases (NFC) while keeping offsets into the original: texts whose NFC lower-casing keeps the
 * length (nearly all) are used as they are; otherwise an offset map is built per code point.
 */
export function workText(text: string): WorkText {
  // Below U+0300 (no combining mark, no Hangul jamo) a text is already in NFC: skip the ICU call.
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x300) {
      plain = false;
      break;
    }
  }
  const nfc = plain ? text : text.normalize('NFC');
  if (nfc === text) {
    const lower = text.toLowerCase();
    if (lower.length === text.length) return { lower, map: null };
  }
  // Per code point of the original: its NFC+lower form, mapped back to where it started. Combining
  // marks of a decomposed umlaut fold into the letter before them.
  let out = '';
  const map: number[] = [];
  let i = 0;
  while (i < text.length) {
    // One base character with its combining marks.
    let j = i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
    while (j < text.length && /\p{M}/u.test(text[j])) j++;
    const piece = text.slice(i, j).normalize('NFC').toLowerCase();
    for (let k = 0; k < piece.length; k++) map.push(i);
    out += piece;
    i = j;
  }
  map.push(text.length);
  return { lower: out, map: Int32Array.from(map) };
}

/** Offset in the original text for an offset in the work text. */
export function originalOffset(w: WorkText, pos: number): number {
  return w.map ? w.map[Math.min(pos, w.map.length - 1)] : pos;
}

const L = '\\p{L}\\p{N}';
const WS = `(?<![${L}])`;
const WE = `(?![${L}])`;

/** Words that open a new clause in speech and typing. "und/and/oder/or" do not: lists share a scope ("kein Slack oder Teams"). */
export const CLAUSE_OPENERS = [
  'aber', 'but', 'sondern', 'jedoch', 'however', 'although', 'though', 'obwohl', 'whereas', 'während', 'waehrend', 'while',
  'except', 'außer', 'ausser', 'apart from', 'abgesehen', 'bis auf', 'other than', 'weil', 'because', 'wenn', 'when', 'falls', 'if',
  'dafür', 'stattdessen', 'instead', 'ansonsten', 'sonst', 'otherwise', 'mittlerweile', 'inzwischen', 'nowadays', 'heutzutage',
  'heute', 'today', 'jetzt', 'now', 'und dann', 'and then', 'dann noch', 'then', 'also', 'allerdings', 'trotzdem', 'anyway', 'sowieso',
  'was selten', 'which is', 'das heißt', 'i mean', 'you know', 'plus', 'ach ja', 'oh and', 'and also', 'und auch', 'naja', 'na ja', 'well',
];

/** Opener words as a set (one word) and as "first second" keys (two words). */
const ONE_WORD = new Set(CLAUSE_OPENERS.filter((o) => !o.includes(' ') && o !== 'also'));
const TWO_WORDS = new Set(CLAUSE_OPENERS.filter((o) => o.includes(' ')));
/** Characters that end a clause ("-" only between spaces: "E-Mail" is one word). */
const BREAK_CHARS = new Set([...'.;!?\n()[]–—…,']);

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|\p{Extended_Pictographic}/gu;

/** A word of the answer with its clause (index into the clauses). */
export interface Word {
  t: string;
  start: number;
  end: number;
  clause: number;
}

/**
 * Words and clauses of a lower-cased answer in one pass. A clause ends at punctuation (or " - ")
 * and before a word that opens a new clause in speech (the opener belongs to the clause it opens:
 * "aber Teams"). Clauses span from their first to their last word.
 */
export function scanText(lower: string): { words: Word[]; clauses: Clause[] } {
  const words: Word[] = [];
  const clauses: Clause[] = [];
  let clauseStart = -1;
  let prevEnd = 0;
  const close = (): void => {
    if (clauseStart >= 0) clauses.push({ start: clauseStart, end: prevEnd });
    clauseStart = -1;
  };
  WORD_RE.lastIndex = 0;
  let m = WORD_RE.exec(lower);
  while (m !== null) {
    const start = m.index;
    const t = m[0].replace(/’/g, "'");
    const next = WORD_RE.exec(lower);
    if (clauseStart >= 0) {
      let broken = false;
      for (let i = prevEnd; i < start && !broken; i++) {
        if (BREAK_CHARS.has(lower[i])) broken = true;
        else if (lower[i] === '-' && i > prevEnd && i + 1 < start && lower[i - 1] === ' ' && lower[i + 1] === ' ') broken = true;
      }
      if (broken || ONE_WORD.has(t) || (next !== null && TWO_WORDS.has(`${t} ${next[0]}`))) close();
    }
    if (clauseStart < 0) clauseStart = start;
    prevEnd = start + t.length;
    words.push({ t, start, end: prevEnd, clause: clauses.length });
    m = next;
  }
  close();
  if (clauses.length === 0) clauses.push({ start: 0, end: lower.length });
  return { words, clauses };
}

/** Clauses of a lower-cased answer, in order (see scanText). */
export function clausesOf(lower: string): Clause[] {
  return scanText(lower).clauses;
}

/** The word list each pattern was built from (for the word prefilter below). */
const WORDS_OF = new WeakMap<RegExp, string[]>();
const rx = (words: string[]): RegExp => {
  const re = new RegExp(`${WS}(?:${words.join('|')})${WE}`, 'u');
  WORDS_OF.set(re, words);
  return re;
};
const rxg = (words: string[]): RegExp => {
  const re = new RegExp(`${WS}(?:${words.join('|')})${WE}`, 'gu');
  WORDS_OF.set(re, words);
  return re;
};

/** The channel is no longer used / only in the past. */
const DROPPED = rx([
  'nicht mehr', 'kaum (?:noch|mehr)', 'nie mehr', 'gar nicht mehr', 'abgeschafft', 'abgeschaltet', 'abgelöst', 'eingestellt', 'ausgemustert', 'gestrichen',
  'weggefallen', 'abgeklemmt', 'no longer', 'not any ?more', 'any ?more', 'no more', 'stopped', 'gave up', 'given up', 'got rid of', 'dropped', 'abandoned',
  'retired', 'phased out', 'scrapped', 'früher', 'frueher', 'used to', 'formerly', 'in the past', 'back then', 'damals', 'previously', 'killed', 'shut down',
  'hatten wir (?:mal|früher|einmal)', 'gab es (?:mal|früher)', 'gabs (?:mal|früher)', 'is gone', 'went away', 'hardly ever', 'barely', 'selten', 'rarely', 'seldom',
  'kaum', 'hardly',
]);

/** A wish, plan or lack: not current use. */
const WISH = rx([
  'wünsch\\p{L}*', 'wish\\p{L}*', 'wär(?:e|en)?', 'waer(?:e|en)?', 'hätte(?:n)? (?:ich |wir )?gern', 'würde(?:n)? (?:ich |wir )?(?:gern|lieber)',
  'would (?:like|love|prefer|be (?:nice|great|good|helpful|cool))', "i'?d (?:like|love|prefer)", 'hope', 'hoffe\\p{L}*', 'hopefully', 'sollte(?:n)?', 'should',
  'bräuchte\\p{L}*', 'braeuchte\\p{L}*', 'fehlt', 'fehlen', 'missing', 'lack(?:s|ing)?', 'gibt es (?:bei uns )?(?:noch )?(?:nicht|kein\\p{L}*)', "gibt'?s (?:bei uns )?(?:noch )?(?:nicht|kein\\p{L}*)",
  'haben wir (?:noch )?(?:nicht|kein\\p{L}*)', "we (?:don'?t|do not) have", "there (?:is|are)(?:n'?t| no)", 'bald', 'soon', 'geplant', 'planned', 'plan(?:s|ning)? to',
  'going to (?:introduce|get|roll)', 'will be (?:introduced|rolled)', 'soll(?:en)? (?:bald |demnächst |noch )?(?:eingeführt|kommen)', 'demnächst', 'in (?:the )?future',
  'künftig', 'zukünftig', 'angedacht', 'eines tages', 'someday', 'dream\\p{L}*', 'traum\\p{L}*', 'pilot\\p{L}*', 'testphase', 'trial',
]);

/** People outside the organisation. */
const OUTSIDER = rx([
  'kunde', 'kunden', 'kundin', 'customers?', 'clients?', 'extern\\p{L}*', 'externals?', 'lieferant\\p{L}*', 'suppliers?', 'vendors?', 'agentur\\p{L}*',
  'agenc\\p{L}+', 'bürger\\p{L}*', 'patient\\p{L}*', 'angehörig\\p{L}*', 'relatives', 'freunde\\p{L}*', 'friends', 'privat\\p{L}*', 'private', 'außerhalb',
  'outside', 'familie', 'family', 'eltern', 'parents', 'partner\\p{L}*', 'gäste', 'guests', 'mieter\\p{L}*', 'tenants?', 'bewerber\\p{L}*', 'applicants?',
]);
const ONLY = rx(['nur', 'only', 'just', 'ausschließlich', 'ausschliesslich', 'lediglich', 'exclusively', 'solely', 'mainly', 'hauptsächlich']);
const INSIDER = rx([
  'kolleg\\p{L}*', 'colleagues?', 'team\\p{L}*', 'intern\\p{L}*', 'abteilung\\p{L}*', 'chef\\p{L}*', 'boss', 'manager\\p{L}*', 'vorgesetzt\\p{L}*', 'mitarbeit\\p{L}*',
  'staff', 'coworkers?', 'co-workers?', 'crew', 'schicht\\p{L}*', 'station', 'ward', 'meister\\p{L}*', 'leitung', 'we', 'us', 'wir', 'uns', 'each other', 'untereinander',
]);

/** Negators that scope what follows them in the clause (or the whole clause when they come last). */
const NEGATOR = rxg([
  'kein(?:e|en|er|em|es)?', 'keinerlei', 'nicht', 'nich', 'net', 'nie', 'niemals', 'no', 'not', "n't", 'never', 'niemand', 'nobody', 'no one', 'noone',
  'weder', 'neither', 'nor', 'ohne', 'without', 'statt', 'anstatt', 'anstelle', 'instead of', 'rather than', 'untersagt', 'verboten', 'banned', 'prohibited',
  'not allowed', 'nicht erlaubt', 'nicht gestattet', 'gesperrt', 'blocked', 'forbidden', 'refuse\\p{L}*', 'weigere', 'nix', 'nichts', 'nothing', 'none',
]);
/** Negator followed by these is not a negation of use ("nicht nur", "not only", "nicht so oft", "kein Problem"). */
const NOT_NEGATING_AFTER = /^\s*(?:nur|only|just|immer|always|so|ganz|unbedingt|wirklich|really|mehr als|more than|selten|zu|too|problem|issue|big deal|joke|wunder|schlecht|bad|wenig|little|ohne|without)(?![\p{L}\p{N}])/u;
/** "ohne X geht nichts", "couldn't live without": the opposite of a negation. */
const ESSENTIAL = rx(['geht (?:gar )?(?:nichts|nix)', 'läuft (?:gar )?(?:nichts|nix)', "(?:could|can)(?:n'?t| not) (?:live|work|do|cope|survive) without", 'unverzichtbar', 'indispensable']);
/** "X wurde durch Y ersetzt", "switched from X to Y": X is dropped, Y is current. */
const REPLACE_VERB = rx(['ersetzt', 'abgelöst', 'replaced', 'umgestiegen', 'gewechselt', 'switched', 'moved', 'migrated', 'umgestellt', 'swapped', 'zugunsten']);
const REPLACER = rxg(['durch', 'by', 'with', 'mit', 'auf', 'to', 'zu', 'zugunsten von', 'in favou?r of', 'for']);
const FROM = rx(['von', 'from']);

/**
 * Scope ranges of a lower-cased answer: stretches where a mentioned channel is not a channel in use
 * with colleagues today. Each range lies inside one clause.
 */
export function scopeRanges(lower: string, clauses: Clause[], clauseMasks?: Int32Array): ScopeRange[] {
  const out: ScopeRange[] = [];
  for (let ci = 0; ci < clauses.length; ci++) {
    const c = clauses[ci];
    // Patterns no word of the clause could take part in are not run (see clauseWordMask).
    const mask = clauseMasks ? clauseMasks[ci] : -1;
    if ((mask & (B_REPLACE | B_DROPPED | B_WISH | B_OUTSIDER | B_NEGATOR)) === 0) continue;
    const text = lower.slice(c.start, c.end);
    // Replacement: what comes before the replacer (or after "from") is dropped, what follows is current.
    if ((mask & B_REPLACE) !== 0 && REPLACE_VERB.test(text)) {
      const from = FROM.exec(text);
      REPLACER.lastIndex = from ? from.index + from[0].length : 0;
      const by = REPLACER.exec(text);
      if (from && by) {
        out.push({ start: c.start + from.index, end: c.start + by.index, kind: 'drop' });
        continue;
      }
      if (by && !from) {
        out.push({ start: c.start, end: c.start + by.index, kind: 'drop' });
        continue;
      }
    }
    if ((mask & B_DROPPED) !== 0 && DROPPED.test(text)) {
      out.push({ start: c.start, end: c.end, kind: 'drop' });
      continue;
    }
    if ((mask & B_WISH) !== 0 && WISH.test(text)) {
      out.push({ start: c.start, end: c.end, kind: 'wish' });
      continue;
    }
    if ((mask & B_OUTSIDER) !== 0 && OUTSIDER.test(text) && (ONLY.test(text) || !INSIDER.test(text))) {
      out.push({ start: c.start, end: c.end, kind: 'outsider' });
      continue;
    }
    if ((mask & B_ESSENTIAL) !== 0 && ESSENTIAL.test(text)) continue;
    if ((mask & B_NEGATOR) === 0) continue;
    NEGATOR.lastIndex = 0;
    for (let m = NEGATOR.exec(text); m !== null; m = NEGATOR.exec(text)) {
      const after = text.slice(m.index + m[0].length);
      if (NOT_NEGATING_AFTER.test(after)) continue;
      // Verb-final negation ("Slack nutzen wir nicht", "Mails krieg ich keine"): the negator is among
      // the clause's last three words, and scopes the whole clause. Otherwise it scopes what follows.
      const wordsAfter = after.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '').length;
      const start = wordsAfter <= 2 ? c.start : c.start + m.index;
      out.push({ start, end: c.end, kind: 'neg' });
      break;
    }
  }
  return out;
}

/**
 * Word prefilter for the clause patterns: every match of one of these patterns contains, inside
 * one word of the clause, the longest run of letters/digits of one of its alternatives' required
 * literals (coding/lexicon.ts cueLiterals). A clause none of whose words contains such a piece
 * cannot match the pattern, so the pattern is not run there. Bit i stands for FILTERED[i].
 */
const FILTERED_NAMES = ['REPLACE_VERB', 'DROPPED', 'WISH', 'OUTSIDER', 'ESSENTIAL', 'NEGATOR', 'MAIN', 'CONCEDE', 'CONTRAST'] as const;
let prefilter: { pieces: Array<[string, number]>; always: number; filtered: RegExp[] } | null = null;
function prefilterTable(): { pieces: Array<[string, number]>; always: number; filtered: RegExp[] } {
  if (prefilter) return prefilter;
  const filtered = [REPLACE_VERB, DROPPED, WISH, OUTSIDER, ESSENTIAL, NEGATOR, MAIN, CONCEDE, CONTRAST];
  const bits = new Map<string, number>();
  let always = 0;
  filtered.forEach((re, i) => {
    for (const alt of WORDS_OF.get(re) ?? []) {
      const lits = cueLiterals([alt]);
      if (lits === null || lits.length === 0) {
        always |= 1 << i;
        continue;
      }
      for (const lit of lits) {
        let piece = '';
        for (const m of lit.matchAll(/[\p{L}\p{N}]+/gu)) if (m[0].length > piece.length) piece = m[0];
        if (piece === '') always |= 1 << i;
        else bits.set(piece, (bits.get(piece) ?? 0) | (1 << i));
      }
    }
  });
  return (prefilter = { pieces: [...bits.entries()], always, filtered });
}
const wordMasks = new Map<string, number>();
/** Which of the clause patterns a word could take part in (bit i: FILTERED_NAMES[i]). */
export function clauseWordMask(word: string): number {
  let m = wordMasks.get(word);
  if (m === undefined) {
    const t = prefilterTable();
    m = t.always;
    for (const [piece, bit] of t.pieces) if ((m & bit) !== bit && word.includes(piece)) m |= bit;
    if (wordMasks.size < 200_000) wordMasks.set(word, m);
  }
  return m;
}
const bitOf = (name: (typeof FILTERED_NAMES)[number]): number => 1 << FILTERED_NAMES.indexOf(name);
const B_REPLACE = bitOf('REPLACE_VERB');
const B_DROPPED = bitOf('DROPPED');
const B_WISH = bitOf('WISH');
const B_OUTSIDER = bitOf('OUTSIDER');
const B_ESSENTIAL = bitOf('ESSENTIAL');
const B_NEGATOR = bitOf('NEGATOR');
const B_MAIN = bitOf('MAIN');
const B_CONCEDE = bitOf('CONCEDE');
const B_CONTRAST = bitOf('CONTRAST');

/** The range kind at a position, or null when the position is in no range. */
export function scopeAt(ranges: ScopeRange[], pos: number): ScopeKind | null {
  for (const r of ranges) if (pos >= r.start && pos < r.end) return r.kind;
  return null;
}

/** Markers of the main problem ("the biggest one", "das größere Problem ist", "vor allem"). */
const MAIN = rx([
  'biggest', 'bigger', 'main', 'major', 'largest', 'worst', 'hardest', 'real (?:problem|issue|challenge)', 'mostly', 'above all', 'primarily', 'first and foremost',
  'number one', 'key (?:problem|issue|challenge)', 'größte\\p{L}*', 'groesste\\p{L}*', 'grösste\\p{L}*', 'größere\\p{L}*', 'grössere\\p{L}*', 'groessere\\p{L}*',
  'haupt\\p{L}*', 'vor allem', 'in erster linie', 'schlimmste\\p{L}*', 'schlimmer', 'worse', 'eigentliche\\p{L}*', 'wirkliche\\p{L}*', 'am meisten', 'the most',
  'das problem ist', 'the problem is', 'the issue is', 'kernproblem', 'knackpunkt',
]);
/** Markers that concede a point before the real one ("X is fine apart from Y", "klar …, aber", "zwar"). */
const CONCEDE = rx([
  'zwar', 'klar', 'sure', 'okay(?:-ish)?', 'ok', 'fine', 'passt', 'geht so', 'ganz gut', 'not bad', 'alright', 'gut', 'in ordnung', 'kein problem', 'no problem',
  'not the (?:problem|issue)', 'nicht das problem', 'weniger', 'less', 'minor', 'kleiner\\p{L}*', 'auch mal', 'sometimes', 'manchmal', 'ab und zu', 'nebenbei',
  'secondary', 'zweitrangig', 'ein bisschen', 'a bit', 'bisschen', 'slightly', 'apart from that', 'otherwise',
]);
const CONTRAST = rx(['aber', 'but', 'jedoch', 'however', 'sondern', 'allerdings', 'trotzdem', 'yet', 'apart from', 'abgesehen', 'bis auf', 'except']);

/** A main-problem marker that only introduces what follows ("the biggest one is", "das größere Problem ist"). */
const INTRODUCES = /(?:\b(?:is|are|sind|ist|wäre|war|was)|:)\s*$/u;

/**
 * Weight of each clause for the dominant obstacle of a q3 answer: a clause with a main-problem
 * marker counts most (and passes that to the next clause when it only introduces it: "das größere
 * Problem ist | aber die Einstellung"); clauses conceded before a contrast ("Klar, | die Rechner
 * sind alt. | Das größere Problem ist aber …", "the kit itself is okay-ish | apart from …") count
 * little; the clause a contrast opens gains.
 */
export function dominanceWeights(lower: string, clauses: Clause[], clauseMasks?: Int32Array): Float64Array {
  const n = clauses.length;
  const w = new Float64Array(n).fill(1);
  const text = clauses.map((c) => lower.slice(c.start, c.end));
  const may = (k: number, bit: number): boolean => !clauseMasks || (clauseMasks[k] & bit) !== 0;
  const main = text.map((t, k) => may(k, B_MAIN) && MAIN.test(t));
  let concededFrom = -1;
  for (let k = 0; k < n; k++) {
    const contrast = k > 0 && may(k, B_CONTRAST) && CONTRAST.test(text[k].slice(0, 24));
    if (contrast) {
      if (concededFrom >= 0) for (let j = concededFrom; j < k; j++) if (!main[j]) w[j] *= 0.4;
      w[k] *= 1.5;
      concededFrom = -1;
    }
    if (main[k]) {
      w[k] *= 3;
      const words = text[k].split(/[^\p{L}\p{N}]+/u).filter((x) => x !== '').length;
      if (k + 1 < n && (words <= 5 || INTRODUCES.test(text[k]))) w[k + 1] *= 3;
    }
    // A concession holds for the clauses that follow it, until a contrast resolves it.
    if (concededFrom < 0 && !main[k] && may(k, B_CONCEDE) && CONCEDE.test(text[k])) concededFrom = k;
  }
  return w;
}
