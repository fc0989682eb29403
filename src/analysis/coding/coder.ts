/**
 * The supervised coder: per code group, one-vs-rest L2-regularised logistic regression over the
 * features of coding/featurize.ts, trained on the shipped training corpus (data/training), the
 * codebook's example phrases and the campaign's corrections (weighted strongly). Per-code decision
 * thresholds come from respondent-grouped cross-validation on the training corpus
 * (model/calibration.generated.ts, made by `npm run corpus`), never from the dev or sealed sets.
 *
 * For q3 it also decides the dominant obstacle type: a technical-vs-cultural model on the whole
 * answer, blended with clause-level theme evidence weighted by markers of the main problem and of
 * concession (text/scope.ts dominanceWeights).
 */
import { BUILTIN_CODEBOOK, roleOfQuestion } from '../codebook/index.js';
import { BASE_MODEL_JSON } from '../model/base-model.generated.js';
import { CALIBRATION } from '../model/calibration.generated.js';
import { CORPUS_VERSION, trainingCorpus } from '../model/corpus.js';
import { TextPipeline } from '../text/features.js';
import { dominanceWeights } from '../text/scope.js';
import type { ChallengeType, CodeGroup, Correction, Evidence } from '../types.js';
import { BLOCK, clauseMasks, FEATURE_VERSION, Featurizer, readText, weightStrings, type ReadText, type StringFeatures } from './featurize.js';
import { compileGroup, type CompiledGroup } from './lexicon.js';
import { margin, sigmoid, trainLogistic, type LinearModel, type SparseExample } from './linear.js';

/** Hyper-parameters (chosen by respondent-grouped CV on the training corpus; see docs/analysis.md). */
export const HYPER = {
  /** inverse regularisation strength of the logistic regressions */
  C: 4,
  /** weight of a campaign correction relative to a corpus answer */
  correctionWeight: 6,
  /** weight of a codebook example phrase */
  exampleWeight: 0.5,
  /** threshold for codes the calibration does not know (campaign codes) */
  defaultThreshold: 0.3,
  /** at most this many codes per answer, by output */
  maxCodes: { channels: 6, themes: 3, features: 4 } as Record<string, number>,
  /** blend of the type model and the clause-level dominance evidence for technical_weight */
  typeBlend: 0.2,
  /**
   * technical_weight from which the dominant type is technical. Leave-one-voice-out on the training
   * corpus (seventeen voices, correction-sim.ts --base-only): 0.55 / 0.575 / 0.6 / 0.625 / 0.65 give a
   * type macro-F1 of 0.871 / 0.875 / 0.875 / 0.871 / 0.867 and a technical share off by +2.8 / +1.8
   * / +0.2 / −1.2 / −2.2 points on average: unseen voices name technical things in concrete words
   * that travel (WLAN, VPN, SAP), cultural obstacles in idioms that do not.
   */
  typeCut: 0.6,
  /**
   * No challenge type when no obstacle theme reaches noTypeBelow AND the answer is short (at most
   * noTypeMaxWords words): out of fold on the training corpus (folds by voice), the q3 answers below
   * 0.15 with at most 8 words all named no obstacle ("passt scho", "n/a", "can't think of any");
   * longer ones sometimes did, in words the coder did not know ("Die Notare. Die wollen alles auf
   * Papier …"), and leaving out the type of an answer that has one costs more than giving one to an
   * answer that has none.
   */
  noTypeBelow: 0.15,
  noTypeMaxWords: 8,
  /**
   * No type when the no-obstacle model gives at least noneCut, no obstacle theme reaches
   * noneMaxTheme and the answer is short. Chosen leave-one-voice-out on the training corpus (a
   * model without the voice predicts it): the old rule (no theme ≥ 0.15, ≤ 8 words) left out the
   * type of 2 of 714 typed answers ("Fax machines. Still.": no-obstacle 0.51, theme 0.11) and found
   * 18 of the 35 answers that name no obstacle; this one leaves out none and finds 17. A wrongly
   * missing type costs more (a third of the type macro-F1) than a type given to an answer without
   * an obstacle, hence the margin above 0.51.
   */
  noneCut: 0.55,
  noneMaxTheme: 0.1,
  /** …and only for answers of at most this many words (a longer one that opens with "alles ok" may still go on to name one) */
  noneMaxWords: 16,
  /**
   * Corrections adapt the base model instead of retraining it (adaptGroupModel) when > 0: the
   * per-example cost of a correction (× its weight / correctionWeight) against the prior that keeps
   * the weights at the base model's.
   */
  adaptC: 100,
  /**
   * Prior precision of a weight the base model has: 1 + adaptKappa × the number of training
   * documents holding its feature (a new feature: 1), so the corpus's common words hardly move and
   * a campaign's rare or new ones can (adaptGroupModel).
   */
  adaptKappa: 10,
  /** prior standard deviation of a code's campaign logit shift (adaptToCampaign); 0 = no shift */
  shiftPrior: 0,
};

/** FNV-1a, 32 bit, hex: a stable fingerprint of settings (no crypto needed). */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** What the calibration must have been computed for: this corpus and these coder settings. */
export function calibrationVersion(): string {
  const { maxCodes, C, correctionWeight, exampleWeight, typeBlend, typeCut, noTypeBelow, noTypeMaxWords, noneCut, noneMaxTheme, noneMaxWords } = HYPER;
  // correctionWeight does not change corpus-only CV, but it is cheap to include and makes the link obvious.
  return `${CORPUS_VERSION}-${fnv(JSON.stringify({ maxCodes, C, correctionWeight, exampleWeight, typeBlend, typeCut, noTypeBelow, noTypeMaxWords, noneCut, noneMaxTheme, noneMaxWords, BLOCK, features: FEATURE_VERSION }))}`;
}

export interface GroupModel {
  group: CodeGroup;
  compiled: CompiledGroup;
  featurizer: Featurizer;
  scoped: boolean;
  codes: string[];
  models: LinearModel[];
  thresholds: Float64Array;
  /** the best code is still given when no code passes its threshold but it reaches this */
  minTop: number;
  maxCodes: number;
  typeModel?: LinearModel;
  /** q3: does the answer name no obstacle at all ("passt scho", "nothing really")? (see challengeType) */
  noneModel?: LinearModel;
  /** per code: its challenge type */
  typeOf: Array<ChallengeType | undefined>;
  /** exact repeats of a corrected answer get the lead's codes */
  memory: Map<string, { codes?: string[]; challenge_type?: ChallengeType }>;
  /** number of corrections used */
  corrections: number;
  /**
   * Campaign adaptation (see adaptToCampaign): per code, a shift of the logit learnt from how the
   * base model did on the corrected answers; null without corrections.
   */
  shift: Float64Array | null;
  /** document frequency of each feature in the training documents (adaptGroupModel's prior); absent in shipped models until needed */
  df?: Int32Array;
  nDocs?: number;
  /** feature names by id */
  names: string[];
  /** the codes' weights feature-major, then the type model's (see byFeature), for scoring */
  weightsByFeature: Float32Array;
  /** columns per feature row of weightsByFeature: the codes, plus one for the type model */
  stride: number;
}

export interface CodedAnswer {
  codes: string[];
  /** probability per code of the group (index as in the group) */
  probs: Float64Array;
  confidence: Record<string, number>;
  evidence: Evidence[];
  uncertainty: number;
  challenge_type?: ChallengeType;
  challenge_confidence?: number;
  technical_weight?: number;
  challenge_mixed?: boolean;
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

function sameGroup(question: string, group: CodeGroup): boolean {
  const role = roleOfQuestion(question);
  if (group.role === 'custom') return role === 'custom' && question.trim() === group.question;
  return role === group.role;
}

/** A labelled training document of one group. */
export interface TrainDoc {
  text: string;
  lang?: string;
  codes: string[];
  type?: ChallengeType;
  /** relative weight (corpus answer 1) */
  weight: number;
  /** true for corrections and examples: their features enter the dictionary even when seen once */
  keepAll?: boolean;
  /** a correction of the challenge type only: trains the type model, not the codes */
  typeOnly?: boolean;
  /** q3: true when the answer names no obstacle (no type), false when it names one; unknown otherwise */
  noObstacle?: boolean;
}

/** The corpus answers of a group's role (none for custom groups). */
export function corpusDocs(group: CodeGroup, filter?: (respondent: string) => boolean): TrainDoc[] {
  if (group.role === 'custom') return [];
  const ids = new Set(group.codes.map((c) => c.id));
  const alias = mergedInto(group);
  const out: TrainDoc[] = [];
  for (const d of trainingCorpus()) {
    if (roleOfQuestion(d.question) !== group.role) continue;
    if (filter && !filter(d.respondent)) continue;
    const codes = [...new Set(d.codes.map((c) => alias.get(c) ?? c))].filter((c) => ids.has(c));
    // The corpus gives a q3 answer a type exactly when it names an obstacle.
    out.push({ text: d.text, lang: d.lang || undefined, codes, type: d.challenge_type, weight: 1, noObstacle: group.role === 'challenges' ? !d.challenge_type : undefined });
  }
  return out;
}

/**
 * Built-in codes a campaign merged into another code (the theme board moves a merged code's
 * examples into the survivor and drops it): the corpus answers labelled with the merged code then
 * teach the survivor. A built-in code missing from the group whose examples no code holds was
 * deleted, and its corpus labels are dropped.
 */
function mergedInto(group: CodeGroup): Map<string, string> {
  const out = new Map<string, string>();
  const builtin = BUILTIN_CODEBOOK.groups.find((g) => g.role === group.role);
  if (!builtin) return out;
  const ids = new Set(group.codes.map((c) => c.id));
  for (const b of builtin.codes) {
    if (ids.has(b.id)) continue;
    const examples = [...b.examples.de, ...b.examples.en];
    if (examples.length === 0) continue;
    const to = group.codes.find((c) => examples.every((e) => c.examples.de.includes(e) || c.examples.en.includes(e)));
    if (to) out.set(b.id, to.id);
  }
  return out;
}

/** Example phrases of the codebook as (weak) training documents. */
export function exampleDocs(group: CodeGroup): TrainDoc[] {
  const out: TrainDoc[] = [];
  for (const code of group.codes) {
    for (const [lang, list] of [['de', code.examples.de], ['en', code.examples.en]] as const) {
      for (const text of list) out.push({ text, lang, codes: [code.id], type: code.type, weight: HYPER.exampleWeight, keepAll: true, noObstacle: code.type ? false : undefined });
    }
  }
  return out;
}

/** A campaign's corrections of this group as training documents, plus the exact-repeat memory. */
export function correctionDocs(group: CodeGroup, corrections: readonly Correction[]): { docs: TrainDoc[]; memory: GroupModel['memory'] } {
  const ids = new Set(group.codes.map((c) => c.id));
  const docs: TrainDoc[] = [];
  const memory: GroupModel['memory'] = new Map();
  for (const c of corrections) {
    if (!sameGroup(c.question, group)) continue;
    const given = labelsOf(c, group);
    const labels = given?.filter((l) => ids.has(l));
    if (given && given.length === 0 && !c.challenge_type) {
      // "None of these codes": a negative example for every code, and the repeat keeps no code.
      memory.set(memoryKey(c.text), { codes: [] });
      docs.push({ text: c.text, lang: c.lang, codes: [], weight: HYPER.correctionWeight, keepAll: true });
      continue;
    }
    if ((!labels || labels.length === 0) && !c.challenge_type) continue;
    // Only the type corrected: the codes stay unknown, so the answer trains the type model only.
    docs.push({ text: c.text, lang: c.lang, codes: labels ?? [], type: c.challenge_type, weight: HYPER.correctionWeight, keepAll: true, typeOnly: labels === undefined, noObstacle: c.challenge_type ? false : undefined });
    memory.set(memoryKey(c.text), { codes: labels, challenge_type: c.challenge_type });
  }
  return { docs, memory };
}

/** Words of the training corpus, so compounds of known words split ("Meisterbüro" → meister + büro). */
let corpusVocabulary: string[] | null = null;
function vocabulary(): string[] {
  if (corpusVocabulary) return corpusVocabulary;
  const set = new Set<string>();
  for (const d of trainingCorpus()) for (const m of d.text.toLowerCase().matchAll(/\p{L}{4,13}/gu)) set.add(m[0]);
  corpusVocabulary = [...set].sort();
  return corpusVocabulary;
}

/**
 * Trains a group's model from labelled documents.
 * @param docs corpus answers, examples and corrections of the group
 */
export function trainGroupModel(group: CodeGroup, docs: TrainDoc[], memory: GroupModel['memory'] = new Map(), corrections = 0, seed = 1): GroupModel {
  const compiled = compileGroup(group);
  const featurizer = new Featurizer(new TextPipeline(vocabulary()));
  const scoped = group.output === 'channels';
  const read: StringFeatures[] = docs.map((d) => featurizer.strings(readText(d.text, d.lang, 'de'), compiled, scoped));
  // Dictionary: features in ≥ 2 documents (one-off features cannot generalise), every feature of a
  // correction or example (a lead's one correction must be able to teach a new word), and every
  // cue/gazetteer feature.
  const df = new Map<string, number>();
  const lastDoc = new Map<string, number>();
  const keep = new Set<string>();
  read.forEach((f, i) => {
    for (const list of [f.word, f.bigram, f.char, f.cue, f.gaz, f.length]) {
      for (const s of list) {
        if (lastDoc.get(s) === i) continue;
        lastDoc.set(s, i);
        df.set(s, (df.get(s) ?? 0) + 1);
        if (docs[i].keepAll) keep.add(s);
      }
    }
  });
  const always = (s: string): boolean => s.charCodeAt(1) === 58 /* ':' */ && 'LlXgn'.includes(s[0]);
  const names = [...df.keys()].filter((s) => (df.get(s) ?? 0) >= 2 || keep.has(s) || always(s) || s.startsWith('~g:')).sort();
  const dict = new Map<string, number>();
  names.forEach((s, i) => dict.set(s, i));
  featurizer.freeze(dict);
  const X: SparseExample[] = read.map((f) => weightStrings(f, dict));
  const dim = dict.size;
  const codes = group.codes.map((c) => c.id);
  const models: LinearModel[] = [];
  // Documents with codes (a correction of the type alone trains only the type model).
  const idx: number[] = [];
  docs.forEach((d, i) => {
    if (!d.typeOnly) idx.push(i);
  });
  const Xc = idx.map((i) => X[i]);
  const cost = Float64Array.from(idx, (i) => HYPER.C * docs[i].weight);
  codes.forEach((code, ci) => {
    const y = Int8Array.from(idx, (i) => (docs[i].codes.includes(code) ? 1 : -1));
    models.push(trainLogistic(Xc, y, cost, dim, { seed: seed + ci }));
  });
  let typeModel: LinearModel | undefined;
  if (group.role === 'challenges') {
    const idx = docs.map((d, i) => (d.type ? i : -1)).filter((i) => i >= 0);
    if (idx.length > 0) {
      typeModel = trainLogistic(
        idx.map((i) => X[i]),
        Int8Array.from(idx, (i) => (docs[i].type === 'technical' ? 1 : -1)),
        Float64Array.from(idx, (i) => HYPER.C * docs[i].weight),
        dim,
        { seed: seed + 101 },
      );
    }
  }
  let noneModel: LinearModel | undefined;
  if (group.role === 'challenges') {
    const idx = docs.map((d, i) => (d.noObstacle !== undefined ? i : -1)).filter((i) => i >= 0);
    if (idx.some((i) => docs[i].noObstacle) && idx.some((i) => !docs[i].noObstacle)) {
      noneModel = trainLogistic(
        idx.map((i) => X[i]),
        Int8Array.from(idx, (i) => (docs[i].noObstacle ? 1 : -1)),
        Float64Array.from(idx, (i) => HYPER.C * docs[i].weight),
        dim,
        { seed: seed + 202 },
      );
    }
  }
  const m = assemble(group, compiled, featurizer, names, models, typeModel, memory, corrections, noneModel);
  m.df = Int32Array.from(names, (s) => df.get(s) ?? 0);
  m.nDocs = docs.length;
  return m;
}

/** A group model from its parts (trained here, or shipped in model/base-model.generated.ts). */
function assemble(group: CodeGroup, compiled: CompiledGroup, featurizer: Featurizer, names: string[], models: LinearModel[], typeModel: LinearModel | undefined, memory: GroupModel['memory'], corrections: number, noneModel?: LinearModel): GroupModel {
  const codes = group.codes.map((c) => c.id);
  const cal = group.role === 'custom' ? undefined : CALIBRATION.groups[group.role];
  const columns = [...models, ...(typeModel ? [typeModel] : []), ...(noneModel ? [noneModel] : [])];
  const stride = columns.length;
  const wt = byFeature(columns, names.length);
  featurizer.bind(wt, stride);
  return {
    group,
    compiled,
    featurizer,
    scoped: group.output === 'channels',
    codes,
    models,
    thresholds: Float64Array.from(codes, (code) => cal?.thresholds[code] ?? HYPER.defaultThreshold),
    minTop: cal?.minTop ?? 0.15,
    maxCodes: HYPER.maxCodes[group.output] ?? 3,
    typeModel,
    noneModel,
    typeOf: group.codes.map((c) => c.type),
    memory,
    corrections,
    names,
    weightsByFeature: wt,
    stride,
    shift: null,
  };
}

/** The models' weights feature-major: [feature 0: model 0 … model n−1, feature 1: …]. */
function byFeature(models: LinearModel[], dim: number): Float32Array {
  const n = models.length;
  const out = new Float32Array(dim * n);
  for (let c = 0; c < n; c++) {
    const w = models[c].w;
    for (let f = 0; f < dim; f++) out[f * n + c] = w[f];
  }
  return out;
}

/** The shipped base models (parsed once per process). */
export interface ShippedModels {
  version: string;
  groups: Partial<Record<string, ShippedGroup>>;
}
let shippedParsed: ShippedModels | null = null;
function shippedModels(): ShippedModels {
  return (shippedParsed ??= BASE_MODEL_JSON === '' ? { version: '', groups: {} } : (JSON.parse(BASE_MODEL_JSON) as ShippedModels));
}

/** The parts of a trained base model, as shipped (see src/evaluation/build-corpus.ts). */
export interface ShippedGroup {
  /** fingerprint of the code group (codes, examples, cues) the model was trained for */
  group: string;
  /** feature names in id order */
  names: string[];
  /** per code (group order): weights as base64 of little-endian float32, and the bias */
  weights: string[];
  biases: number[];
  type?: { weights: string; bias: number };
  /** q3: the no-obstacle model */
  none?: { weights: string; bias: number };
}

/** Fingerprint of a code group: a shipped model applies only to exactly the group it was trained for. */
export function groupFingerprint(group: CodeGroup): string {
  return fnv(JSON.stringify(group));
}

/** The shippable parts of a trained model. */
export function shippable(m: GroupModel): ShippedGroup {
  const b64 = (w: Float32Array): string => bytesToBase64(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  const out: ShippedGroup = { group: groupFingerprint(m.group), names: m.names, weights: m.models.map((x) => b64(x.w)), biases: m.models.map((x) => x.bias) };
  if (m.typeModel) out.type = { weights: b64(m.typeModel.w), bias: m.typeModel.bias };
  if (m.noneModel) out.none = { weights: b64(m.noneModel.w), bias: m.noneModel.bias };
  return out;
}

function fromShipped(group: CodeGroup, s: ShippedGroup): GroupModel {
  const featurizer = new Featurizer(new TextPipeline(vocabulary()));
  const dict = new Map<string, number>();
  s.names.forEach((n, i) => dict.set(n, i));
  featurizer.freeze(dict);
  const w = (b: string): Float32Array => {
    const bytes = base64ToBytes(b);
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  };
  const models = s.weights.map((b, i) => ({ w: w(b), bias: s.biases[i] }));
  const typeModel = s.type ? { w: w(s.type.weights), bias: s.type.bias } : undefined;
  const noneModel = s.none ? { w: w(s.none.weights), bias: s.none.bias } : undefined;
  return assemble(group, compileGroup(group), featurizer, s.names, models, typeModel, new Map(), 0, noneModel);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without Buffer (the engine runs wherever plain JavaScript does). */
function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += B64[a >> 2] + B64[((a & 3) << 4) | (b >> 4)] + (i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)] : '=') + (i + 2 < bytes.length ? B64[c & 63] : '=');
  }
  return out;
}

const B64_VALUE = ((): Int8Array => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

function base64ToBytes(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < len; i++) {
    value = ((value << 6) | B64_VALUE[text.charCodeAt(i)]) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** Base models (corpus + examples, no corrections) by group, kept for the process: training is deterministic. */
const baseCache = new Map<string, GroupModel>();

/**
 * The model for a group in a run: the cached base model when there are no corrections for it,
 * otherwise a model retrained on corpus + examples + the corrections.
 */
export function modelFor(group: CodeGroup, corrections: readonly Correction[]): GroupModel {
  const { docs: corrected, memory } = correctionDocs(group, corrections);
  if (corrected.length === 0) return baseModel(group);
  const base = baseModel(group);
  const baseDocs = (): TrainDoc[] => [...corpusDocs(group), ...exampleDocs(group)];
  if (HYPER.adaptC > 0 && !base.df) withDocumentFrequencies(base, baseDocs());
  return withCorrections(group, base, baseDocs, corrected, memory);
}

/**
 * Document frequency of each of a model's features in the documents it was trained on (the
 * shipped base models carry no frequencies; computed once per process, the model is cached).
 */
export function withDocumentFrequencies(m: GroupModel, docs: readonly TrainDoc[]): void {
  const featurizer = new Featurizer(new TextPipeline(vocabulary()));
  const dict = new Map<string, number>();
  m.names.forEach((n, i) => dict.set(n, i));
  const df = new Int32Array(m.names.length);
  const last = new Int32Array(m.names.length).fill(-1);
  docs.forEach((d, i) => {
    const f = featurizer.strings(readText(d.text, d.lang, 'de'), m.compiled, m.scoped);
    for (const list of [f.word, f.bigram, f.char, f.cue, f.gaz, f.length]) {
      for (const x of list) {
        const id = dict.get(x);
        if (id === undefined || last[id] === i) continue;
        last[id] = i;
        df[id]++;
      }
    }
  });
  m.df = df;
  m.nDocs = docs.length;
}

/** The campaign's model: the base model adapted to (or retrained with) the corrections. */
export function withCorrections(group: CodeGroup, base: GroupModel, baseDocs: () => TrainDoc[], corrected: TrainDoc[], memory: GroupModel['memory']): GroupModel {
  const m = HYPER.adaptC > 0 ? adaptGroupModel(base, corrected, memory) : trainGroupModel(group, [...baseDocs(), ...corrected], memory, corrected.length);
  return adaptToCampaign(m, base, corrected);
}

/**
 * The base model adapted to a campaign's corrections (Chelba & Acero 2004, "Adaptation of maximum
 * entropy capitalizer: little data can help a lot"): per code, the weights w minimise
 * ½‖w − w_base‖² + Σ_corrections cost · log(1 + exp(−y·(w·x + b))) — a logistic regression on the
 * corrections alone whose prior is centred on the base model instead of on zero. Without
 * corrections it is the base model exactly; each correction moves it only as far as that answer
 * needs, instead of retraining on 3,000 corpus answers, where a handful of corrections is lost and
 * the new visiting order of the solver alone moves other answers' codes. The dictionary is the
 * base model's plus every feature of the corrections (a campaign's own words can be learnt).
 * Type and no-obstacle models (q3) are adapted the same way.
 */
export function adaptGroupModel(base: GroupModel, corrected: readonly TrainDoc[], memory: GroupModel['memory']): GroupModel {
  const featurizer = new Featurizer(new TextPipeline(vocabulary()));
  const read: StringFeatures[] = corrected.map((d) => featurizer.strings(readText(d.text, d.lang, 'de'), base.compiled, base.scoped));
  const names = base.names.slice();
  const dict = new Map<string, number>();
  names.forEach((n, i) => dict.set(n, i));
  for (const f of read) {
    for (const list of [f.word, f.bigram, f.char, f.cue, f.gaz, f.length]) {
      for (const x of list) {
        if (dict.has(x)) continue;
        dict.set(x, names.length);
        names.push(x);
      }
    }
  }
  featurizer.freeze(dict);
  const dim = names.length;
  const X: SparseExample[] = read.map((f) => weightStrings(f, dict));
  const baseDim = base.names.length;
  // Per feature, the scale of its change: 1/√(prior precision). Scaling a feature's values by s in
  // the solver is the same as a prior variance s² on its weight; the weight change is s × the
  // solver's weight. The bias stays the base model's (a campaign-wide shift from a handful of
  // corrections lowered the simulated learning curve, see docs/PERFORMANCE.md).
  const scale = new Float32Array(dim).fill(1);
  const kappa = HYPER.adaptKappa;
  if (kappa > 0 && base.df) for (let f = 0; f < baseDim; f++) scale[f] = 1 / Math.sqrt(1 + kappa * base.df[f]);
  const Xa: SparseExample[] = X.map((x) => ({ ids: x.ids, vals: Float32Array.from(x.vals, (v, e) => scale[x.ids[e]] * v) }));
  const fixedBias = kappa > 0;
  // full: a code the corpus never labelled (a campaign's own code, known to the base model only
  // from its few example phrases) has no corpus behind its weights to protect, so every weight and
  // its bias adapt freely.
  const adapt = (b: LinearModel, idx: number[], y: (i: number) => boolean, seed: number, full = false): LinearModel => {
    const w0 = new Float32Array(dim);
    w0.set(b.w);
    if (idx.length === 0) return { w: w0, bias: b.bias };
    const offset = Float64Array.from(idx, (i) => margin({ w: w0, bias: b.bias }, X[i].ids, X[i].vals));
    const v = trainLogistic(
      idx.map((i) => (full ? X[i] : Xa[i])),
      Int8Array.from(idx, (i) => (y(i) ? 1 : -1)),
      Float64Array.from(idx, (i) => (HYPER.adaptC * corrected[i].weight) / HYPER.correctionWeight),
      dim,
      { seed, offset, noBias: fixedBias && !full },
    );
    for (let f = 0; f < dim; f++) w0[f] += (full ? 1 : scale[f]) * v.w[f];
    return { w: w0, bias: b.bias + v.bias };
  };
  const builtin = base.group.role === 'custom' ? undefined : BUILTIN_CODEBOOK.groups.find((g) => g.role === base.group.role);
  const inCorpus = new Set(builtin ? builtin.codes.map((c) => c.id) : []);
  const coded = corrected.map((d, i) => (d.typeOnly ? -1 : i)).filter((i) => i >= 0);
  const models = base.models.map((b, c) => adapt(b, coded, (i) => corrected[i].codes.includes(base.codes[c]), 1 + c, !inCorpus.has(base.codes[c])));
  const typed = corrected.map((d, i) => (d.type ? i : -1)).filter((i) => i >= 0);
  const typeModel = base.typeModel ? adapt(base.typeModel, typed, (i) => corrected[i].type === 'technical', 101) : undefined;
  const known = corrected.map((d, i) => (d.noObstacle !== undefined ? i : -1)).filter((i) => i >= 0);
  const noneModel = base.noneModel ? adapt(base.noneModel, known, (i) => corrected[i].noObstacle === true, 202) : undefined;
  return assemble(base.group, base.compiled, featurizer, names, models, typeModel, memory, corrected.length, noneModel);
}

/**
 * Campaign adaptation from the lead's corrections, on top of the retrained model. A campaign has
 * its own habits — one organisation's people name their meetings "Abstimmung im Büro", another
 * coder reads "dashboard" wishes more often as a single entry point — which show as a systematic
 * over- or under-prediction of some codes on the corrected answers. Per code, the logit shift δ
 * that best explains the corrected answers' codes given the base model's logits (the base model
 * never saw them) is found by maximum a-posteriori with a Gaussian prior δ ~ N(0, σ²): with few
 * corrections the prior keeps δ near 0, with many the data decide. The shift is then added to the
 * retrained model's logits for every other answer.
 */
export function adaptToCampaign(m: GroupModel, base: GroupModel, corrected: readonly TrainDoc[]): GroupModel {
  const docs = corrected.filter((d) => !d.typeOnly);
  if (docs.length > 0 && HYPER.shiftPrior > 0) m.shift = logitShift(m, base, docs);
  return m;
}

/** Per code, the MAP logit shift δ of the corrected answers given the base model's logits (see adaptToCampaign). */
function logitShift(m: GroupModel, base: GroupModel, docs: readonly TrainDoc[]): Float64Array {
  const n = m.codes.length;
  // Base logits of the corrected answers.
  const z: Float64Array[] = docs.map((d) => {
    const r = readText(d.text, d.lang, 'de');
    const { score } = base.featurizer.scoreInto(r, base.compiled, base.scoped);
    return Float64Array.from({ length: n }, (_, c) => base.models[c].bias + score[c]);
  });
  const shift = new Float64Array(n);
  const prior = 1 / (HYPER.shiftPrior * HYPER.shiftPrior);
  for (let c = 0; c < n; c++) {
    const code = m.codes[c];
    let delta = 0;
    // Newton's method on the concave log-posterior.
    for (let it = 0; it < 20; it++) {
      let g = -prior * delta;
      let h = -prior;
      for (let i = 0; i < docs.length; i++) {
        const p = sigmoid(z[i][c] + delta);
        const y = docs[i].codes.includes(code) ? 1 : 0;
        g += y - p;
        h -= p * (1 - p);
      }
      const step = g / h;
      delta -= step;
      if (Math.abs(step) < 1e-6) break;
    }
    shift[c] = delta;
  }
  return shift;
}

function baseModel(group: CodeGroup): GroupModel {
  const key = `${CORPUS_VERSION}\u0000${JSON.stringify(group)}`;
  let m = baseCache.get(key);
  if (!m) {
    // The model trained on corpus + examples of the built-in group ships with the engine (made by
    // npm run corpus; a unit test retrains and compares): a run without corrections trains nothing.
    const base = shippedModels();
    const shipped = group.role === 'custom' || base.version !== calibrationVersion() ? undefined : base.groups[group.role];
    m = shipped && shipped.group === groupFingerprint(group) ? fromShipped(group, shipped) : trainGroupModel(group, [...corpusDocs(group), ...exampleDocs(group)]);
    if (baseCache.size >= 8) baseCache.delete(baseCache.keys().next().value!);
    baseCache.set(key, m);
  }
  return m;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Decision: codes over their thresholds (most probable first), else the best one above minTop. */
export function decide(m: GroupModel, probs: Float64Array, thresholds: Float64Array = m.thresholds, minTop: number = m.minTop): number[] {
  // Codes by probability (ties: lower index first); a group has a dozen codes, so insertion sort.
  const n = probs.length;
  const order: number[] = [];
  for (let c = 0; c < n; c++) {
    let at = order.length;
    while (at > 0 && probs[order[at - 1]] < probs[c]) at--;
    order.splice(at, 0, c);
  }
  const picked: number[] = [];
  for (const c of order) if (probs[c] >= thresholds[c] && picked.length < m.maxCodes) picked.push(c);
  if (picked.length === 0 && n > 0 && probs[order[0]] >= minTop) picked.push(order[0]);
  return picked;
}

/**
 * Codes one answer.
 * @param text the original answer (evidence spans are offsets into it)
 */
export function codeAnswer(m: GroupModel, r: ReadText, text: string): CodedAnswer {
  // Σ w·x per code (and for the type model), in total and per clause (featurize.ts scoreInto).
  const { score, byClause } = m.featurizer.scoreInto(r, m.compiled, m.scoped);
  const n = m.codes.length;
  const stride = m.stride;
  const probs = new Float64Array(n);
  for (let c = 0; c < n; c++) probs[c] = sigmoid(m.models[c].bias + score[c] + (m.shift ? m.shift[c] : 0));
  const pType = m.typeModel ? sigmoid(m.typeModel.bias + score[n]) : 0.5;
  const pNone = m.noneModel ? sigmoid(m.noneModel.bias + score[n + (m.typeModel ? 1 : 0)]) : -1;
  const remembered = m.memory.size > 0 ? m.memory.get(memoryKey(text)) : undefined;
  const picked = remembered?.codes ? remembered.codes.map((c) => m.codes.indexOf(c)).filter((i) => i >= 0) : decide(m, probs);
  const codes = remembered?.codes ? remembered.codes.slice() : picked.map((c) => m.codes[c]);
  const nClauses = r.clauses.length;
  const contrib = (c: number): Float64Array => {
    const out = new Float64Array(nClauses);
    for (let k = 0; k < nClauses; k++) out[k] = byClause[k * stride + c];
    return out;
  };
  const confidence: Record<string, number> = {};
  const evidence: Evidence[] = [];
  for (const c of picked) {
    const code = m.codes[c];
    const p = remembered?.codes ? 1 : round(probs[c]);
    confidence[code] = p;
    let best = 0;
    for (let k = 1; k < nClauses; k++) if (byClause[k * stride + c] > byClause[best * stride + c]) best = k;
    const cl = r.clauses[best];
    const start = r.work.map ? r.work.map[cl.start] : cl.start;
    const end = r.work.map ? r.work.map[cl.end] : cl.end;
    evidence.push({ code, text: text.slice(start, end), start, end, confidence: p });
  }
  // Uncertainty: how close the least clear decision is to its threshold (0 = sure, 1 = on the line).
  let uncertainty = 0;
  for (let c = 0; c < m.codes.length; c++) {
    const t = m.thresholds[c];
    const d = probs[c] >= t ? (probs[c] - t) / (1 - t) : (t - probs[c]) / t;
    uncertainty = Math.max(uncertainty, 1 - Math.min(1, d));
  }
  const out: CodedAnswer = { codes, probs, confidence, evidence, uncertainty: remembered ? 0 : round(uncertainty) };
  if (m.group.role === 'challenges' && m.typeOf.some((t) => t !== undefined)) {
    const t = challengeType(m, r, pType, pNone, probs, picked, contrib);
    if (remembered?.challenge_type) {
      out.challenge_type = remembered.challenge_type;
      out.challenge_confidence = 1;
      out.technical_weight = remembered.challenge_type === 'technical' ? 1 : 0;
      out.challenge_mixed = false;
    } else if (t) {
      out.challenge_type = t.type;
      out.challenge_confidence = t.confidence;
      out.technical_weight = t.weight;
      out.challenge_mixed = t.mixed;
      if (!remembered) out.uncertainty = round(Math.max(out.uncertainty, 1 - Math.abs(2 * t.weight - 1)));
    }
  }
  return out;
}

/**
 * Technical weight of a q3 answer: the type model's probability blended with the clause-level
 * evidence of technical vs cultural themes, where each clause counts by its dominance weight (main
 * problem ×3, conceded ×0.4). No theme and no clear type signal → no type (never a default).
 */
function challengeType(m: GroupModel, r: ReadText, pType: number, pNone: number, probs: Float64Array, picked: number[], contrib: (c: number) => Float64Array): { type: ChallengeType; confidence: number; weight: number; mixed: boolean } | null {
  let max = 0;
  for (let c = 0; c < probs.length; c++) if (m.typeOf[c] && probs[c] > max) max = probs[c];
  // No type when the answer names no obstacle: the no-obstacle model is sure enough and no obstacle
  // theme is even remotely likely. Without that model (a campaign codebook), short answers without
  // any theme evidence.
  if (pNone >= 0 ? pNone >= HYPER.noneCut && max < HYPER.noneMaxTheme && r.words.n <= HYPER.noneMaxWords : max < HYPER.noTypeBelow && r.words.n <= HYPER.noTypeMaxWords) return null;
  const dom = dominanceWeights(r.work.lower, r.clauses, clauseMasks(r));
  let tech = 0;
  let cult = 0;
  for (let c = 0; c < m.codes.length; c++) {
    const type = m.typeOf[c];
    if (!type || probs[c] < 0.05) continue;
    const byClause = contrib(c);
    // Evidence above the code's prior: a clause that says nothing about the code adds nothing,
    // however much weight its position gives it.
    const bias = m.models[c].bias;
    const prior = sigmoid(bias);
    let s = 0;
    for (let k = 0; k < byClause.length; k++) s += dom[k] * Math.max(0, sigmoid(bias + byClause[k]) - prior);
    if (type === 'technical') tech += s;
    else cult += s;
  }
  const domShare = tech + cult > 0 ? tech / (tech + cult) : 0.5;
  const weight = round(HYPER.typeBlend * pType + (1 - HYPER.typeBlend) * domShare);
  const types = new Set(picked.map((c) => m.typeOf[c]));
  const mixed = (types.has('technical') && types.has('cultural')) || (weight > 0.35 && weight < 0.65);
  const type: ChallengeType = weight >= HYPER.typeCut ? 'technical' : 'cultural';
  return { type, confidence: round(Math.max(weight, 1 - weight)), weight, mixed };
}
