import { roleOfQuestion } from '../codebook/index.js';
import type { TextPipeline } from '../text/features.js';
import { tokenize } from '../text/tokenize.js';
import type { ChallengeType, CodeGroup, Correction } from '../types.js';
import { SparseBayes } from './classifier.js';
import { compileGroup, matchLexicon, type CompiledGroup, type LexiconHit } from './lexicon.js';

/** Everything trained once per run for one code group. */
export interface TrainedGroup {
  compiled: CompiledGroup;
  bayes: SparseBayes;
  /** Only for the challenges group: technical vs cultural. */
  typeBayes?: SparseBayes;
  typeOf: Map<string, ChallengeType>;
  /** Normalised correction text → the lead's codes (exact repeats get the lead's answer). */
  memory: Map<string, { codes?: string[]; challenge_type?: ChallengeType }>;
  /** Number of corrections that trained this group (more → trust the classifier more). */
  corrections: number;
  /** Stems the lead's corrections tie to one code (≥2 corrections, ≥80 % of their uses): learned cues. */
  learned: Map<string, string>;
  /** Reused per answer: posteriors by label index, and where each code / type sits in them. */
  scratch: { post: Float64Array; labelOfCode: number[]; typePost: Float64Array; technical: number; cultural: number };
}

export interface CodedAnswer {
  codes: string[];
  challenge_type?: ChallengeType;
  challenge_confidence?: number;
  /** Per-code combined score, used for clustering and the "covered by a code" test. */
  scores: Record<string, number>;
}

/** Normalisation for the correction memory: case, whitespace and punctuation do not matter. */
export function memoryKey(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('de-DE').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function labelsOf(c: Correction, group: CodeGroup): string[] | undefined {
  if (group.output === 'channels') return c.channels;
  if (group.output === 'features') return c.features;
  return c.themes;
}

/**
 * Trains a group's classifier on the codebook's example phrases plus the campaign's corrections.
 * Example phrases stand in for a labelled corpus until the lead has corrected some answers.
 */
export function trainGroup(group: CodeGroup, corrections: Correction[], pipeline: TextPipeline, detect: (text: string) => { tokens: string[]; lang: string }): TrainedGroup {
  const docs: Array<{ features: string[]; label: string }> = [];
  const typeDocs: Array<{ features: string[]; label: string }> = [];
  const typeOf = new Map<string, ChallengeType>();
  const ids = new Set(group.codes.map((c) => c.id));
  const addDoc = (text: string, lang: string | undefined, labels: string[], type?: ChallengeType): void => {
    const d = detect(text);
    const feats = pipeline.features(d.tokens, lang ?? d.lang).features;
    for (const l of labels) if (ids.has(l)) docs.push({ features: feats, label: l });
    if (type) typeDocs.push({ features: feats, label: type });
  };
  for (const code of group.codes) {
    if (code.type) typeOf.set(code.id, code.type);
    const seed = [
      ...code.examples.de.map((t) => [t, 'de'] as const),
      ...code.examples.en.map((t) => [t, 'en'] as const),
      [code.definition.de, 'de'] as const,
      [code.definition.en, 'en'] as const,
    ];
    for (const [text, lang] of seed) addDoc(text, lang, [code.id], code.type);
  }
  const memory = new Map<string, { codes?: string[]; challenge_type?: ChallengeType }>();
  let used = 0;
  const stemCodes = new Map<string, Map<string, number>>();
  const stemDocs = new Map<string, number>();
  for (const c of corrections) {
    if (!sameGroup(c.question, group)) continue;
    const given = labelsOf(c, group);
    const labels = given?.filter((l) => ids.has(l));
    // A lead who removed every code of an answer said "none of these": the exact repeat keeps no
    // code (nothing to train on, though).
    if (given && given.length === 0 && !c.challenge_type) {
      memory.set(memoryKey(c.text), { codes: [] });
      continue;
    }
    if ((!labels || labels.length === 0) && !c.challenge_type) continue;
    used++;
    // Corrections weigh more than seed phrases: they are real answers in the campaign's own words.
    for (let w = 0; w < 2; w++) addDoc(c.text, c.lang, labels ?? [], c.challenge_type);
    const d = detect(c.text);
    for (const s of new Set(pipeline.features(d.tokens, c.lang ?? d.lang).stems)) {
      stemDocs.set(s, (stemDocs.get(s) ?? 0) + 1);
      if (!stemCodes.has(s)) stemCodes.set(s, new Map());
      for (const l of labels ?? []) stemCodes.get(s)!.set(l, (stemCodes.get(s)!.get(l) ?? 0) + 1);
    }
    memory.set(memoryKey(c.text), { codes: labels, challenge_type: c.challenge_type });
  }
  const learned = new Map<string, string>();
  for (const [s, codes] of [...stemCodes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const n = stemDocs.get(s) ?? 0;
    if (n < 2 || s.length < 4) continue;
    for (const [code, k] of [...codes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      if (k >= 2 && k / n >= 0.8) learned.set(s, code);
      break;
    }
  }
  const bayes = new SparseBayes(docs);
  const typeBayes = typeDocs.length > 0 ? new SparseBayes(typeDocs) : undefined;
  return {
    learned,
    compiled: compileGroup(group),
    bayes,
    typeBayes,
    typeOf,
    memory,
    corrections: used,
    scratch: {
      post: new Float64Array(Math.max(1, bayes.size)),
      labelOfCode: group.codes.map((c) => bayes.labelIndex(c.id)),
      typePost: new Float64Array(Math.max(1, typeBayes?.size ?? 0)),
      technical: typeBayes?.labelIndex('technical') ?? -1,
      cultural: typeBayes?.labelIndex('cultural') ?? -1,
    },
  };
}

function sameGroup(question: string, group: CodeGroup): boolean {
  const role = roleOfQuestion(question);
  if (group.role === 'custom') return role === 'custom' && question.trim() === group.question;
  return role === group.role;
}

/** How a group's codes are decided. */
interface Policy {
  /** Always output at least one code when there is any evidence. */
  atLeastOne: boolean;
  /** Classifier weight (grows with corrections). */
  classifierWeight: number;
  /** Combined score a code needs without a strong lexicon mention. */
  threshold: number;
  /** At most this many codes. */
  maxCodes: number;
}

function policyFor(t: TrainedGroup): Policy {
  const g = t.compiled.group;
  // With few corrections the classifier only knows our seed phrases: a tie-breaker. With a few dozen
  // corrections per group it has seen the campaign's own vocabulary and gets a real vote.
  const trust = Math.min(1, t.corrections / 60);
  const classifierWeight = 0.6 + 0.6 * trust;
  if (g.output === 'channels') return { atLeastOne: true, classifierWeight: 0.3 + 0.9 * trust, threshold: 0.95, maxCodes: 10 };
  if (g.output === 'features') return { atLeastOne: true, classifierWeight, threshold: 0.9, maxCodes: 4 };
  return { atLeastOne: true, classifierWeight, threshold: 0.9, maxCodes: 2 };
}

/**
 * Codes one answer: lexicon evidence plus classifier posterior, then challenge type for q3.
 * @param lower lower-cased answer text
 * @param features the answer's stems/compounds/bigrams
 */
export function codeAnswer(t: TrainedGroup, text: string, lower: string, features: string[]): CodedAnswer {
  const remembered = t.memory.size > 0 ? t.memory.get(memoryKey(text)) : undefined;
  const hits = matchLexicon(t.compiled, lower);
  const post = t.scratch.post;
  const trained = t.bayes.posteriorInto(features, post);
  const policy = policyFor(t);
  const scores: Record<string, number> = {};
  const ranked: Array<{ id: string; score: number; first: number; strong: boolean }> = [];
  const byId = new Map<string, LexiconHit>();
  for (const h of hits) byId.set(h.code, h);
  // Learned cues from the lead's corrections count like a lexicon mention.
  if (t.learned.size > 0) {
    for (const f of features) {
      const code = t.learned.get(f);
      const h = code ? byId.get(code) : undefined;
      // Weaker than a curated cue: learned from a handful of answers, it decides only where the
      // lexicon is silent or close.
      if (h) {
        h.score += 0.6;
        if (h.first === Number.MAX_SAFE_INTEGER) h.first = lower.length;
      }
    }
  }
  t.compiled.group.codes.forEach((code, ci) => {
    const h = byId.get(code.id)!;
    // Lexicon mentions saturate: a third mention of "Mail" adds little over the second.
    const lex = h.score > 0 ? 1 - Math.exp(-1.2 * h.score) : 0;
    const li = t.scratch.labelOfCode[ci];
    const cls = trained && li >= 0 ? post[li] : 0;
    const s = lex + policy.classifierWeight * cls;
    scores[code.id] = round(s);
    ranked.push({ id: code.id, score: s, first: h.first, strong: h.strong > 0 });
  });
  ranked.sort((a, b) => b.score - a.score || a.first - b.first || (a.id < b.id ? -1 : 1));
  let codes: string[];
  if (remembered?.codes) {
    codes = remembered.codes.slice();
  } else {
    const picked = ranked.filter((r) => r.score >= policy.threshold || (r.strong && r.score >= policy.threshold * 0.6));
    if (picked.length === 0 && policy.atLeastOne && ranked.length > 0 && ranked[0].score > 0.25) picked.push(ranked[0]);
    // Main theme first: the strongest evidence, ties broken by what is said first.
    codes = picked.slice(0, policy.maxCodes).map((r) => r.id);
  }
  const out: CodedAnswer = { codes, scores };
  if (t.compiled.group.role === 'challenges' && t.typeOf.size > 0) {
    const typed = challengeType(t, codes, ranked, features);
    out.challenge_type = remembered?.challenge_type ?? typed.type;
    out.challenge_confidence = remembered?.challenge_type ? 1 : typed.confidence;
  }
  return out;
}

/**
 * The answer's challenge type is the type of the obstacle that dominates it: evidence of the coded
 * themes by type (the main theme counts most), blended with a technical-vs-cultural classifier.
 */
function challengeType(t: TrainedGroup, codes: string[], ranked: Array<{ id: string; score: number }>, features: string[]): { type: ChallengeType; confidence: number } {
  let tech = 0;
  let cult = 0;
  const scoreOf = new Map(ranked.map((r) => [r.id, r.score]));
  codes.forEach((id, i) => {
    const w = (scoreOf.get(id) ?? 0) * (i === 0 ? 1.5 : 1);
    if (t.typeOf.get(id) === 'technical') tech += w;
    else if (t.typeOf.get(id) === 'cultural') cult += w;
  });
  const post = t.scratch.typePost;
  const typed = t.typeBayes?.posteriorInto(features, post) ?? false;
  const trust = Math.min(1, t.corrections / 60);
  const wCls = 0.5 + 0.2 * trust;
  tech += wCls * (typed && t.scratch.technical >= 0 ? post[t.scratch.technical] : 0);
  cult += wCls * (typed && t.scratch.cultural >= 0 ? post[t.scratch.cultural] : 0);
  const total = tech + cult;
  if (total === 0) return { type: 'technical', confidence: 0 };
  const pTech = tech / total;
  const type: ChallengeType = pTech >= 0.5 ? 'technical' : 'cultural';
  return { type, confidence: round(Math.max(pTech, 1 - pTech)) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Convenience for tests and the CLI: tokenize + features with a throwaway detector. */
export function simpleDetect(text: string): { tokens: string[]; lang: string } {
  return { tokens: tokenize(text), lang: /[äöüß]/i.test(text) ? 'de' : 'en' };
}
