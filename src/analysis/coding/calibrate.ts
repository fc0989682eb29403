/**
 * Cross-validation on the training corpus, grouped by respondent: out-of-fold probabilities for
 * every corpus answer of a group, and from them the per-code decision thresholds. Pure (the build
 * step src/evaluation/build-corpus.ts writes the result into model/calibration.generated.ts).
 */
import { mulberry32, shuffleInPlace } from '../random.js';
import type { CodeGroup } from '../types.js';
import type { GroupCalibration } from '../model/calibration.js';
import { trainingCorpus, voiceOf } from '../model/corpus.js';
import { codeAnswer, corpusDocs, decide, exampleDocs, trainGroupModel, type TrainDoc } from './coder.js';
import { readText } from './featurize.js';

export interface OutOfFold {
  codes: string[];
  /** per corpus answer of the group: gold codes, probabilities per code, technical weight (q3) */
  rows: Array<{ gold: string[]; goldType?: string; probs: Float64Array; technicalWeight?: number; predType?: string }>;
}

/** Respondent → fold, seeded (respondents in sorted order, shuffled, dealt round-robin). */
export function foldsOf(respondents: Iterable<string>, k: number, seed: number): Map<string, number> {
  const list = [...new Set(respondents)].sort();
  shuffleInPlace(list, mulberry32(seed));
  return new Map(list.map((r, i) => [r, i % k]));
}

/**
 * How the calibration folds are cut: by voice (each file of data/training — a region, sector and
 * register of its own — is one fold, so every answer is predicted by a model that never saw its
 * voice, as in a real campaign) or by respondent.
 */
export const CALIBRATION_FOLDS: 'respondent' | 'voice' = 'voice';

/** Respondent → fold by voice: the respondent id's prefix (dac-, deo-, …, cdi-; see corpus.ts voiceOf). */
export function voiceFolds(respondents: Iterable<string>): Map<string, number> {
  const prefixes = [...new Set([...respondents].map(voiceOf))].sort();
  return new Map([...new Set(respondents)].map((r) => [r, prefixes.indexOf(voiceOf(r))]));
}

/** Out-of-fold predictions for a group's corpus answers (k models, each without one fold). */
export function outOfFold(group: CodeGroup, k = 5, seed = 11, by: 'respondent' | 'voice' = CALIBRATION_FOLDS): OutOfFold {
  const corpus = trainingCorpus();
  const fold = by === 'voice' ? voiceFolds(corpus.map((d) => d.respondent)) : foldsOf(corpus.map((d) => d.respondent), k, seed);
  if (by === 'voice') k = new Set(fold.values()).size;
  const rows: OutOfFold['rows'] = [];
  const codes = group.codes.map((c) => c.id);
  const ids = new Set(codes);
  for (let f = 0; f < k; f++) {
    const train: TrainDoc[] = [...corpusDocs(group, (r) => fold.get(r) !== f), ...exampleDocs(group)];
    const model = trainGroupModel(group, train);
    for (const d of corpus) {
      if (fold.get(d.respondent) !== f) continue;
      if (group.role === 'custom' || !sameRole(d.question, group.role)) continue;
      const coded = codeAnswer(model, readText(d.text, d.lang || undefined, 'de'), d.text);
      rows.push({ gold: d.codes.filter((c) => ids.has(c)), goldType: d.challenge_type, probs: coded.probs, technicalWeight: coded.technical_weight, predType: coded.challenge_type });
    }
  }
  return { codes, rows };
}

function sameRole(question: string, role: string): boolean {
  const map: Record<string, string> = { q1: 'current_practice', q2: 'meaning', q3: 'challenges', q4: 'future' };
  return map[question] === role;
}

/** Micro-F1 of the decisions under the given thresholds and minTop. */
export function microF1Of(oof: OutOfFold, group: CodeGroup, thresholds: Float64Array, minTop: number, maxCodes: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const fake = { maxCodes } as Parameters<typeof decide>[0];
  for (const r of oof.rows) {
    const picked = new Set(decide(fake, r.probs, thresholds, minTop).map((c) => oof.codes[c]));
    for (const c of picked) (r.gold.includes(c) ? tp++ : fp++);
    for (const c of r.gold) if (!picked.has(c)) fn++;
  }
  void group;
  return 2 * tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * Thresholds: per code the one that maximises that code's out-of-fold F1, smoothed over
 * neighbouring thresholds (±0.05): the F1 curve of a code with a few dozen positives is flat and
 * noisy, and its raw maximum jumps with every small change of the features. Then the fallback
 * minTop that maximises the group's micro-F1.
 */
export function chooseThresholds(oof: OutOfFold, group: CodeGroup, maxCodes: number): GroupCalibration {
  const n = oof.codes.length;
  const grid: number[] = [];
  for (let t = 0.1; t <= 0.7001; t += 0.025) grid.push(Math.round(t * 1000) / 1000);
  const thresholds = new Float64Array(n).fill(0.3);
  for (let c = 0; c < n; c++) {
    const f1s = grid.map((t) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const r of oof.rows) {
        const g = r.gold.includes(oof.codes[c]);
        const p = r.probs[c] >= t;
        if (g && p) tp++;
        else if (p) fp++;
        else if (g) fn++;
      }
      return 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    });
    let best = -1;
    for (let i = 0; i < grid.length; i++) {
      let sum = 0;
      let k = 0;
      for (let j = Math.max(0, i - 2); j <= Math.min(grid.length - 1, i + 2); j++) {
        sum += f1s[j];
        k++;
      }
      if (sum / k > best + 1e-9) {
        best = sum / k;
        thresholds[c] = grid[i];
      }
    }
  }
  let minTop = 1;
  let bestF = microF1Of(oof, group, thresholds, 1, maxCodes);
  for (let m = 0; m <= 0.5001; m += 0.025) {
    const f = microF1Of(oof, group, thresholds, m, maxCodes);
    if (f > bestF + 1e-9) {
      bestF = f;
      minTop = Math.round(m * 1000) / 1000;
    }
  }
  const out: Record<string, number> = {};
  oof.codes.forEach((c, i) => (out[c] = thresholds[i]));
  return { thresholds: out, minTop };
}
