/**
 * Evaluation metrics for the analysis engine and its baseline.
 *
 * Pure functions, no dependencies, so the engine's eval runner and the bench baseline compute
 * the figures of issue 3 with exactly the same code.
 *
 * Conventions (chosen so averages over tasks stay finite and comparable with scikit-learn):
 * - Inputs of different length are a programming error: RangeError.
 * - Zero-denominator cases follow the "nothing to get wrong" reading: when there is no gold label
 *   and no prediction at all, precision/recall/F1 are 1; when only one side is empty the missing
 *   ratio is 0. Zero items count as vacuously perfect (1) for every metric.
 * - ARI and NMI match scikit-learn's `adjusted_rand_score` and
 *   `normalized_mutual_info_score(average_method="arithmetic")`, including their limit cases.
 */

function sameLength(a: readonly unknown[], b: readonly unknown[], what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: gold has ${a.length} items but pred has ${b.length}`);
  }
}

/** Micro-averaged precision/recall/F1 over per-item label sets (multi-label tasks). */
export function microF1(gold: string[][], pred: string[][]): { precision: number; recall: number; f1: number } {
  sameLength(gold, pred, 'microF1');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    // Sets: a duplicated code in one answer is still one code.
    const g = new Set(gold[i]);
    const p = new Set(pred[i]);
    for (const label of p) {
      if (g.has(label)) tp++;
      else fp++;
    }
    for (const label of g) if (!p.has(label)) fn++;
  }
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  const f1 = 2 * tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1 };
}

/**
 * Macro-averaged F1 for single-label classification: unweighted mean of per-label F1 over the
 * union of labels seen in gold and pred (scikit-learn's default `labels`).
 */
export function macroF1(gold: string[], pred: string[]): number {
  sameLength(gold, pred, 'macroF1');
  if (gold.length === 0) return 1;
  const labels = new Set<string>([...gold, ...pred]);
  let sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === label;
      const p = pred[i] === label;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    // A label in the union always has tp+fp+fn > 0, so no zero division here.
    sum += (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / labels.size;
}

/**
 * Lower end of the Wilson score interval of a proportion (z = 1.96: 95 %): what a precision of
 * `right` of `n` is at least, allowing for the sample's size. Wilson rather than the normal
 * approximation because the proportions here sit near 1, where the latter overshoots.
 */
export function wilsonLower(right: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = right / n;
  const z2 = z * z;
  // Clamped: at p = 0 the formula gives 0 up to rounding (−2e-17).
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/** Share of items whose predicted label equals the gold label. */
export function accuracy(gold: string[], pred: string[]): number {
  sameLength(gold, pred, 'accuracy');
  if (gold.length === 0) return 1;
  let hits = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) hits++;
  return hits / gold.length;
}

/** Label ids → dense indices; `typeof` in the key keeps 1 and "1" apart. */
function encode(labels: Array<string | number>): { codes: Int32Array; size: number } {
  const index = new Map<string, number>();
  const codes = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    const key = `${typeof label}:${label}`;
    let code = index.get(key);
    if (code === undefined) {
      code = index.size;
      index.set(key, code);
    }
    codes[i] = code;
  });
  return { codes, size: index.size };
}

interface Contingency {
  n: number;
  cells: Map<number, number>; // key = i * cols + j
  rowSums: number[];
  colSums: number[];
}

function contingency(a: Array<string | number>, b: Array<string | number>): Contingency {
  const ea = encode(a);
  const eb = encode(b);
  const cells = new Map<number, number>();
  const rowSums = new Array<number>(ea.size).fill(0);
  const colSums = new Array<number>(eb.size).fill(0);
  for (let k = 0; k < a.length; k++) {
    const i = ea.codes[k];
    const j = eb.codes[k];
    const key = i * eb.size + j;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowSums[i]++;
    colSums[j]++;
  }
  return { n: a.length, cells, rowSums, colSums };
}

const pairs = (x: number): number => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie 1985) between two flat partitions of the same items. */
export function adjustedRandIndex(a: Array<string | number>, b: Array<string | number>): number {
  sameLength(a, b, 'adjustedRandIndex');
  const t = contingency(a, b);
  let index = 0;
  for (const c of t.cells.values()) index += pairs(c);
  const sumA = t.rowSums.reduce((s, x) => s + pairs(x), 0);
  const sumB = t.colSums.reduce((s, x) => s + pairs(x), 0);
  const total = pairs(t.n);
  // Limit cases (fewer than two items; both partitions all-one-cluster or all-singletons):
  // the partitions agree on every pair, like scikit-learn we call that a perfect match.
  if (total === 0) return 1;
  const expected = (sumA * sumB) / total;
  const max = (sumA + sumB) / 2;
  if (max === expected) return index === max ? 1 : 0;
  return (index - expected) / (max - expected);
}

function entropy(sums: number[], n: number): number {
  let h = 0;
  for (const s of sums) if (s > 0) h -= (s / n) * Math.log(s / n);
  return h;
}

/** Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default). */
export function normalizedMutualInfo(a: Array<string | number>, b: Array<string | number>): number {
  sameLength(a, b, 'normalizedMutualInfo');
  const t = contingency(a, b);
  // Both partitions have one cluster (or no items): identical, zero entropy → 1 by convention.
  if (t.rowSums.length === t.colSums.length && t.rowSums.length <= 1) return 1;
  const cols = t.colSums.length;
  let mi = 0;
  for (const [key, c] of t.cells) {
    const i = Math.floor(key / cols);
    const j = key % cols;
    mi += (c / t.n) * Math.log((c * t.n) / (t.rowSums[i] * t.colSums[j]));
  }
  // Floating-point noise can make an independent pair come out as -1e-17.
  if (mi <= 1e-15) return 0;
  const norm = (entropy(t.rowSums, t.n) + entropy(t.colSums, t.n)) / 2;
  return Math.min(1, mi / norm);
}
