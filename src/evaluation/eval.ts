/**
 * `npm run eval -- <labelled.jsonl> [--json] [--folds 5] [--seed 7] [--errors odd]`
 *
 * Two modes side by side:
 *  (a) zero-shot: built-in codebook only, nothing from the file used for training;
 *  (b) respondent-grouped k-fold: the training folds' labels are fed to the engine as corrections, the
 *      held-out fold is coded. Clustering in (b) runs once over all answers using the out-of-fold codes
 *      (passed back as the engine's corrections, so no gold label of a test answer is ever used).
 * Every figure is printed for all respondents and for the odd (development) and even (untouched) halves.
 */
import { analyze, type AnalysisResult, type AnsweredCodes, type Correction } from '../analysis/index.js';
import { isOddRespondent, loadLabelled, toAnswers, toCorrections, type LabelledAnswer } from './dataset.js';
import { groupedKFold } from './folds.js';
import { accuracy, adjustedRandIndex, macroF1, microF1, normalizedMutualInfo } from './metrics.js';


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
  cluster_q2_ari: number;
  cluster_q2_nmi: number;
  cluster_q3_ari: number;
  cluster_q3_nmi: number;
}

type Predictions = Map<string, AnsweredCodes>;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scores predictions against gold for the given rows. */
export function score(rows: LabelledAnswer[], pred: Predictions): Scores {
  const q = (key: string): LabelledAnswer[] => rows.filter((r) => r.question === key);
  const f1 = (key: string, gold: (r: LabelledAnswer) => string[] | undefined, p: (a: AnsweredCodes) => string[] | undefined): number => {
    const rs = q(key);
    return round(microF1(rs.map((r) => gold(r) ?? []), rs.map((r) => p(pred.get(r.id)!) ?? [])).f1);
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
  return {
    channels_f1: f1('q1', (r) => r.labels.channels, (a) => a.channels),
    meaning_themes_f1: f1('q2', (r) => r.labels.themes, (a) => a.themes),
    challenge_themes_f1: f1('q3', (r) => r.labels.themes, (a) => a.themes),
    challenge_type_accuracy: round(accuracy(typeGold, typePred)),
    challenge_type_macro_f1: round(macroF1(typeGold, typePred)),
    features_f1: f1('q4', (r) => r.labels.features, (a) => a.features),
    cluster_q2_ari: q2ari,
    cluster_q2_nmi: q2nmi,
    cluster_q3_ari: q3ari,
    cluster_q3_nmi: q3nmi,
  };
}

function byId(result: AnalysisResult): Predictions {
  return new Map(result.answers.map((a) => [a.id, a]));
}

/** (a) zero-shot: the built-in codebook alone. */
export function zeroShot(rows: LabelledAnswer[], seed: number): Predictions {
  return byId(analyze(toAnswers(rows), { seed }));
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

function main(argv: string[]): number {
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
  const errors = value('--errors', '');
  const path = args[0];
  if (!path) {
    console.error('usage: npm run eval -- <labelled.jsonl> [--json] [--folds 5] [--seed 7] [--errors zero|kfold]');
    return 2;
  }
  const rows = loadLabelled(path);
  const t0 = performance.now();
  const zs = zeroShot(rows, seed);
  const kf = kFold(rows, folds, seed);
  const ms = Math.round(performance.now() - t0);
  const odd = rows.filter((r) => isOddRespondent(r.respondent));
  const even = rows.filter((r) => !isOddRespondent(r.respondent));
  const report = {
    file: path,
    answers: rows.length,
    respondents: new Set(rows.map((r) => r.respondent)).size,
    folds,
    seed,
    zero_shot: { all: score(rows, zs), odd: score(odd, zs), even: score(even, zs) },
    grouped_kfold: { all: score(rows, kf), odd: score(odd, kf), even: score(even, kf) },
    ms,
  };
  if (errors === 'zero') printErrors(rows, zs, 'zero-shot');
  if (errors === 'kfold') printErrors(rows, kf, 'k-fold');
  if (json) {
    say(JSON.stringify(report, null, 2));
    return 0;
  }
  const keys = Object.keys(report.zero_shot.all) as Array<keyof Scores>;
  const pad = (s: string, n: number): string => s.padEnd(n);
  say(`${path}: ${rows.length} answers, ${report.respondents} respondents; ${folds}-fold grouped by respondent; ${ms} ms`);
  say(`${pad('metric', 26)}${pad('zero-shot', 10)}${pad('(odd)', 8)}${pad('(even)', 9)}| ${pad('k-fold', 8)}${pad('(odd)', 8)}(even)`);
  for (const k of keys) {
    const z = report.zero_shot;
    const f = report.grouped_kfold;
    say(`${pad(k, 26)}${pad(z.all[k].toFixed(3), 10)}${pad(z.odd[k].toFixed(3), 8)}${pad(z.even[k].toFixed(3), 9)}| ${pad(f.all[k].toFixed(3), 8)}${pad(f.odd[k].toFixed(3), 8)}${f.even[k].toFixed(3)}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
