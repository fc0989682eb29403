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

/** tokenize() for text already passed through lowerText(). */
export function tokenizeLower(lower: string): string[] {
  const out: string[] = [];
  const re = TOKEN_RE;
  re.lastIndex = 0;
  for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
    const t = m[0];
    out.push(t.includes('’') ? t.replace(/’/g, "'") : t);
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
