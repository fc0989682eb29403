/**
 * Unicode-correct tokenization. natural's AggressiveTokenizerDe splits on [^a-zA-Z0-9äöüÄÖÜß] after
 * lower-casing only some letters and so drops a leading capital umlaut ("Über" → "ber"); we lower-case
 * first and match letters with \p{L}, which also keeps é, ñ, ł and Denglisch words intact.
 */

/** Words (letters/digits, joined by inner hyphens or apostrophes) or single emoji. */
const TOKEN_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|\p{Extended_Pictographic}/gu;

/**
 * The text the engine works on: NFC, lower-cased. (`toLowerCase` is what `toLocaleLowerCase('de-DE')`
 * does; only Turkish, Azeri, Lithuanian and Greek lower-case differently, and it skips a locale lookup.)
 */
export function lowerText(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Lower-cased surface tokens; hyphenated words ("E-Mail", "CC-Sachen") become their parts. */
export function tokenize(text: string): string[] {
  return tokenizeLower(lowerText(text));
}

/**
 * Character classes below U+0250 for the hand-written scanner: 1 letter, 2 digit/other number,
 * 3 Extended_Pictographic (© ®), 0 anything else. Derived from the same Unicode properties as TOKEN_RE.
 */
const LATIN_LIMIT = 0x250;
const CLASS = ((): Uint8Array => {
  const t = new Uint8Array(LATIN_LIMIT);
  for (let c = 0; c < LATIN_LIMIT; c++) {
    const ch = String.fromCharCode(c);
    t[c] = /\p{L}/u.test(ch) ? 1 : /\p{N}/u.test(ch) ? 2 : /\p{Extended_Pictographic}/u.test(ch) ? 3 : 0;
  }
  return t;
})();

/** tokenize() for text already passed through lowerText(). */
export function tokenizeLower(lower: string): string[] {
  const fast = scanLatin(lower);
  if (fast !== null) return fast;
  const out: string[] = [];
  const re = TOKEN_RE;
  re.lastIndex = 0;
  for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
    const t = m[0];
    out.push(t.includes('’') ? t.replace(/’/g, "'") : t);
  }
  return out;
}

/**
 * TOKEN_RE by hand for texts whose characters are all below U+0250 (no ’, no emoji beyond © ®):
 * a run of letters/digits, then optionally ' and a run of letters; or one © / ®. Returns null for
 * other texts, which take the regex.
 */
function scanLatin(text: string): string[] | null {
  const n = text.length;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) >= LATIN_LIMIT) return null;
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const k = CLASS[text.charCodeAt(i)];
    if (k === 0) {
      i++;
      continue;
    }
    if (k === 3) {
      out.push(text[i]);
      i++;
      continue;
    }
    const start = i;
    while (i < n && (CLASS[text.charCodeAt(i)] === 1 || CLASS[text.charCodeAt(i)] === 2)) i++;
    if (i + 1 < n && text.charCodeAt(i) === 0x27 && CLASS[text.charCodeAt(i + 1)] === 1) {
      i += 2;
      while (i < n && CLASS[text.charCodeAt(i)] === 1) i++;
    }
    out.push(text.slice(start, i));
  }
  return out;
}

/** True for emoji tokens (kept as features: a 😩 under "challenges" is evidence too). */
export function isEmoji(token: string): boolean {
  return EMOJI_RE.test(token);
}
const EMOJI_RE = /^\p{Extended_Pictographic}$/u;

/** True for tokens made only of digits (dropped from features: "150 Mails" is about mails). */
export function isNumeric(token: string): boolean {
  // Char-code loop: a regex per token showed up in profiles at 100,000 answers.
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return token.length > 0;
}
