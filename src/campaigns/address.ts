import type { Address } from '../shared/i18n/index.js';

/**
 * Du or Sie: how a campaign addresses its respondents in German (the campaign's `address`).
 * Every respondent-facing interface text follows it (src/shared/i18n/parts/du.ts); the texts a
 * lead writes (title, description, questions, groups) are theirs, so the campaign page points
 * out German wording that uses the other form.
 *
 * The detection is a heuristic for German only:
 * - informal: du, dich, dir, dein…, euch, euer, eure…; and "ihr" as the plural pronoun
 *   (lower case, or "Ihr" before a verb/adverb or punctuation: "Wie arbeitet Ihr heute?");
 * - formal: Sie, Ihnen, Ihre…, and "Ihr" before a noun or an adjective ("Ihr Arbeitsplatz",
 *   "Ihr neuer Arbeitsplatz").
 * "Sie" at the start of a sentence may mean "they"; it is counted as formal all the same (a lead
 * writing in Du rarely starts a sentence with "they").
 */
const INFORMAL = [
  /(?<![\p{L}])(?:du|dich|dir|dein|deine|deinem|deinen|deiner|deines|euch|euer|eure|eurem|euren|eurer|eures)(?![\p{L}])/iu,
  /(?<![\p{L}])ihr(?![\p{L}])/u,
  /(?<![\p{L}])Ihr(?=\s*(?:[.,;:!?)]|$))/u,
  /(?<![\p{L}])Ihr\s+(?![\p{Ll}]+(?:er|es|em|en)(?![\p{L}]))\p{Ll}/u,
];
const FORMAL = [/(?<![\p{L}])(?:Sie|Ihnen|Ihre|Ihrem|Ihren|Ihrer|Ihres)(?![\p{L}])/u, /(?<![\p{L}])Ihr\s+(?:\p{Lu}|\p{Ll}+(?:er|es|em|en)(?![\p{L}]))/u];

/** The address forms a German text uses (empty when it uses none). */
export function addressFormsIn(text: string): Address[] {
  const found: Address[] = [];
  if (INFORMAL.some((re) => re.test(text))) found.push('du');
  if (FORMAL.some((re) => re.test(text))) found.push('sie');
  return found;
}

/** True when `text` addresses the reader in the other form than `address`. */
export function usesOtherAddress(text: string, address: Address): boolean {
  return addressFormsIn(text).some((form) => form !== address);
}

interface Texts {
  address?: string | null;
  languages: string[];
  title: string;
  description?: string | null;
  questions: Array<{ key: string; prompt: { de?: string | null } }>;
  segments: Array<{ key: string; label: { de?: string | null }; options: Array<{ label: { de?: string | null } }> }>;
}

export type AddressIssue = { kind: 'title' | 'description' } | { kind: 'question'; n: number } | { kind: 'segment'; label: string };

/** The German texts of a campaign that address respondents in the other form. */
export function addressIssues(c: Texts): AddressIssue[] {
  if (!c.languages.includes('de')) return [];
  const address: Address = c.address === 'du' ? 'du' : 'sie';
  const out: AddressIssue[] = [];
  if (usesOtherAddress(c.title, address)) out.push({ kind: 'title' });
  if (usesOtherAddress(c.description ?? '', address)) out.push({ kind: 'description' });
  c.questions.forEach((q, i) => {
    if (usesOtherAddress(q.prompt.de ?? '', address)) out.push({ kind: 'question', n: i + 1 });
  });
  for (const s of c.segments) {
    const texts = [s.label.de ?? '', ...s.options.map((o) => o.label.de ?? '')];
    if (texts.some((x) => usesOtherAddress(x, address))) out.push({ kind: 'segment', label: s.label.de || s.key });
  }
  return out;
}
