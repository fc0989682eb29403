/**
 * The theme board's corrections folded into what the engine needs — pure, no I/O.
 *
 * A lead's corrections are stored one document each (see board-correction.model.ts). Before a run,
 * and for every board page, they are replayed in the order they were made over the built-in
 * codebook:
 *  - renames set a code's DE/EN name;
 *  - merges move a code's examples and cues into the surviving code, drop it from the codebook and
 *    map its id to the survivor (in older corrections too);
 *  - splits (and naming an emergent cluster) create a campaign code whose examples are the answers
 *    that were moved into it;
 *  - answer-level corrections (move, add/remove codes, challenge type) become the engine's
 *    `corrections`: they override exactly these answers and train the classifier, so similar
 *    answers follow.
 * Undoing a correction is deleting its document: the next fold simply no longer sees it.
 */
import { BUILTIN_CODEBOOK, cloneCodebook, groupForQuestion, roleOfQuestion } from '../analysis/index.js';
import type { AnalysisAnswer, ChallengeType, Codebook, CodeDefinition, CodeGroup, Correction } from '../analysis/index.js';

export const CORRECTION_KINDS = ['rename', 'merge', 'split', 'move', 'codes', 'answer_type', 'code_type'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

/** What one stored correction says (the document minus who/when). */
export interface CorrectionData {
  id: string;
  kind: CorrectionKind;
  /** The engine's question (role name for q1..q4, the key for custom questions). */
  question: string;
  /** The theme the correction is about: a code id … */
  code?: string;
  /** … or an emergent cluster of the run it was made on. */
  cluster?: string;
  /** merge: the surviving code. move: the target code. */
  into?: string;
  /** split, or naming a cluster: the id of the code created. */
  newCode?: string;
  name?: { de: string; en: string };
  /** code_type: the challenge code's new type; split in q3: the new code's type. */
  challengeType?: ChallengeType;
  /** The answers this correction sets, each with its complete codes and/or challenge type. */
  assign?: Array<{ answer: string; codes?: string[]; challengeType?: ChallengeType }>;
}

export interface BoardState {
  /** The campaign's codebook after all renames, merges and new codes. */
  codebook: Codebook;
  /** Merged code id → surviving code id (per group; ids are unique across the built-in groups). */
  aliases: Map<string, string>;
  /** Answer id → the codes the lead set (already mapped through merges, only existing codes). */
  answerCodes: Map<string, string[]>;
  /** Answer id → the challenge type the lead set. */
  answerTypes: Map<string, ChallengeType>;
  /** Codes created on the board (split / named cluster) → the correction that created them. */
  created: Map<string, string>;
  /** Engine corrections (answers whose text is known): override and train. */
  corrections: Correction[];
  /** True when any correction changed the codebook (renames, merges, new codes, types). */
  codebookChanged: boolean;
}

/** At most this many answers become example phrases of a code created on the board. */
const MAX_EXAMPLES = 40;

function groupOf(book: Codebook, question: string, create: boolean): CodeGroup | undefined {
  const g = groupForQuestion(book, question);
  if (g || !create || roleOfQuestion(question) !== 'custom') return g;
  // A custom question has no codes until the lead creates the first one on the board.
  const fresh: CodeGroup = { role: 'custom', question: question.trim(), output: 'themes', codes: [] };
  book.groups.push(fresh);
  return fresh;
}

/** Follows merge aliases to the surviving code. */
export function resolveCode(aliases: Map<string, string>, code: string): string {
  let c = code;
  for (let i = 0; i < 50 && aliases.has(c); i++) c = aliases.get(c)!;
  return c;
}

/** A code id for a new theme: `custom_<slug>_<suffix>` (codebook ids are lower-case snake_case). */
export function newCodeId(name: string, suffix: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30);
  return `custom_${slug || 'theme'}_${suffix.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/**
 * Replays `corrections` (oldest first) over `base`.
 * @param answers the run's answers (id → text, language, question) for examples and engine corrections
 */
export function foldCorrections(corrections: readonly CorrectionData[], answers: ReadonlyMap<string, Pick<AnalysisAnswer, 'text' | 'lang' | 'question'>>, base: Codebook = BUILTIN_CODEBOOK): BoardState {
  const codebook = cloneCodebook(base);
  const aliases = new Map<string, string>();
  const rawCodes = new Map<string, string[]>();
  const answerTypes = new Map<string, ChallengeType>();
  const created = new Map<string, string>();
  let codebookChanged = false;

  for (const c of corrections) {
    const group = groupOf(codebook, c.question, Boolean(c.newCode));
    const find = (id: string | undefined): CodeDefinition | undefined => (id && group ? group.codes.find((x) => x.id === resolveCode(aliases, id)) : undefined);
    if (c.newCode && group && !group.codes.some((x) => x.id === c.newCode) && !aliases.has(c.newCode)) {
      const name = c.name ?? { de: c.newCode, en: c.newCode };
      const def: CodeDefinition = { id: c.newCode, name: { ...name }, definition: { ...name }, examples: { de: [], en: [] } };
      if (group.role === 'challenges') def.type = c.challengeType ?? 'technical';
      group.codes.push(def);
      created.set(c.newCode, c.id);
      codebookChanged = true;
    }
    if (c.kind === 'rename' && !c.newCode && c.name) {
      const code = find(c.code);
      if (code) {
        code.name = { de: c.name.de || code.name.de, en: c.name.en || code.name.en };
        codebookChanged = true;
      }
    }
    if (c.kind === 'merge' && c.code && c.into && group) {
      const from = find(c.code);
      const to = find(c.into);
      if (from && to && from !== to) {
        to.examples = { de: [...to.examples.de, ...from.examples.de], en: [...to.examples.en, ...from.examples.en] };
        if (from.cues?.length) to.cues = [...(to.cues ?? []), ...from.cues];
        if (from.weakCues?.length) to.weakCues = [...(to.weakCues ?? []), ...from.weakCues];
        group.codes = group.codes.filter((x) => x !== from);
        aliases.set(from.id, to.id);
        codebookChanged = true;
      }
    }
    if (c.kind === 'code_type' && c.challengeType) {
      const code = find(c.code);
      if (code && group?.role === 'challenges') {
        code.type = c.challengeType;
        codebookChanged = true;
      }
    }
    for (const a of c.assign ?? []) {
      if (a.codes) rawCodes.set(a.answer, a.codes.slice());
      if (a.challengeType) answerTypes.set(a.answer, a.challengeType);
    }
  }

  // Answer-level codes through the final merges, keeping only codes that still exist.
  const answerCodes = new Map<string, string[]>();
  for (const [id, codes] of rawCodes) {
    const a = answers.get(id);
    const group = a ? groupForQuestion(codebook, a.question) : undefined;
    const known = new Set(group?.codes.map((x) => x.id) ?? []);
    const mapped = [...new Set(codes.map((x) => resolveCode(aliases, x)))].filter((x) => !a || known.has(x));
    answerCodes.set(id, mapped);
  }

  // Codes made on the board learn from the answers the lead put into them.
  for (const g of codebook.groups) {
    for (const code of g.codes) {
      if (!created.has(code.id)) continue;
      for (const [id, codes] of answerCodes) {
        if (!codes.includes(code.id)) continue;
        const a = answers.get(id);
        if (!a || code.examples.de.length + code.examples.en.length >= MAX_EXAMPLES) continue;
        (a.lang === 'en' ? code.examples.en : code.examples.de).push(a.text);
      }
    }
  }

  const engine: Correction[] = [];
  for (const id of [...new Set([...answerCodes.keys(), ...answerTypes.keys()])].sort()) {
    const a = answers.get(id);
    if (!a) continue; // the response was deleted (or purged): its correction no longer trains
    const group = groupForQuestion(codebook, a.question);
    const corr: Correction = { text: a.text, question: a.question };
    if (a.lang) corr.lang = a.lang;
    const codes = answerCodes.get(id);
    if (codes && group) corr[group.output] = codes;
    const type = answerTypes.get(id);
    if (type && group?.role === 'challenges') corr.challenge_type = type;
    if (corr.channels || corr.themes || corr.features || corr.challenge_type) engine.push(corr);
  }

  return { codebook, aliases, answerCodes, answerTypes, created, corrections: engine, codebookChanged };
}
