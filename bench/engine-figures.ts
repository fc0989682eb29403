/**
 * The engine's figures for the baseline bench, from src/evaluation/eval.ts (owned by the engine's
 * author). eval.ts runs its CLI on import, so it is spawned (`eval.ts <file> --json --folds K
 * --seed S`) rather than imported; this adapter is the only place that knows its JSON shape.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures, SplitConfig } from './analysis-baseline.js';
import type { Scores } from '../src/evaluation/eval.js';

export interface EngineFigures {
  split: SplitConfig;
  zeroShot?: Figures;
  kfold?: Figures;
  note?: string;
}

/** eval.ts' `Scores` (snake_case keys); type-only import, so eval.ts does not run. */
type EvalScores = Scores;

interface EvalReport {
  folds: number;
  seed: number;
  ms: number;
  zero_shot: { all: EvalScores };
  grouped_kfold: { all: EvalScores };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** eval.ts' defaults; passed explicitly so both sides use the same split even if those change. */
export const ENGINE_SPLIT: SplitConfig = { k: 5, seed: 7 };
const TIMEOUT_MS = 20 * 60 * 1000;

function toFigures(s: EvalScores): Figures {
  return {
    channelsF1: s.channels_f1,
    meaningThemesF1: s.meaning_themes_f1,
    challengeThemesF1: s.challenge_themes_f1,
    challengeTypeAccuracy: s.challenge_type_accuracy,
    challengeTypeMacroF1: s.challenge_type_macro_f1,
    featuresF1: s.features_f1,
    ariQ2: s.cluster_q2_ari,
    nmiQ2: s.cluster_q2_nmi,
    ariQ3: s.cluster_q3_ari,
    nmiQ3: s.cluster_q3_nmi,
  };
}

export function loadEngineFigures(dataFile: string, split: SplitConfig = ENGINE_SPLIT): EngineFigures | undefined {
  const evalFile = path.join(repoRoot, 'src/evaluation/eval.ts');
  if (!existsSync(evalFile)) return undefined;
  const res = spawnSync(process.execPath, ['--import', 'tsx', evalFile, dataFile, '--json', '--folds', String(split.k), '--seed', String(split.seed)], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    return { split, note: `eval.ts failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`}): ${(res.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` };
  }
  // The report is the JSON object at the end of stdout (anything the engine logs comes before it).
  const start = res.stdout.indexOf('{\n');
  const report = JSON.parse(res.stdout.slice(start)) as EvalReport;
  return {
    split: { k: report.folds, seed: report.seed },
    zeroShot: toFigures(report.zero_shot.all),
    kfold: toFigures(report.grouped_kfold.all),
    note: `src/evaluation/eval.ts --folds ${report.folds} --seed ${report.seed} (${(report.ms / 1000).toFixed(1)} s)`,
  };
}
