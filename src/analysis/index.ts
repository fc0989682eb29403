/**
 * Analysis engine — public API (stable; the CLI, the web app's worker and bench/ call it).
 *
 *   analyze(answers: AnalysisAnswer[], options?: AnalyzeOptions): AnalysisResult
 *     answers  {id, question: q1..q4 | role name | custom key, text, lang?, respondent?, segments?}
 *     options  {codebook?, corrections?, campaignLanguage?, seed?, onProgress?(stage, fraction),
 *               clusterSampleSize?, skipClustering?}
 *     result   {answers:[{id, question, role, lang, channels?|themes?|features?, challenge_type?,
 *               challenge_confidence?, cluster?}], clusters, requirements, summary}
 *
 * Pure and synchronous: no I/O, no env, no clock; all randomness is seeded, so the same input gives a
 * byte-identical result. Also exported: BUILTIN_CODEBOOK, validateCodebook, roleOfQuestion, the types.
 */
import { clusterAnswers, textSilhouette } from './clustering/cluster.js';
import { countPhrases, distinctivePhrases, type PhraseCounts } from './clustering/labels.js';
import { mulberry32, shuffleInPlace } from './random.js';
import { BUILTIN_CODEBOOK, groupForQuestion, roleOfQuestion } from './codebook/index.js';
import { codeAnswer, modelFor, type CodedAnswer, type GroupModel } from './coding/coder.js';
import { readText } from './coding/featurize.js';
import { deriveNeeds } from './needs.js';
import { balanceOf, moscow, rolloutReadiness } from './requirements.js';
import { TextPipeline } from './text/features.js';
import { Reader } from './text/reader.js';
import type {
  AnalysisAnswer,
  AnalysisResult,
  AnalysisStage,
  AnalyzeOptions,
  AnsweredCodes,
  Balance,
  Codebook,
  CodeGroup,
  EmergentCluster,
  Lang,
} from './types.js';

export * from './types.js';
export { BUILTIN_CODEBOOK, cloneCodebook, codeIds, groupForQuestion, isKnownQuestion, roleOfQuestion, validateCodebook } from './codebook/index.js';
export { detectLanguage } from './text/language.js';
export { tokenize } from './text/tokenize.js';
export { TextPipeline } from './text/features.js';
export { negationReason } from './coding/lexicon.js';
export { QUOTES_BY_PRIORITY } from './requirements.js';

/**
 * Silhouette (on its words, cosine distance) a cluster needs to be offered as a new theme. 0.25 is
 * Kaufman & Rousseeuw's floor for "a substantial structure": below it the members are barely closer
 * to each other than to the next cluster, i.e. there is nothing to name.
 */
export const COHESION_MIN = 0.25;
/** Share of the cluster's (label-sampled) answers its top phrase must occur in. */
const SHARED_PHRASE_MIN = 0.3;
const LABEL_SAMPLE = 80;
const COHESION_SAMPLE = 40;
const OVERALL_SAMPLE = 600;

const NO_IDS = new Int32Array(0);
const NO_PROBS = new Float64Array(0);

const QUESTION_KEY: Record<string, string> = { current_practice: 'q1', meaning: 'q2', challenges: 'q3', future: 'q4' };

interface Prepared {
  answer: AnalysisAnswer;
  key: string;
  /** word ids (the run's Reader): tokens[tokStart … tokStart + tokLen) of the run's token buffer */
  tokStart: number;
  tokLen: number;
  lang: Lang;
  /** features (stems, compound parts, bigrams) as ids into the run's feature dictionary */
  fids: Int32Array;
  /** index of an earlier answer with the same question, text and declared language, or -1 */
  same: number;
}

/**
 * Codes, clusters and prioritises a campaign's answers.
 * @param answers plain answers (validated at the edge: non-empty id, text and question)
 * @param options codebook, corrections, campaign language, seed, progress callback
 * @returns a JSON-safe result; identical input gives identical output
 */
export function analyze(answers: AnalysisAnswer[], options: AnalyzeOptions = {}): AnalysisResult {
  const codebook = options.codebook ?? BUILTIN_CODEBOOK;
  const seed = options.seed ?? 42;
  const progress = makeProgress(options.onProgress);
  progress('prepare', 0);
  const models = trainModels(answers, codebook, options.corrections ?? [], progress);
  const run = readAndCode(answers, models, options.campaignLanguage ?? 'de', progress);
  const terms = attachTerms(run, progress);
  const clusters = options.skipClustering ? [] : emergentThemes(run, models, terms, seed, options.clusterSampleSize ?? 200, progress);
  progress('requirements', 0);
  const { requirements, summary } = requirementsAndSummary(run, codebook, seed);
  progress('done', 1);
  return { answers: run.out, clusters, requirements, summary };
}

type Progress = ReturnType<typeof makeProgress>;

/** The question key of an answer: q1..q4 for the four roles, else the custom question's own key. */
function questionKeyOf(a: AnalysisAnswer): string {
  const role = roleOfQuestion(a.question);
  return role === 'custom' ? a.question.trim() : QUESTION_KEY[role];
}

interface Models {
  /** Question key → its code group (undefined: a question without codes). */
  groupOf: Map<string, CodeGroup | undefined>;
  trained: Map<CodeGroup, GroupModel>;
}

/** Trains once per run, per code group (the model without corrections is cached per process). */
function trainModels(answers: AnalysisAnswer[], codebook: Codebook, corrections: NonNullable<AnalyzeOptions['corrections']>, progress: Progress): Models {
  progress('train', 0);
  const trained = new Map<CodeGroup, GroupModel>();
  const groupOf = new Map<string, CodeGroup | undefined>();
  for (const a of answers) {
    const key = questionKeyOf(a);
    if (!groupOf.has(key)) groupOf.set(key, groupForQuestion(codebook, key));
  }
  const groups = [...groupOf.values()].filter((g): g is CodeGroup => g !== undefined);
  groups.forEach((g, gi) => {
    if (!trained.has(g)) trained.set(g, modelFor(g, corrections));
    progress('train', (gi + 1) / groups.length);
  });
  return { groupOf, trained };
}

/** What one run keeps per answer between the stages. */
interface RunState {
  prepared: Prepared[];
  coded: Array<CodedAnswer | null>;
  out: AnsweredCodes[];
  reader: Reader;
  /** Word ids of all answers, one buffer for the run (Prepared.tokStart/tokLen index it). */
  tokens: Int32Array;
  progressEvery: number;
}

/**
 * Reads and codes each answer at once (its tokens, clauses and scopes are not kept: at 100,000
 * answers they would be most of the heap).
 */
function readAndCode(answers: AnalysisAnswer[], models: Models, fallback: NonNullable<AnalyzeOptions['campaignLanguage']>, progress: Progress): RunState {
  const { groupOf, trained } = models;
  const reader = new Reader();
  const prepared: Prepared[] = new Array(answers.length);
  const coded: Array<CodedAnswer | null> = new Array(answers.length);
  const out: AnsweredCodes[] = new Array(answers.length);
  const progressEvery = Math.max(1, Math.floor(answers.length / 20));
  // An answer repeated word for word (same question, text and declared language) is analysed once:
  // everything per answer below is a function of exactly these, so copies get the first one's result.
  const firstOf = new Map<string, Map<string, number>>();
  // Per distinct question string and declared language: its key, role and repeat map (a campaign
  // has a handful of these; the lookups per answer stay cheap).
  const byQuestion = new Map<string, { key: string; role: ReturnType<typeof roleOfQuestion>; texts: Map<string, Map<string, number>> }>();
  let tokens = new Int32Array(1 << 16);
  let tokenN = 0;
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i];
    const declared = a.lang?.toLowerCase().slice(0, 2);
    let q = byQuestion.get(a.question);
    if (!q) byQuestion.set(a.question, (q = { key: questionKeyOf(a), role: roleOfQuestion(a.question), texts: new Map() }));
    const key = q.key;
    let texts = q.texts.get(declared ?? '');
    if (!texts) {
      const sameKey = `${key}\u0000${declared ?? ''}`;
      texts = firstOf.get(sameKey);
      if (!texts) firstOf.set(sameKey, (texts = new Map()));
      q.texts.set(declared ?? '', texts);
    }
    const same = texts.get(a.text);
    const g = groupOf.get(key);
    let c: CodedAnswer | null;
    if (same !== undefined) {
      const f = prepared[same];
      prepared[i] = { answer: a, key, tokStart: 0, tokLen: 0, lang: f.lang, fids: NO_IDS, same };
      c = coded[same];
    } else {
      texts.set(a.text, i);
      const read = readText(a.text, declared, fallback, reader);
      // The word ids go into one buffer for the run (not an array per answer that lives, and is
      // copied by the garbage collector, until every answer is read).
      const n = read.words.n;
      if (tokenN + n > tokens.length) {
        const grown = new Int32Array(Math.max(tokenN + n, tokens.length * 2));
        grown.set(tokens.subarray(0, tokenN));
        tokens = grown;
      }
      tokens.set(read.words.ids.subarray(0, n), tokenN);
      prepared[i] = { answer: a, key, tokStart: tokenN, tokLen: n, lang: read.lang, fids: NO_IDS, same: -1 };
      tokenN += n;
      c = g ? codeAnswer(trained.get(g)!, read, a.text) : null;
      if (c) c.probs = NO_PROBS; // only the decisions are kept
    }
    coded[i] = c;
    out[i] = answerResult(a, key, q.role, prepared[i].lang, g, c, same !== undefined);
    if (i % progressEvery === 0) progress('language', i / answers.length);
  }
  return { prepared, coded, out, reader, tokens, progressEvery };
}

/** The output record of one answer; a repeat gets copies of its first occurrence's arrays and maps. */
function answerResult(a: AnalysisAnswer, key: string, role: ReturnType<typeof roleOfQuestion>, lang: Lang, g: CodeGroup | undefined, c: CodedAnswer | null, copy: boolean): AnsweredCodes {
  const res: AnsweredCodes = { id: a.id, question: key, role, lang };
  if (a.respondent !== undefined) res.respondent = a.respondent;
  if (g && c) {
    res[g.output] = copy ? c.codes.slice() : c.codes;
    if (c.challenge_type) {
      res.challenge_type = c.challenge_type;
      res.challenge_confidence = c.challenge_confidence;
    }
    if (c.technical_weight !== undefined) {
      res.technical_weight = c.technical_weight;
      res.challenge_mixed = c.challenge_mixed;
    }
    res.confidence = copy ? { ...c.confidence } : c.confidence;
    res.evidence = copy ? c.evidence.map((e) => ({ ...e })) : c.evidence;
    res.uncertainty = c.uncertainty;
  }
  return res;
}

/**
 * Terms for clustering and labels: stems, compound parts (split with the campaign's own German
 * words too) and bigrams, as ids into the pipeline's dictionary (Prepared.fids). Frees the run's
 * word buffer afterwards. Returns the pipeline's term strings.
 */
function attachTerms(run: RunState, progress: Progress): string[] {
  progress('coding', 0);
  const { prepared, tokens } = run;
  const pipeline = new TextPipeline();
  const vocabulary = new Set<string>();
  const words = run.reader.strings;
  const inVocabulary = new Uint8Array(words.length);
  for (const p of prepared) {
    if (p.lang !== 'de') continue;
    for (let t = p.tokStart; t < p.tokStart + p.tokLen; t++) {
      const id = tokens[t];
      if (inVocabulary[id] === 0 && words[id].length <= 8) {
        inVocabulary[id] = 1;
        vocabulary.add(words[id]);
      }
    }
  }
  pipeline.addVocabulary(vocabulary);
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i];
    if (p.same >= 0) {
      p.fids = prepared[p.same].fids;
      continue;
    }
    p.fids = pipeline.featureIdsOf(tokens.subarray(p.tokStart, p.tokStart + p.tokLen), words, p.lang);
    if (i % run.progressEvery === 0) progress('coding', i / prepared.length);
  }
  run.tokens = new Int32Array(0); // not needed any more: keep the live heap small
  return pipeline.terms;
}

/** Emergent themes, question by question (sorted keys); sets each answer's `cluster`. */
function emergentThemes(run: RunState, models: Models, terms: string[], seed: number, sampleSize: number, progress: Progress): EmergentCluster[] {
  const clusters: EmergentCluster[] = [];
  const byKey = new Map<string, number[]>();
  run.prepared.forEach((p, i) => {
    let list = byKey.get(p.key);
    if (!list) byKey.set(p.key, (list = []));
    list.push(i);
  });
  const keys = [...byKey.keys()].sort();
  keys.forEach((key, qi) => {
    progress('clustering', qi / keys.length);
    clusters.push(...clustersOfQuestion(run, key, byKey.get(key)!, qi, models.groupOf.get(key), terms, seed, sampleSize));
  });
  return clusters;
}

/** k-means over one question's answers, then each cluster described (see describeCluster). */
function clustersOfQuestion(run: RunState, key: string, idx: number[], qi: number, g: CodeGroup | undefined, terms: string[], seed: number, sampleSize: number): EmergentCluster[] {
  const { prepared, coded } = run;
  const result = clusterAnswers(
    idx.map((i) => ({ fids: prepared[i].fids, codes: coded[i]?.codes ?? [] })),
    g ? g.codes.map((c) => c.id) : [],
    seed,
    sampleSize,
    terms,
  );
  const overallCache = new Map<string, PhraseCounts>();
  // Phrase frequencies of the whole question (a seeded sample of OVERALL_SAMPLE answers per language).
  const overallPhrases = (lang: string): PhraseCounts => {
    let o = overallCache.get(lang);
    if (!o) {
      const inLang = idx.filter((i) => prepared[i].lang === lang);
      const sample = inLang.length <= OVERALL_SAMPLE ? inLang : shuffleInPlace(inLang.slice(), mulberry32(seed + qi)).slice(0, OVERALL_SAMPLE);
      overallCache.set(lang, (o = countPhrases(sample.map((i) => ({ text: prepared[i].answer.text, lang })))));
    }
    return o;
  };
  const membersOf: number[][] = Array.from({ length: result.k }, () => []);
  // Positions j within the question (idx[j] is the answer), so similarity[j] needs no lookup map.
  idx.forEach((_, j) => membersOf[result.assignment[j]].push(j));
  const question = { key, role: roleOfQuestion(key), idx, respondents: distinctRespondents(idx, prepared), result, membersOf, overallPhrases, terms };
  const out: EmergentCluster[] = [];
  for (let c = 0; c < result.k; c++) if (membersOf[c].length > 0) out.push(describeCluster(run, question, c));
  return out;
}

interface QuestionClusters {
  key: string;
  role: ReturnType<typeof roleOfQuestion>;
  idx: number[];
  respondents: number;
  result: ReturnType<typeof clusterAnswers>;
  membersOf: number[][];
  overallPhrases: (lang: string) => PhraseCounts;
  terms: string[];
}

/**
 * One cluster as the result shows it: its language, label phrases, the codes most of its answers
 * have, the answers nearest its centre, its cohesion, and whether it is a new theme candidate.
 */
function describeCluster(run: RunState, q: QuestionClusters, c: number): EmergentCluster {
  const { prepared, coded, out } = run;
  const { idx, result, membersOf } = q;
  const positions = membersOf[c];
  const members = positions.map((j) => idx[j]);
  const id = `${q.key}-c${c + 1}`;
  for (const i of members) out[i].cluster = id;
  const langCount = new Map<string, number>();
  for (const i of members) langCount.set(prepared[i].lang, (langCount.get(prepared[i].lang) ?? 0) + 1);
  const lang = [...langCount.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  // Label phrases from the members nearest the centroid in the cluster's language (at most
  // LABEL_SAMPLE of them: enough to find shared phrases, bounded at 100,000 answers).
  const sameLang = topBySimilarity(positions, idx, result.similarity, LABEL_SAMPLE).filter((i) => prepared[i].lang === lang);
  const phrases = distinctivePhrases(countPhrases(sameLang.map((i) => ({ text: prepared[i].answer.text, lang }))), q.overallPhrases(lang), 4);
  const terms4 = phrases.map((p) => p.phrase);
  const codeCount = new Map<string, number>();
  for (const i of members) for (const code of coded[i]?.codes ?? []) codeCount.set(code, (codeCount.get(code) ?? 0) + 1);
  const codes = [...codeCount.entries()]
    .filter(([, n]) => n >= 0.4 * members.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([code]) => code);
  const nearest = topBySimilarity(positions, idx, result.similarity, 3);
  const respondents = distinctRespondents(members, prepared);
  // Cohesion: for a cluster no code covers, on its words alone (textSilhouette); otherwise the
  // k-means silhouette (words and codes).
  const featuresOf = (i: number): string[] => Array.from(prepared[i].fids, (fid) => q.terms[fid]);
  const cohesion = codes.length > 0 ? (result.cohesion[c] ?? 0) : Math.round(textSilhouette(topBySimilarity(positions, idx, result.similarity, COHESION_SAMPLE).map(featuresOf), membersOf.filter((_, o) => o !== c && membersOf[o].length > 0).map((ps) => topBySimilarity(ps, idx, result.similarity, COHESION_SAMPLE).map(featuresOf))) * 1000) / 1000;
  // A new theme candidate: no code covers it, it holds together (silhouette ≥ COHESION_MIN),
  // more than one person says it, and its answers share a phrase — so it is not just the
  // answers the coder left uncoded, lumped together because they have nothing else in common.
  const shared = phrases.length > 0 && phrases[0].share >= SHARED_PHRASE_MIN;
  const candidate = codes.length === 0 && cohesion >= COHESION_MIN && members.length >= 3 && respondents >= 2 && shared;
  return {
    id,
    question: q.key,
    role: q.role,
    terms: terms4,
    label: terms4.slice(0, 2).join(' · ') || (lang === 'de' ? '(ohne gemeinsame Wendung)' : '(no shared phrase)'),
    lang,
    size: members.length,
    respondents,
    share: Math.round((respondents / Math.max(1, q.respondents)) * 1000) / 1000,
    quotes: nearest.map((i) => ({ id: prepared[i].answer.id, text: prepared[i].answer.text })),
    codes,
    newThemeCandidate: candidate,
    cohesion,
  };
}

/** Requirements (one per need: q3 problems and q4 wishes merged, needs.ts) and the campaign summary. */
function requirementsAndSummary(run: RunState, codebook: Codebook, seed: number): Pick<AnalysisResult, 'requirements' | 'summary'> {
  const { prepared, out } = run;
  const segments = new Map<string, Record<string, string>>();
  for (const p of prepared) segments.set(p.answer.id, p.answer.segments ?? {});
  // Needs read only challenge and future answers (and every answer's segments): the others are
  // left out of its per-need loops.
  const needAnswers = out.filter((a) => a.role === 'future' || a.role === 'challenges');
  const texts = new Map<string, string>();
  for (let i = 0; i < prepared.length; i++) if (out[i].role === 'future' || out[i].role === 'challenges') texts.set(prepared[i].answer.id, prepared[i].answer.text);
  const requirements = deriveNeeds({ answers: needAnswers, texts, segments, codebook, moscow });
  const q3 = out.filter((a) => a.challenge_type !== undefined);
  const challengeBalance = balanceOf(q3, seed);
  return {
    requirements,
    summary: {
      answers: out.length,
      respondents: distinctRespondents(out),
      languages: countOf(out, (a) => [a.lang]),
      channels: countOf(out, (a) => a.channels),
      themes: countOf(out, (a) => a.themes),
      features: countOf(out, (a) => a.features),
      challengeBalance,
      challengeBalanceBySegment: balanceBySegment(q3, segments, seed),
      rolloutReadiness: rolloutReadiness(challengeBalance),
    },
  };
}

/** The technical/cultural balance per segment value (segment keys and values in sorted order). */
function balanceBySegment(q3: AnsweredCodes[], segments: Map<string, Record<string, string>>, seed: number): Record<string, Record<string, Balance>> {
  const bySegment: Record<string, Record<string, Balance>> = {};
  const segGroups = new Map<string, Map<string, AnsweredCodes[]>>();
  for (const a of q3) {
    const seg = segments.get(a.id) ?? {};
    for (const col of Object.keys(seg).sort()) {
      if (!segGroups.has(col)) segGroups.set(col, new Map());
      const m = segGroups.get(col)!;
      if (!m.has(seg[col])) m.set(seg[col], []);
      m.get(seg[col])!.push(a);
    }
  }
  for (const [col, m] of [...segGroups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    bySegment[col] = {};
    for (const [val, list] of [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) bySegment[col][val] = balanceOf(list, seed, 200);
  }
  return bySegment;
}

function makeProgress(cb: AnalyzeOptions['onProgress']): (stage: AnalysisStage, within: number) => void {
  // Rough share of run time per stage, so one bar moves smoothly across stages.
  const span: Record<AnalysisStage, [number, number]> = {
    prepare: [0, 0.01], train: [0.01, 0.06], language: [0.06, 0.5], coding: [0.5, 0.6], clustering: [0.6, 0.95], requirements: [0.95, 0.99], done: [1, 1],
  };
  return (stage, within) => {
    if (!cb) return;
    const [a, b] = span[stage];
    cb(stage, Math.round((a + (b - a) * Math.min(1, Math.max(0, within))) * 1000) / 1000);
  };
}

/** Distinct respondents (an answer without one counts as its own) of answers, or of prepared answers by index. */
function distinctRespondents(answers: AnsweredCodes[]): number;
function distinctRespondents(indices: number[], prepared: Prepared[]): number;
function distinctRespondents(list: AnsweredCodes[] | number[], prepared?: Prepared[]): number {
  const who = new Set<string>();
  if (prepared) for (const i of list as number[]) who.add(prepared[i].answer.respondent ?? prepared[i].answer.id);
  else for (const a of list as AnsweredCodes[]) who.add(a.respondent ?? a.id);
  return who.size;
}

/** How often each value occurs over the values each answer gives, keys in sorted order (no array of all values first). */
function countOf(answers: AnsweredCodes[], valuesOf: (a: AnsweredCodes) => readonly string[] | undefined): Record<string, number> {
  const counts = new Map<string, number>();
  for (const a of answers) for (const v of valuesOf(a) ?? []) counts.set(v, (counts.get(v) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const v of [...counts.keys()].sort()) out[v] = counts.get(v)!;
  return out;
}

/** The k positions with the highest similarity (ties: lower answer index first), as answer indices. */
function topBySimilarity(positions: number[], idx: number[], similarity: number[], k: number): number[] {
  const best: Array<{ i: number; s: number }> = [];
  for (const j of positions) {
    const ci = idx[j];
    const cs = similarity[j];
    let at = best.length;
    while (at > 0 && (best[at - 1].s < cs || (best[at - 1].s === cs && best[at - 1].i > ci))) at--;
    if (at >= k) continue;
    best.splice(at, 0, { i: ci, s: cs });
    if (best.length > k) best.pop();
  }
  return best.map((b) => b.i);
}
