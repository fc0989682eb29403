/**
 * `npm run eval` — figures of the analysis engine on data it never saw.
 *
 * Without arguments:
 *  1. the sealed test sets (data/sealed/*.jsonl; written apart from the training corpus, never used
 *     to tune anything): aggregate figures only — no text, no per-answer error is printed;
 *  2. the shared dev corpus (../shared/data/interviews-dev.jsonl, when it exists), odd and even
 *     respondents side by side (the engine never trains on it);
 *  3. the learning curve on both: correct 0/5/10/20 % of the respondents (their gold labels fed as
 *     the campaign's corrections), score the others, averaged over seeded draws.
 * The shipped model trains on data/training only, so none of these is in-sample.
 *
 * With a file: `npm run eval -- <labelled.jsonl> [--json] [--folds 5] [--seed 7] [--errors zero|kfold]`
 * prints (a) the engine as shipped and (b) respondent-grouped k-fold with the training folds of the
 * file fed as corrections, for all respondents and the odd/even halves (bench/engine-figures.ts
 * reads the --json form). --errors prints per-answer errors of odd respondents — never use it on
 * the sealed set.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult, type AnsweredCodes, type Correction } from '../analysis/index.js';
import { runAnalyzeCommand } from '../cli/analyze.command.js';
import { isOddRespondent, loadLabelled, toAnswers, toCorrections, type LabelledAnswer } from './dataset.js';
import { QUOTES_BY_PRIORITY } from '../analysis/requirements.js';
import type { Moscow } from '../analysis/types.js';
import { groupedKFold, mulberry32, shuffled } from './folds.js';
import { accuracy, adjustedRandIndex, macroF1, microF1, normalizedMutualInfo } from './metrics.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The sealed sets in the order they were written. Each new one was written because the ones before
 * had been read often enough (or changes had been made after reading them) that their figures were
 * no longer untouched: the newest set is the clean figure, the older ones are printed for the record.
 */
const SEALED_SETS: Array<{ label: string; file: string; byOrganisation: boolean }> = [
  { label: 'sealed 1', file: path.join(repoRoot, 'data/sealed/test.jsonl'), byOrganisation: false },
  { label: 'sealed 2', file: path.join(repoRoot, 'data/sealed/campaigns.jsonl'), byOrganisation: true },
  { label: 'sealed 3', file: path.join(repoRoot, 'data/sealed/campaigns-3.jsonl'), byOrganisation: true },
  { label: 'sealed 4', file: path.join(repoRoot, 'data/sealed/campaigns-4.jsonl'), byOrganisation: true },
];
export const DEV_FILE = path.resolve(repoRoot, '../shared/data/interviews-dev.jsonl');

/** This is a terminal report (like the CLI): it writes to stdout, not to the app's logger. */
function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

export interface Scores {
  channels_f1: number;
  meaning_themes_f1: number;
  challenge_themes_f1: number;
  challenge_type_accuracy: number;
  challenge_type_macro_f1: number;
  features_f1: number;
  /**
   * Mean F1: the mean of channels, meaning-themes, challenge-themes and features micro-F1 and the
   * challenge_type macro-F1 (five numbers, equal weight).
   */
  mean_f1: number;
  /** share of technical among the gold-typed q3 answers, and among the predicted ones */
  technical_share_gold: number;
  technical_share_pred: number;
  cluster_q2_ari: number;
  cluster_q2_nmi: number;
  cluster_q3_ari: number;
  cluster_q3_nmi: number;
}

type Predictions = Map<string, AnsweredCodes>;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Scores predictions against gold for the given rows. Codes: micro-F1 per question over the rows'
 * code sets. challenge_type: over the q3 rows that have a gold type; a missing predicted type counts
 * as the label "none" (so leaving the type out when the answer has one costs).
 */
export function score(rows: LabelledAnswer[], pred: Predictions): Scores {
  const q = (key: string): LabelledAnswer[] => rows.filter((r) => r.question === key);
  const f1 = (key: string, gold: (r: LabelledAnswer) => string[] | undefined, p: (a: AnsweredCodes) => string[] | undefined): number => {
    const rs = q(key);
    return microF1(rs.map((r) => gold(r) ?? []), rs.map((r) => p(pred.get(r.id)!) ?? [])).f1;
  };
  const q3 = q('q3').filter((r) => r.labels.challenge_type);
  const typeGold = q3.map((r) => r.labels.challenge_type as string);
  const typePred = q3.map((r) => pred.get(r.id)?.challenge_type ?? 'none');
  const clusterScores = (key: string): [number, number] => {
    const rs = q(key).filter((r) => (r.labels.themes?.length ?? 0) > 0);
    const gold = rs.map((r) => r.labels.themes![0]);
    const cl = rs.map((r) => pred.get(r.id)?.cluster ?? 'none');
    return [round(adjustedRandIndex(gold, cl)), round(normalizedMutualInfo(gold, cl))];
  };
  const [q2ari, q2nmi] = clusterScores('q2');
  const [q3ari, q3nmi] = clusterScores('q3');
  const channels = f1('q1', (r) => r.labels.channels, (a) => a.channels);
  const meaning = f1('q2', (r) => r.labels.themes, (a) => a.themes);
  const challenges = f1('q3', (r) => r.labels.themes, (a) => a.themes);
  const typeF1 = macroF1(typeGold, typePred);
  const features = f1('q4', (r) => r.labels.features, (a) => a.features);
  const predTyped = q('q3').map((r) => pred.get(r.id)?.challenge_type).filter((t) => t !== undefined);
  const share = (list: string[]): number => (list.length === 0 ? 0.5 : list.filter((t) => t === 'technical').length / list.length);
  return {
    channels_f1: round(channels),
    meaning_themes_f1: round(meaning),
    challenge_themes_f1: round(challenges),
    challenge_type_accuracy: round(accuracy(typeGold, typePred)),
    challenge_type_macro_f1: round(typeF1),
    features_f1: round(features),
    mean_f1: round((channels + meaning + challenges + typeF1 + features) / 5),
    technical_share_gold: round(share(typeGold)),
    technical_share_pred: round(share(predTyped as string[])),
    cluster_q2_ari: q2ari,
    cluster_q2_nmi: q2nmi,
    cluster_q3_ari: q3ari,
    cluster_q3_nmi: q3nmi,
  };
}

function byId(result: AnalysisResult): Predictions {
  return new Map(result.answers.map((a) => [a.id, a]));
}

/** (a) the engine as shipped: trained on data/training, nothing from the file. */
export function zeroShot(rows: LabelledAnswer[], seed: number): { pred: Predictions; result: AnalysisResult } {
  const result = analyze(toAnswers(rows), { seed });
  return { pred: byId(result), result };
}

/** (b) grouped k-fold with the training folds as corrections; clustering on out-of-fold codes. */
export function kFold(rows: LabelledAnswer[], folds: number, seed: number): Predictions {
  const pred: Predictions = new Map();
  for (const { train, test } of groupedKFold(rows, (r) => r.respondent, folds, seed)) {
    const res = analyze(toAnswers(test), { seed, corrections: toCorrections(train), skipClustering: true });
    for (const a of res.answers) pred.set(a.id, a);
  }
  // Out-of-fold codes as corrections: the engine's correction memory returns them verbatim, so the
  // clusters are built from predictions only.
  const oof: Correction[] = rows.map((r) => {
    const a = pred.get(r.id)!;
    return { text: r.text, question: r.question, channels: a.channels, themes: a.themes, features: a.features, challenge_type: a.challenge_type };
  });
  const clustered = analyze(toAnswers(rows), { seed, corrections: oof });
  for (const a of clustered.answers) pred.get(a.id)!.cluster = a.cluster;
  return pred;
}

export interface CurvePoint {
  fraction: number;
  /** respondents corrected per draw */
  corrected: number;
  /** mean F1 on the uncorrected respondents, averaged over draws */
  meanF1: number;
  /** the same respondents without corrections, averaged over the same draws */
  baseline: number;
  /** meanF1 − baseline, averaged over draws */
  lift: number;
  /** smallest lift of a single draw */
  minLift: number;
}

/**
 * Learning curve: per draw (seeded), a fraction of the respondents is "corrected" — their gold
 * labels become the campaign's corrections — and mean F1 is measured on the other respondents,
 * with and without those corrections. With `campaignOf`, the rows are separate campaigns (one
 * organisation each, as in the product): the corrected respondents are drawn within a campaign and
 * scored on that campaign's others; figures are averaged over campaigns and draws.
 */
export function learningCurve(rows: LabelledAnswer[], fractions: number[], draws: number, seed: number, campaignOf: (r: LabelledAnswer) => string = () => ''): CurvePoint[] {
  const baseAll = byId(analyze(toAnswers(rows), { seed, skipClustering: true }));
  const campaigns = [...new Set(rows.map(campaignOf))].sort();
  return fractions.map((fraction) => {
    let sum = 0;
    let base = 0;
    let corrected = 0;
    let minLift = Infinity;
    for (const campaign of campaigns) {
      const inCampaign = rows.filter((r) => campaignOf(r) === campaign);
      const respondents = [...new Set(inCampaign.map((r) => r.respondent))].sort();
      const n = Math.round(fraction * respondents.length);
      corrected += n;
      for (let d = 0; d < draws; d++) {
        const chosen = new Set(shuffled(respondents, mulberry32(seed * 1000 + d)).slice(0, n));
        const rest = inCampaign.filter((r) => !chosen.has(r.respondent));
        const corrections = toCorrections(inCampaign.filter((r) => chosen.has(r.respondent)));
        const pred = n === 0 ? baseAll : byId(analyze(toAnswers(rest), { seed, corrections, skipClustering: true }));
        const f = score(rest, pred).mean_f1;
        const b = score(rest, baseAll).mean_f1;
        sum += f;
        base += b;
        minLift = Math.min(minLift, f - b);
      }
    }
    const k = draws * campaigns.length;
    return { fraction, corrected: Math.round(corrected / campaigns.length), meanF1: round(sum / k), baseline: round(base / k), lift: round((sum - base) / k), minLift: round(minLift) };
  });
}

function printErrors(rows: LabelledAnswer[], pred: Predictions, title: string): void {
  say(`\n# errors (${title}, odd respondents only)`);
  for (const r of rows) {
    if (!isOddRespondent(r.respondent)) continue;
    const a = pred.get(r.id)!;
    const pairs: Array<[string, string[] | string | undefined, string[] | string | undefined]> = [
      ['channels', r.labels.channels, a.channels],
      ['themes', r.labels.themes, a.themes],
      ['features', r.labels.features, a.features],
      ['type', r.labels.challenge_type, a.challenge_type],
    ];
    for (const [name, gold, p] of pairs) {
      if (gold === undefined) continue;
      const g = Array.isArray(gold) ? [...gold].sort().join(',') : gold;
      const pp = Array.isArray(p) ? [...p].sort().join(',') : (p ?? '');
      if (g !== pp) say(`${r.id} ${name}: gold=[${Array.isArray(gold) ? gold.join(',') : gold}] pred=[${Array.isArray(p) ? p.join(',') : p}]\n    ${r.text}`);
    }
  }
}

const pad = (s: string, n: number): string => s.padEnd(n);
const METRICS: Array<[keyof Scores, string, string]> = [
  ['mean_f1', 'mean F1 (5 figures below)', '≥ 0.85'],
  ['channels_f1', 'channels micro-F1', '≥ 0.92'],
  ['meaning_themes_f1', 'meaning-themes micro-F1', '≥ 0.75'],
  ['challenge_themes_f1', 'challenge-themes micro-F1', '≥ 0.75'],
  ['challenge_type_macro_f1', 'challenge_type macro-F1', '≥ 0.85'],
  ['features_f1', 'features micro-F1', '≥ 0.80'],
  ['challenge_type_accuracy', 'challenge_type accuracy', ''],
  ['technical_share_gold', 'technical share, gold', ''],
  ['technical_share_pred', 'technical share, engine', '± 0.05'],
  ['cluster_q2_ari', 'clustering ARI q2', ''],
  ['cluster_q2_nmi', 'clustering NMI q2', ''],
  ['cluster_q3_ari', 'clustering ARI q3', ''],
  ['cluster_q3_nmi', 'clustering NMI q3', ''],
];

function printCurve(title: string, curve: CurvePoint[], draws: number): void {
  say(`\nlearning curve, ${title} (${draws} seeded draws; corrected respondents' gold labels as corrections; scored on the others)`);
  say(`${pad('corrected', 12)}${pad('respondents', 13)}${pad('mean F1', 10)}${pad('without', 10)}${pad('lift', 9)}min lift of a draw`);
  for (const p of curve) {
    say(`${pad(`${Math.round(p.fraction * 100)} %`, 12)}${pad(String(p.corrected), 13)}${pad(p.meanF1.toFixed(3), 10)}${pad(p.baseline.toFixed(3), 10)}${pad((p.lift >= 0 ? '+' : '') + p.lift.toFixed(3), 9)}${(p.minLift >= 0 ? '+' : '') + p.minLift.toFixed(3)}`);
  }
}

/** The default report: sealed set, dev halves, learning curves. */
/**
 * Evidence precision of the requirements (issue 14): the labelled answers go through the CLI
 * (`workplace-voice analyze`, in-process), and every quote under a requirement counts as right
 * when a human coder gave its answer one of that requirement's codes.
 */
export async function evidencePrecision(rows: LabelledAnswer[]): Promise<{ quotes: number; right: number; precision: number; requirements: number; shown: number; shownRight: number; shownPrecision: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-eval-'));
  try {
    const input = path.join(dir, 'answers.jsonl');
    const output = path.join(dir, 'result.json');
    writeFileSync(input, rows.map((r) => JSON.stringify({ id: r.id, question: r.question, text: r.text, lang: r.lang, respondent: r.respondent, ...r.segments })).join('\n'));
    const code = await runAnalyzeCommand([input, '--out', output]);
    if (code !== 0) throw new Error(`workplace-voice analyze exited with ${code}`);
    const result = JSON.parse(readFileSync(output, 'utf8')) as { requirements: Array<{ codes?: string[]; priority: Moscow; source: { code: string }; evidence: Array<{ id: string }> }> };
    const gold = new Map(rows.map((r) => [r.id, new Set([...(r.labels.themes ?? []), ...(r.labels.features ?? [])])]));
    let quotes = 0;
    let right = 0;
    let shown = 0;
    let shownRight = 0;
    for (const req of result.requirements) {
      const codes = req.codes ?? [req.source.code];
      req.evidence.forEach((e, rank) => {
        const ok = codes.some((c) => gold.get(e.id)?.has(c));
        quotes += 1;
        if (ok) right += 1;
        // Also what a reader of the report sees before any curation: the first quotes, as many as the priority allows.
        if (rank < QUOTES_BY_PRIORITY[req.priority]) {
          shown += 1;
          if (ok) shownRight += 1;
        }
      });
    }
    const ratio = (a: number, b: number): number => (b ? Math.round((a / b) * 1000) / 1000 : 0);
    return { quotes, right, precision: ratio(right, quotes), requirements: result.requirements.length, shown, shownRight, shownPrecision: ratio(shownRight, shown) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SealedFigures {
  label: string;
  file: string;
  answers: number;
  respondents: number;
  campaigns: number;
  scores: Scores;
  interval?: [number, number];
  stance: string;
  curve: CurvePoint[];
  evidence: Awaited<ReturnType<typeof evidencePrecision>>;
}

/** Zero-shot scores, learning curve and evidence precision of one sealed file (aggregates only). */
async function sealedFigures(label: string, file: string, seed: number, draws: number, fractions: number[], byOrganisation: boolean): Promise<SealedFigures> {
  const rows = loadLabelled(file);
  const s = zeroShot(rows, seed);
  const campaignOf = byOrganisation ? (r: LabelledAnswer) => r.org ?? '' : () => '';
  return {
    label,
    file: path.relative(repoRoot, file),
    answers: rows.length,
    respondents: new Set(rows.map((r) => r.respondent)).size,
    campaigns: new Set(rows.map(campaignOf)).size,
    scores: score(rows, s.pred),
    interval: s.result.summary.challengeBalance.interval,
    stance: s.result.summary.rolloutReadiness.stance,
    curve: learningCurve(rows, fractions, draws, seed, campaignOf),
    evidence: await evidencePrecision(rows),
  };
}

async function defaultReport(json: boolean, seed: number, draws: number): Promise<number> {
  const t0 = performance.now();
  const report: Record<string, unknown> = { seed };
  const fractions = [0, 0.05, 0.1, 0.2];
  // Sealed set 1 holds respondents of 40 different organisations; the later ones are written as
  // campaigns of one organisation each — what the product runs — and their learning curves draw the
  // corrected respondents within a campaign.
  const sealed: SealedFigures[] = [];
  for (const set of SEALED_SETS) if (existsSync(set.file)) sealed.push(await sealedFigures(set.label, set.file, seed, draws, fractions, set.byOrganisation));
  report.sealed = sealed;
  let dev: { all: Scores; odd: Scores; even: Scores } | undefined;
  let devCurve: CurvePoint[] | undefined;
  let devEvidence: Awaited<ReturnType<typeof evidencePrecision>> | undefined;
  if (existsSync(DEV_FILE)) {
    const rows = loadLabelled(DEV_FILE);
    const p = zeroShot(rows, seed).pred;
    dev = { all: score(rows, p), odd: score(rows.filter((r) => isOddRespondent(r.respondent)), p), even: score(rows.filter((r) => !isOddRespondent(r.respondent)), p) };
    devCurve = learningCurve(rows, fractions, draws, seed);
    devEvidence = await evidencePrecision(rows);
    report.dev = dev;
    report.dev_curve = devCurve;
    report.dev_evidence = devEvidence;
  }
  report.ms = Math.round(performance.now() - t0);
  if (json) {
    say(JSON.stringify(report, null, 2));
    return 0;
  }
  say(`engine as shipped (trained on data/training only); seed ${seed}; ${report.ms} ms`);
  for (const x of sealed) say(`${x.label}: ${x.file}, ${x.answers} answers, ${x.respondents} respondents${x.campaigns > 1 ? `, ${x.campaigns} campaigns` : ''} (aggregate figures only)`);
  say(dev ? `dev: ../shared/data/interviews-dev.jsonl, odd/even respondents` : 'dev: ../shared/data/interviews-dev.jsonl not found — sealed sets only');
  say(`${pad('metric', 28)}${pad('target', 9)}${sealed.map((x) => pad(x.label, 10)).join('')}${dev ? `${pad('dev all', 9)}${pad('dev odd', 9)}dev even` : ''}`);
  for (const [k, name, target] of METRICS) {
    say(`${pad(name, 28)}${pad(target, 9)}${sealed.map((x) => pad(x.scores[k].toFixed(3), 10)).join('')}${dev ? `${pad(dev.all[k].toFixed(3), 9)}${pad(dev.odd[k].toFixed(3), 9)}${dev.even[k].toFixed(3)}` : ''}`);
  }
  for (const x of sealed) {
    const iv = x.interval ?? [0, 1];
    say(`${x.label} technical share: engine ${x.scores.technical_share_pred.toFixed(3)} (bootstrap 95 % over respondents [${iv[0].toFixed(3)}, ${iv[1].toFixed(3)}]) vs gold ${x.scores.technical_share_gold.toFixed(3)}: ${(Math.abs(x.scores.technical_share_pred - x.scores.technical_share_gold) * 100).toFixed(1)} points; advice: ${x.stance}`);
  }
  say(`requirements' evidence precision (target >= 0.95; quotes whose answer a human coded with the requirement's code): ${sealed.map((x) => `${x.label} ${x.evidence.precision.toFixed(3)} (${x.evidence.right}/${x.evidence.quotes} quotes, ${x.evidence.requirements} requirements)`).join('; ')}${devEvidence ? `; dev ${devEvidence.precision.toFixed(3)} (${devEvidence.right}/${devEvidence.quotes})` : ''}`);
  say(`  of these, the quotes a report reader sees (must 3, should 2, could 1 per requirement, before curation): ${sealed.map((x) => `${x.label} ${x.evidence.shownPrecision.toFixed(3)} (${x.evidence.shownRight}/${x.evidence.shown})`).join('; ')}${devEvidence ? `; dev ${devEvidence.shownPrecision.toFixed(3)} (${devEvidence.shownRight}/${devEvidence.shown})` : ''}`);
  for (const x of sealed) printCurve(x.campaigns > 1 ? `${x.label} (within each of its ${x.campaigns} campaigns; respondents corrected per campaign)` : x.label, x.curve, draws);
  if (devCurve) printCurve('dev corpus', devCurve, draws);
  return 0;
}

/**
 * `npm run eval -- --dev [--no-curve]`: the dev corpus only (zero-shot odd/even and its learning
 * curve) — what development looks at between changes; never reads the sealed set.
 */
async function devReport(json: boolean, seed: number, draws: number, noCurve: boolean): Promise<number> {
  const t0 = performance.now();
  const rows = loadLabelled(DEV_FILE);
  const p = zeroShot(rows, seed).pred;
  const dev = { all: score(rows, p), odd: score(rows.filter((r) => isOddRespondent(r.respondent)), p), even: score(rows.filter((r) => !isOddRespondent(r.respondent)), p) };
  const curve = noCurve ? [] : learningCurve(rows, [0, 0.05, 0.1, 0.2], draws, seed);
  if (json) {
    say(JSON.stringify({ seed, dev, dev_curve: curve, ms: Math.round(performance.now() - t0) }, null, 2));
    return 0;
  }
  say(`dev corpus only (${rows.length} answers); seed ${seed}; ${Math.round(performance.now() - t0)} ms`);
  say(`${pad('metric', 28)}${pad('target', 9)}${pad('dev all', 9)}${pad('dev odd', 9)}dev even`);
  for (const [k, name, target] of METRICS) say(`${pad(name, 28)}${pad(target, 9)}${pad(dev.all[k].toFixed(3), 9)}${pad(dev.odd[k].toFixed(3), 9)}${dev.even[k].toFixed(3)}`);
  if (!noCurve) printCurve('dev corpus', curve, draws);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = argv.slice();
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const value = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const json = flag('--json');
  const folds = Number(value('--folds', '5'));
  const seed = Number(value('--seed', '7'));
  const draws = Number(value('--draws', '5'));
  const errors = value('--errors', '');
  const devOnly = flag('--dev');
  const file = args[0];
  if (devOnly) return devReport(json, seed, draws, flag('--no-curve'));
  if (!file) return defaultReport(json, seed, draws);
  if (SEALED_SETS.some((set) => set.file === path.resolve(file)) && errors) {
    process.stderr.write('eval: per-answer errors are never printed for the sealed set\n');
    return 2;
  }
  const rows = loadLabelled(file);
  const t0 = performance.now();
  const zs = zeroShot(rows, seed).pred;
  const kf = kFold(rows, folds, seed);
  const ms = Math.round(performance.now() - t0);
  const odd = rows.filter((r) => isOddRespondent(r.respondent));
  const even = rows.filter((r) => !isOddRespondent(r.respondent));
  const report = {
    file,
    answers: rows.length,
    respondents: new Set(rows.map((r) => r.respondent)).size,
    folds,
    seed,
    zero_shot: { all: score(rows, zs), odd: score(odd, zs), even: score(even, zs) },
    grouped_kfold: { all: score(rows, kf), odd: score(odd, kf), even: score(even, kf) },
    ms,
  };
  if (errors === 'zero') printErrors(rows, zs, 'as shipped');
  if (errors === 'kfold') printErrors(rows, kf, 'k-fold');
  if (json) {
    say(JSON.stringify(report, null, 2));
    return 0;
  }
  const keys = Object.keys(report.zero_shot.all) as Array<keyof Scores>;
  say(`${file}: ${rows.length} answers, ${report.respondents} respondents; ${folds}-fold grouped by respondent; ${ms} ms`);
  say(`${pad('metric', 26)}${pad('shipped', 10)}${pad('(odd)', 8)}${pad('(even)', 9)}| ${pad('k-fold', 8)}${pad('(odd)', 8)}(even)`);
  for (const k of keys) {
    const z = report.zero_shot;
    const f = report.grouped_kfold;
    say(`${pad(k, 26)}${pad(z.all[k].toFixed(3), 10)}${pad(z.odd[k].toFixed(3), 8)}${pad(z.even[k].toFixed(3), 9)}| ${pad(f.all[k].toFixed(3), 8)}${pad(f.odd[k].toFixed(3), 8)}${f.even[k].toFixed(3)}`);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
