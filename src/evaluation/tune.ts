/**
 * `npx tsx src/evaluation/tune.ts [name=value …]` — how the coder's settings were chosen: respondent-
 * grouped 5-fold cross-validation on the training corpus ONLY (data/training; the dev and sealed
 * sets are not read). Prints, per code group, out-of-fold micro-F1 at per-code thresholds chosen
 * on the out-of-fold probabilities (optimistic in the same way for every setting, so settings
 * compare fairly), the challenge_type macro-F1 and their mean.
 *
 * Settings: C, correctionWeight, exampleWeight, typeBlend and the block weights word, bigram, char,
 * cue, gaz, length, e.g. `tune.ts C=2 char=1.2`.
 */
import { BUILTIN_CODEBOOK } from '../analysis/codebook/index.js';
import { chooseThresholds, microF1Of, outOfFold } from '../analysis/coding/calibrate.js';
import { HYPER } from '../analysis/coding/coder.js';
import { BLOCK } from '../analysis/coding/featurize.js';
import { macroF1 } from './metrics.js';

function main(argv: string[]): void {
  for (const a of argv) {
    const [k, v] = a.split('=');
    const x = Number(v);
    if (k in BLOCK) (BLOCK as Record<string, number>)[k] = x;
    else if (k in HYPER) (HYPER as unknown as Record<string, number>)[k] = x;
    else throw new Error(`unknown setting ${k}`);
  }
  const t0 = performance.now();
  const parts: number[] = [];
  const line: string[] = [];
  for (const g of BUILTIN_CODEBOOK.groups) {
    const oof = outOfFold(g);
    const max = HYPER.maxCodes[g.output] ?? 3;
    const cal = chooseThresholds(oof, g, max);
    const f = microF1Of(oof, g, Float64Array.from(oof.codes, (c) => cal.thresholds[c]), cal.minTop, max);
    const f03 = microF1Of(oof, g, new Float64Array(oof.codes.length).fill(0.3), cal.minTop, max);
    parts.push(f);
    line.push(`${g.role} ${f.toFixed(3)} (t=0.3: ${f03.toFixed(3)})`);
    if (g.role === 'challenges') {
      const rows = oof.rows.filter((r) => r.goldType);
      const tf = macroF1(rows.map((r) => r.goldType!), rows.map((r) => r.predType ?? 'none'));
      parts.push(tf);
      line.push(`type ${tf.toFixed(3)}`);
    }
  }
  const mean = parts.reduce((s, x) => s + x, 0) / parts.length;
  process.stdout.write(`${argv.join(' ') || '(defaults)'}: mean ${mean.toFixed(4)} | ${line.join(' | ')} | ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

main(process.argv.slice(2));
