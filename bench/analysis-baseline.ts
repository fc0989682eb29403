/**
 * Quality baseline for issue 3: plain TF-IDF + logistic regression (one-vs-rest per code for the
 * multi-label tasks, binary LR for challenge_type) and k-means on TF-IDF for clustering — measured
 * on the SAME respondent-grouped folds as the engine's eval, in the same run, followed by the
 * engine's figures and the mean-F1 margin the issue requires (≥ 0.10).
 *
 *   npm run bench:baseline [-- <labelled.jsonl>] [--json <out.json>]
 *
 * The primary baseline is TypeScript (bench/baseline-model.ts: runs after `npm ci` everywhere).
 * When Debian's python3-sklearn is installed, scikit-learn's defaults are run on the same folds
 * as a cross-check, and the margin is taken against the STRONGER of the two baselines so a weak
 * home-made baseline cannot flatter the engine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupedKFold } from '../src/evaluation/folds.js';
import { accuracy, adjustedRandIndex, macroF1, microF1, normalizedMutualInfo } from '../src/evaluation/metrics.js';
import { Tfidf, kmeansSparse, predictOneVsRest, predictProba, trainLogReg, trainOneVsRest } from './baseline-model.js';
import { ENGINE_SPLIT, loadEngineFigures, type EngineFigures } from './engine-figures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
export const DEFAULT_DATA = path.resolve(repoRoot, '../shared/data/interviews-dev.jsonl');
export const DEFAULT_CODEBOOK = path.resolve(repoRoot, '../shared/data/codebook.json');
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface LabelledRow {
  id: string;
  respondent: string;
  question: string;
  lang?: string;
  text: string;
  labels: { channels?: string[]; themes?: string[]; challenge_type?: string; features?: string[] };
}

/** The figures of issue 3, one set per system; mean F1 is the mean of the five F1 rows. */
export interface Figures {
  channelsF1: number;
  meaningThemesF1: number;
  challengeThemesF1: number;
  challengeTypeAccuracy: number;
  challengeTypeMacroF1: number;
  featuresF1: number;
  ariQ2: number;
  nmiQ2: number;
  ariQ3: number;
  nmiQ3: number;
}

export const ROWS: Array<[keyof Figures, string, number | undefined]> = [
  ['channelsF1', 'channels micro-F1 (q1)', 0.93],
  ['meaningThemesF1', 'meaning-themes micro-F1 (q2)', 0.7],
  ['challengeThemesF1', 'challenge-themes micro-F1 (q3)', 0.7],
  ['challengeTypeAccuracy', 'challenge_type accuracy (q3)', undefined],
  ['challengeTypeMacroF1', 'challenge_type macro-F1 (q3)', 0.9],
  ['featuresF1', 'features micro-F1 (q4)', 0.8],
  ['ariQ2', 'clustering ARI q2 (1st theme)', 0.35],
  ['nmiQ2', 'clustering NMI q2 (1st theme)', undefined],
  ['ariQ3', 'clustering ARI q3 (1st theme)', 0.35],
  ['nmiQ3', 'clustering NMI q3 (1st theme)', undefined],
];

export function meanF1(f: Figures): number {
  return (f.channelsF1 + f.meaningThemesF1 + f.challengeThemesF1 + f.challengeTypeMacroF1 + f.featuresF1) / 5;
}

type MultiTask = { key: 'channelsF1' | 'meaningThemesF1' | 'challengeThemesF1' | 'featuresF1'; q: string; gold: (r: LabelledRow) => string[] };
const MULTI: MultiTask[] = [
  { key: 'channelsF1', q: 'q1', gold: (r) => r.labels.channels ?? [] },
  { key: 'meaningThemesF1', q: 'q2', gold: (r) => r.labels.themes ?? [] },
  { key: 'challengeThemesF1', q: 'q3', gold: (r) => r.labels.themes ?? [] },
  { key: 'featuresF1', q: 'q4', gold: (r) => r.labels.features ?? [] },
];

export function readLabelled(file: string): LabelledRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledRow);
}

/** Number of codes per question in the codebook: the baseline's k (no peeking at gold labels). */
export function codebookSizes(file: string): Record<string, number> {
  const cb = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { question?: string; codes?: Record<string, unknown> }>;
  const out: Record<string, number> = {};
  for (const section of Object.values(cb)) {
    if (section && typeof section === 'object' && section.question && section.codes) {
      out[section.question] = Object.keys(section.codes).length;
    }
  }
  return out;
}

export interface SplitConfig {
  k: number;
  seed: number;
}

/** Per-answer predictions of one system, keyed by answer id; scored by `score`. */
interface Predictions {
  multi: Map<string, string[]>; // id → codes (q1 channels / q2,q3 themes / q4 features)
  challengeType: Map<string, string>;
  clusters: Map<string, number>; // q2 and q3 answers
}

/** Score pooled out-of-fold predictions against the gold labels. */
function score(rows: LabelledRow[], p: Predictions): Figures {
  const f = {} as Figures;
  for (const t of MULTI) {
    const sub = rows.filter((r) => r.question === t.q);
    f[t.key] = microF1(sub.map(t.gold), sub.map((r) => p.multi.get(r.id) ?? [])).f1;
  }
  const q3 = rows.filter((r) => r.question === 'q3' && r.labels.challenge_type);
  const gold = q3.map((r) => r.labels.challenge_type!);
  const pred = q3.map((r) => p.challengeType.get(r.id) ?? '');
  f.challengeTypeAccuracy = accuracy(gold, pred);
  f.challengeTypeMacroF1 = macroF1(gold, pred);
  for (const q of ['q2', 'q3'] as const) {
    const sub = rows.filter((r) => r.question === q && (r.labels.themes ?? []).length > 0);
    const g = sub.map((r) => r.labels.themes![0]);
    const c = sub.map((r) => p.clusters.get(r.id) ?? -1);
    f[q === 'q2' ? 'ariQ2' : 'ariQ3'] = adjustedRandIndex(g, c);
    f[q === 'q2' ? 'nmiQ2' : 'nmiQ3'] = normalizedMutualInfo(g, c);
  }
  return f;
}

/** One LR configuration: scikit-learn's C and class_weight. */
export interface LrConfig {
  C: number;
  balanced: boolean;
}
const DEFAULTS: LrConfig = { C: 1, balanced: false };
/** Small grid for the tuned baseline; chosen per outer fold by inner grouped CV on its train part. */
const GRID: LrConfig[] = [1, 10, 100].flatMap((C) => [false, true].map((balanced) => ({ C, balanced })));
const INNER_K = 4;

function fitPredictMulti(tr: LabelledRow[], te: LabelledRow[], gold: (r: LabelledRow) => string[], cfg: LrConfig): string[][] {
  const vec = new Tfidf().fit(tr.map((r) => r.text));
  const models = trainOneVsRest(vec.transform(tr.map((r) => r.text)), tr.map(gold), vec.size, cfg.C, cfg.balanced);
  return predictOneVsRest(models, vec.transform(te.map((r) => r.text)));
}

function fitPredictType(tr: LabelledRow[], te: LabelledRow[], cfg: LrConfig): string[] {
  const vec = new Tfidf().fit(tr.map((r) => r.text));
  // Binary LR on the two type names (sorted, the later one is the positive class).
  const classes = [...new Set(tr.map((r) => r.labels.challenge_type!))].sort();
  const pos = classes[classes.length - 1];
  const neg = classes[0];
  const model = trainLogReg(vec.transform(tr.map((r) => r.text)), tr.map((r) => r.labels.challenge_type === pos), vec.size, cfg.C, cfg.balanced);
  return vec.transform(te.map((r) => r.text)).map((x) => (predictProba(model, x) >= 0.5 ? pos : neg));
}

/**
 * Pick the config with the best inner-CV score on `train` only (respondent-grouped, so the outer
 * test fold never influences the choice); ties go to the earlier (simpler) config.
 */
function select(train: LabelledRow[], seed: number, scoreOf: (tr: LabelledRow[], te: LabelledRow[], cfg: LrConfig) => number): LrConfig {
  const inner = groupedKFold(train, (r) => r.respondent, INNER_K, seed + 1);
  let best = GRID[0];
  let bestScore = -Infinity;
  for (const cfg of GRID) {
    let sum = 0;
    for (const { train: tr, test: te } of inner) sum += scoreOf(tr, te, cfg);
    if (sum > bestScore + 1e-12) {
      bestScore = sum;
      best = cfg;
    }
  }
  return best;
}

/**
 * The TypeScript baseline on the grouped folds. `tuned` = false: scikit-learn defaults (C = 1, no
 * class weights). `tuned` = true: C and class_weight chosen per fold and task by inner grouped CV —
 * still plain TF-IDF + LR, but not a straw man on 48 training answers per fold.
 * Clustering (unsupervised) runs on all answers of a question, k = codebook size.
 */
export function runTsBaseline(rows: LabelledRow[], split: SplitConfig, kPerQuestion: Record<string, number>, tuned = false): Figures {
  const p: Predictions = { multi: new Map(), challengeType: new Map(), clusters: new Map() };
  for (const { train, test } of groupedKFold(rows, (r) => r.respondent, split.k, split.seed)) {
    for (const t of MULTI) {
      const tr = train.filter((r) => r.question === t.q);
      const te = test.filter((r) => r.question === t.q);
      const cfg = tuned ? select(tr, split.seed, (a, b, c) => microF1(b.map(t.gold), fitPredictMulti(a, b, t.gold, c)).f1) : DEFAULTS;
      fitPredictMulti(tr, te, t.gold, cfg).forEach((codes, i) => p.multi.set(te[i].id, codes));
    }
    const tr = train.filter((r) => r.question === 'q3' && r.labels.challenge_type);
    const te = test.filter((r) => r.question === 'q3');
    const cfg = tuned ? select(tr, split.seed, (a, b, c) => macroF1(b.map((r) => r.labels.challenge_type!), fitPredictType(a, b, c))) : DEFAULTS;
    fitPredictType(tr, te, cfg).forEach((type, i) => p.challengeType.set(te[i].id, type));
  }
  for (const q of ['q2', 'q3']) {
    const sub = rows.filter((r) => r.question === q);
    const vec = new Tfidf().fit(sub.map((r) => r.text));
    const assign = kmeansSparse(vec.transform(sub.map((r) => r.text)), vec.size, kPerQuestion[q], split.seed, 10);
    assign.forEach((c, i) => p.clusters.set(sub[i].id, c));
  }
  return score(rows, p);
}

export function sklearnAvailable(): boolean {
  return existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
}

/** scikit-learn with default estimators on exactly the same folds (predictions scored here). */
export function runSklearnBaseline(rows: LabelledRow[], split: SplitConfig, kPerQuestion: Record<string, number>): Figures {
  const folds = groupedKFold(rows, (r) => r.respondent, split.k, split.seed);
  const tasks: Array<{ kind: 'multi' | 'single'; trainTexts: string[]; trainLabels: Array<string[] | string>; testTexts: string[] }> = [];
  const owners: Array<{ ids: string[]; apply: (id: string, v: string[] | string) => void }> = [];
  const p: Predictions = { multi: new Map(), challengeType: new Map(), clusters: new Map() };
  for (const { train, test } of folds) {
    for (const t of MULTI) {
      const tr = train.filter((r) => r.question === t.q);
      const te = test.filter((r) => r.question === t.q);
      tasks.push({ kind: 'multi', trainTexts: tr.map((r) => r.text), trainLabels: tr.map(t.gold), testTexts: te.map((r) => r.text) });
      owners.push({ ids: te.map((r) => r.id), apply: (id, v) => p.multi.set(id, v as string[]) });
    }
    const tr = train.filter((r) => r.question === 'q3' && r.labels.challenge_type);
    const te = test.filter((r) => r.question === 'q3');
    tasks.push({ kind: 'single', trainTexts: tr.map((r) => r.text), trainLabels: tr.map((r) => r.labels.challenge_type!), testTexts: te.map((r) => r.text) });
    owners.push({ ids: te.map((r) => r.id), apply: (id, v) => p.challengeType.set(id, v as string) });
  }
  const clusterSubs = ['q2', 'q3'].map((q) => rows.filter((r) => r.question === q));
  const request = {
    tasks,
    clusterings: clusterSubs.map((sub, i) => ({ texts: sub.map((r) => r.text), k: kPerQuestion[i === 0 ? 'q2' : 'q3'], seed: split.seed })),
  };
  const res = spawnSync(SYSTEM_PYTHON, [path.join(here, 'sklearn_baseline.py'), 'quality'], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (res.status !== 0) throw new Error(`scikit-learn baseline failed: ${res.stderr}`);
  const out = JSON.parse(res.stdout) as { tasks: Array<Array<string[] | string>>; clusterings: number[][] };
  out.tasks.forEach((preds, t) => preds.forEach((v, i) => owners[t].apply(owners[t].ids[i], v)));
  out.clusterings.forEach((assign, s) => assign.forEach((c, i) => p.clusters.set(clusterSubs[s][i].id, c)));
  return score(rows, p);
}

/** Which engine was measured: last commit touching src/analysis, "+dirty" with uncommitted edits. */
function engineRevision(): string {
  const git = (...a: string[]): string => {
    try {
      return execFileSync('git', a, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return ''; // not a git checkout
    }
  };
  const rev = git('log', '-1', '--format=%h', '--', 'src/analysis') || 'unknown';
  return git('status', '--porcelain', '--', 'src/analysis') ? `${rev}+dirty` : rev;
}

const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));

export function renderTable(columns: Array<[string, Figures | undefined]>): string {
  const header = ['metric', 'target', ...columns.map(([name]) => name)];
  const lines = ROWS.map(([key, label, target]) => [label, target === undefined ? '' : `≥ ${target.toFixed(2)}`, ...columns.map(([, f]) => fmt(f?.[key]))]);
  lines.push(['**mean F1** (5 F1 rows)', '', ...columns.map(([, f]) => (f ? fmt(meanF1(f)) : '—'))]);
  const all = [header, header.map(() => '---'), ...lines];
  return all.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonIdx = args.indexOf('--json');
  const jsonOut = jsonIdx >= 0 ? args[jsonIdx + 1] : undefined;
  const positional = args.filter((a, i) => !a.startsWith('--') && (jsonIdx < 0 || i !== jsonIdx + 1));
  const dataFile = path.resolve(positional[0] ?? DEFAULT_DATA);
  const rows = readLabelled(dataFile);
  const kq = codebookSizes(DEFAULT_CODEBOOK);

  // Revision before the eval runs: the engine may be edited while this bench works.
  const revision = engineRevision();
  // The engine's eval first: the baseline then uses the split eval.ts reports it used.
  const engine: EngineFigures | undefined = loadEngineFigures(dataFile, ENGINE_SPLIT);
  const split: SplitConfig = engine?.split ?? ENGINE_SPLIT;

  const t0 = performance.now();
  const ts = runTsBaseline(rows, split, kq);
  const tuned = runTsBaseline(rows, split, kq, true);
  const tsSeconds = (performance.now() - t0) / 1000;
  let sk: Figures | undefined;
  if (sklearnAvailable()) sk = runSklearnBaseline(rows, split, kq);

  console.log(`data: ${dataFile} (${rows.length} answers); respondent-grouped ${split.k}-fold, seed ${split.seed}; ${new Date().toISOString().slice(0, 10)}; engine ${revision}`);
  console.log(`baseline k-means k per question = codebook size: q2=${kq.q2}, q3=${kq.q3}; TS baselines took ${tsSeconds.toFixed(1)} s`);
  if (!engine) console.log('engine figures: not available (src/evaluation/eval.ts missing or failing) — baseline only');
  else if (engine.note) console.log(`engine: ${engine.note}`);
  console.log();
  const columns: Array<[string, Figures | undefined]> = [['TF-IDF+LR defaults (TS)', ts]];
  if (sk) columns.push(['TF-IDF+LR defaults (sklearn)', sk]);
  columns.push(['TF-IDF+LR tuned (TS)', tuned]);
  if (engine?.zeroShot) columns.push(['engine zero-shot', engine.zeroShot]);
  if (engine?.kfold) columns.push(['engine grouped k-fold', engine.kfold]);
  console.log(renderTable(columns));

  const strongest = Math.max(meanF1(ts), meanF1(tuned), sk ? meanF1(sk) : -Infinity);
  const result: Record<string, unknown> = { data: dataFile, split, baselineTs: ts, baselineSklearn: sk, baselineTuned: tuned, engine };
  console.log();
  if (engine?.kfold) {
    const margin = meanF1(engine.kfold) - strongest;
    result.margin = margin;
    console.log(
      `mean-F1 margin, engine grouped k-fold − strongest baseline: ${meanF1(engine.kfold).toFixed(3)} − ${strongest.toFixed(3)} = ${margin.toFixed(3)}` +
        ` (required ≥ 0.100: ${margin >= 0.1 ? 'MET' : 'NOT MET'})`,
    );
  } else {
    console.log(`strongest baseline mean F1: ${strongest.toFixed(3)} (engine must reach ≥ ${(strongest + 0.1).toFixed(3)})`);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
