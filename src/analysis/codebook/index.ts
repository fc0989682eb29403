import { z } from 'zod';
import type { Codebook, CodeGroup, QuestionRole } from '../types.js';
import { CHALLENGE_CODES } from './challenges.js';
import { CHANNEL_CODES } from './channels.js';
import { FEATURE_CODES } from './features.js';
import { MEANING_CODES } from './themes.js';

/**
 * The built-in digital-workplace codebook. Ids are exactly those of the shared codebook.json; names,
 * definitions, examples and cues are our own writing.
 */
export const BUILTIN_CODEBOOK: Codebook = {
  version: 'dwp-1',
  groups: [
    { role: 'current_practice', output: 'channels', codes: CHANNEL_CODES },
    { role: 'meaning', output: 'themes', codes: MEANING_CODES },
    { role: 'challenges', output: 'themes', codes: CHALLENGE_CODES },
    { role: 'future', output: 'features', codes: FEATURE_CODES },
  ],
};

const ROLE_BY_KEY: Record<string, QuestionRole> = {
  q1: 'current_practice',
  q2: 'meaning',
  q3: 'challenges',
  q4: 'future',
};
const ROLES = new Set<string>(['current_practice', 'meaning', 'challenges', 'future']);

/** Maps q1..q4 or a role name to the role; anything else is a custom question. */
export function roleOfQuestion(question: string): QuestionRole {
  const q = question.trim().toLowerCase();
  if (ROLE_BY_KEY[q]) return ROLE_BY_KEY[q];
  if (ROLES.has(q)) return q as QuestionRole;
  return 'custom';
}

/** True when the question is q1..q4 or one of the four role names. */
export function isKnownQuestion(question: string): boolean {
  return roleOfQuestion(question) !== 'custom';
}

/** The code group that applies to a question: by role for q1..q4, by question key for custom groups. */
export function groupForQuestion(codebook: Codebook, question: string): CodeGroup | undefined {
  const role = roleOfQuestion(question);
  if (role === 'custom') {
    return codebook.groups.find((g) => g.role === 'custom' && g.question === question.trim());
  }
  return codebook.groups.find((g) => g.role === role);
}

const localized = z.object({ de: z.string(), en: z.string() });
const codeSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'code ids are lower-case snake_case'),
  name: localized,
  definition: localized,
  examples: z.object({ de: z.array(z.string()), en: z.array(z.string()) }),
  cues: z.array(z.string()).optional(),
  weakCues: z.array(z.string()).optional(),
  type: z.enum(['technical', 'cultural']).optional(),
  requirement: localized.optional(),
  remedy: localized.optional(),
});
const codebookSchema = z.object({
  version: z.string(),
  groups: z.array(
    z.object({
      role: z.enum(['current_practice', 'meaning', 'challenges', 'future', 'custom']),
      question: z.string().optional(),
      output: z.enum(['channels', 'themes', 'features']),
      codes: z.array(codeSchema),
    }),
  ),
});

/**
 * Validates a codebook received as plain data (a campaign's edited copy): shape, unique ids per
 * group, compilable cues, and types on every challenge code. Throws with a readable message.
 */
export function validateCodebook(input: unknown): Codebook {
  const book = codebookSchema.parse(input) as Codebook;
  for (const g of book.groups) {
    const seen = new Set<string>();
    for (const c of g.codes) {
      if (seen.has(c.id)) throw new Error(`codebook: duplicate code id "${c.id}" in group ${g.role}`);
      seen.add(c.id);
      for (const cue of [...(c.cues ?? []), ...(c.weakCues ?? [])]) {
        try {
          new RegExp(cue, 'u');
        } catch {
          throw new Error(`codebook: cue /${cue}/ of code "${c.id}" is not a valid regular expression`);
        }
      }
      if (g.role === 'challenges' && !c.type) throw new Error(`codebook: challenge code "${c.id}" needs a type`);
    }
  }
  return book;
}

/** Code ids per output group of the built-in codebook, in codebook.json's vocabulary. */
export function codeIds(codebook: Codebook = BUILTIN_CODEBOOK): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of codebook.groups) out[g.role === 'custom' ? `custom:${g.question}` : g.role] = g.codes.map((c) => c.id);
  return out;
}

/** Deep copy, so a campaign can edit its codebook without touching the built-in one. */
export function cloneCodebook(codebook: Codebook = BUILTIN_CODEBOOK): Codebook {
  return structuredClone(codebook);
}
