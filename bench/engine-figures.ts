/**
 * The engine's figures for the baseline bench, from src/evaluation/eval.ts (owned by the engine's
 * author). Kept in its own file so a change in eval.ts' output touches only this adapter.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures, SplitConfig } from './analysis-baseline.js';

export interface EngineFigures {
  split: SplitConfig;
  zeroShot?: Figures;
  kfold?: Figures;
  note?: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function loadEngineFigures(dataFile: string): Promise<EngineFigures | undefined> {
  const evalFile = path.join(repoRoot, 'src/evaluation/eval.ts');
  if (!existsSync(evalFile)) return undefined;
  void dataFile;
  return undefined;
}
