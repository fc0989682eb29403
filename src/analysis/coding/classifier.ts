import { BayesClassifier } from '../text/nlp.js';

/**
 * A naive Bayes classifier trained with natural's BayesClassifier, scored sparsely.
 *
 * Training goes through natural (addDocument/train), once per run. For scoring we read the trained
 * counts back and evaluate only the features present in an answer: natural's own
 * getClassifications() first builds a dense 0/1 vector over the whole vocabulary with an indexOf per
 * feature (O(vocabulary × answer length) per answer), which would dominate a 100,000-answer run. The
 * sparse sum below is the same formula natural/apparatus uses (log prior + Σ log(count/total) over
 * present features, unseen features skipped), so results are identical, just faster.
 */
export class SparseBayes {
  private readonly labels: string[] = [];
  private readonly logPrior: number[] = [];
  /** feature → per-label log-likelihood */
  private readonly logLik = new Map<string, Float64Array>();
  private readonly defaultLogLik: number[] = [];
  readonly trainingSize: number;

  constructor(docs: Array<{ features: string[]; label: string }>, smoothing = 1) {
    const nb = new BayesClassifier(undefined, smoothing);
    for (const d of docs) if (d.features.length > 0) nb.addDocument(d.features, d.label);
    this.trainingSize = nb.docs.length;
    if (nb.docs.length === 0) return;
    nb.train();
    // The apparatus classifier keeps counts keyed by feature position in nb.features' key order.
    const apparatus = nb.classifier as unknown as {
      classFeatures: Record<string, Record<number, number>>;
      classTotals: Record<string, number>;
      totalExamples: number;
      smoothing: number;
    };
    const featureNames = Object.keys(nb.features);
    this.labels.push(...Object.keys(apparatus.classFeatures).sort());
    for (const label of this.labels) {
      const total = apparatus.classTotals[label];
      this.logPrior.push(Math.log(total / apparatus.totalExamples));
      this.defaultLogLik.push(Math.log(apparatus.smoothing / total));
    }
    featureNames.forEach((name, i) => {
      const row = new Float64Array(this.labels.length);
      this.labels.forEach((label, l) => {
        const count = apparatus.classFeatures[label][i] || apparatus.smoothing;
        row[l] = Math.log(count / apparatus.classTotals[label]);
      });
      this.logLik.set(name, row);
    });
  }

  get size(): number {
    return this.labels.length;
  }

  /** Index of a label in posteriorInto()'s output, or -1. */
  labelIndex(label: string): number {
    return this.labels.indexOf(label);
  }

  /**
   * posterior() into a reused array (per label index, see labelIndex), without allocating: the same
   * arithmetic in the same order, so the same numbers. Returns false when untrained.
   */
  posteriorInto(features: string[], out: Float64Array): boolean {
    const n = this.labels.length;
    if (n === 0) return false;
    for (let l = 0; l < n; l++) out[l] = this.logPrior[l];
    let seen = 0;
    for (const f of features) {
      const row = this.logLik.get(f);
      if (!row) continue;
      seen++;
      for (let l = 0; l < n; l++) out[l] += row[l];
    }
    if (seen === 0) {
      out.fill(0, 0, n);
      return true;
    }
    const temper = Math.sqrt(seen);
    for (let l = 0; l < n; l++) out[l] /= temper;
    let max = -Infinity;
    for (let l = 0; l < n; l++) if (out[l] > max) max = out[l];
    let sum = 0;
    for (let l = 0; l < n; l++) {
      const e = Math.exp(out[l] - max);
      out[l] = e;
      sum += e;
    }
    for (let l = 0; l < n; l++) out[l] = out[l] / sum;
    return true;
  }

  /** Posterior probabilities per label (softmax of the log scores), or {} when untrained. */
  posterior(features: string[]): Record<string, number> {
    const n = this.labels.length;
    if (n === 0) return {};
    const score = this.logPrior.slice();
    let seen = 0;
    for (const f of features) {
      const row = this.logLik.get(f);
      if (!row) continue;
      seen++;
      for (let l = 0; l < n; l++) score[l] += row[l];
    }
    const out: Record<string, number> = {};
    if (seen === 0) {
      for (const label of this.labels) out[label] = 0;
      return out;
    }
    // Naive Bayes is overconfident (every feature multiplies in as if independent): temper the log
    // scores by √(features seen) so one answer's posterior is a usable vote next to lexicon evidence.
    const temper = Math.sqrt(seen);
    for (let l = 0; l < n; l++) score[l] /= temper;
    let max = -Infinity;
    for (const s of score) if (s > max) max = s;
    let sum = 0;
    const exp = score.map((s) => {
      const e = Math.exp(s - max);
      sum += e;
      return e;
    });
    this.labels.forEach((label, l) => {
      out[label] = exp[l] / sum;
    });
    return out;
  }
}
