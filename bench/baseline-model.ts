/**
 * A deliberately plain text-classification baseline, in TypeScript:
 * TF-IDF (scikit-learn's TfidfVectorizer defaults) + L2 logistic regression (scikit-learn's
 * LogisticRegression defaults: C = 1, intercept not penalised, threshold 0.5) + k-means.
 *
 * Why our own code rather than natural's LogisticRegressionClassifier: natural's classifier
 * works on its own bag-of-stems features (with stemming, i.e. already some engineering the
 * "plain" baseline should not get), has a fixed iteration count without regularisation control,
 * and is slow on big inputs. Why not scikit-learn as the primary baseline: it needs a system
 * package (python3-sklearn) that a fresh clone after `npm ci` may not have. The bench also runs
 * scikit-learn when it is installed, as a cross-check that this code is not a straw man.
 *
 * Everything here is deterministic (seeded k-means++).
 */
import { mulberry32 } from '../src/evaluation/folds.js';

/** Sparse row: parallel arrays of column indices (ascending) and values. */
export interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

/**
 * scikit-learn's default token pattern `(?u)\b\w\w+\b`, lower-cased: runs of ≥ 2 word
 * characters. No stopwords, no stemming, no bigrams — that is what makes the baseline "plain".
 */
const TOKEN = /[\p{L}\p{M}\p{N}_]{2,}/gu;
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** TfidfVectorizer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False). */
export class Tfidf {
  readonly vocab = new Map<string, number>();
  private idf = new Float64Array(0);

  fit(texts: string[]): this {
    const df = new Map<string, number>();
    for (const text of texts) for (const term of new Set(tokenize(text))) df.set(term, (df.get(term) ?? 0) + 1);
    // Sorted vocabulary, as scikit-learn does, so column order does not depend on input order.
    const terms = [...df.keys()].sort();
    this.vocab.clear();
    terms.forEach((t, i) => this.vocab.set(t, i));
    this.idf = new Float64Array(terms.length);
    const n = texts.length;
    terms.forEach((t, i) => {
      this.idf[i] = Math.log((1 + n) / (1 + df.get(t)!)) + 1;
    });
    return this;
  }

  get size(): number {
    return this.vocab.size;
  }

  transform(texts: string[]): SparseVec[] {
    return texts.map((text) => {
      const tf = new Map<number, number>();
      for (const term of tokenize(text)) {
        const j = this.vocab.get(term);
        if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
      }
      const idx = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
      const val = new Float64Array(idx.length);
      let norm = 0;
      idx.forEach((j, k) => {
        val[k] = tf.get(j)! * this.idf[j];
        norm += val[k] * val[k];
      });
      norm = Math.sqrt(norm);
      if (norm > 0) for (let k = 0; k < val.length; k++) val[k] /= norm;
      return { idx, val };
    });
  }
}

function dot(x: SparseVec, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.idx.length; k++) s += x.val[k] * w[x.idx[k]];
  return s;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export interface BinaryLR {
  w: Float64Array;
  b: number;
}

/**
 * Binary logistic regression minimising Σ logloss + ‖w‖²/(2C), intercept unpenalised — the same
 * objective as scikit-learn's LogisticRegression(C=1). Solved with Nesterov-accelerated full-batch
 * gradient descent; step 1/L with L = ¼·‖[X 1]‖²_F + 1/C ≥ the gradient's Lipschitz constant, so
 * it converges without tuning. Stops like scikit-learn's lbfgs (max |gradient| ≤ 1e-4) or after
 * maxIter.
 */
export function trainLogReg(X: SparseVec[], y: boolean[], dim: number, C = 1, balanced = false, maxIter = 2000): BinaryLR {
  const n = X.length;
  const lambda = 1 / C;
  // class_weight="balanced": weight n / (2·n_class), so a rare code counts as much as its absence.
  const nPos = y.filter(Boolean).length;
  const wPos = balanced && nPos > 0 ? n / (2 * nPos) : 1;
  const wNeg = balanced && nPos < n ? n / (2 * (n - nPos)) : 1;
  const sw = y.map((v) => (v ? wPos : wNeg));
  let frob = 0;
  X.forEach((x, i) => {
    let s = 1; // intercept column of ones
    for (let k = 0; k < x.val.length; k++) s += x.val[k] * x.val[k];
    frob += sw[i] * s;
  });
  const step = 1 / (0.25 * frob + lambda);
  let w = new Float64Array(dim);
  let b = 0;
  let wPrev = new Float64Array(dim);
  let bPrev = 0;
  let spare = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  // m counts steps since the last momentum restart. Gradient-based adaptive restart
  // (O'Donoghue & Candès 2015) keeps accelerated GD fast on ill-conditioned (large-C) problems.
  let m = 1;
  for (let t = 1; t <= maxIter; t++, m++) {
    // Look-ahead point v = w + (m-1)/(m+2)·(w - wPrev)
    const mom = (m - 1) / (m + 2);
    for (let j = 0; j < dim; j++) v[j] = w[j] + mom * (w[j] - wPrev[j]);
    const vb = b + mom * (b - bPrev);
    for (let j = 0; j < dim; j++) g[j] = lambda * v[j];
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const r = sw[i] * (sigmoid(dot(X[i], v) + vb) - (y[i] ? 1 : 0));
      const x = X[i];
      for (let k = 0; k < x.idx.length; k++) g[x.idx[k]] += r * x.val[k];
      gb += r;
    }
    // Same stopping rule as scikit-learn's lbfgs: largest gradient component ≤ tol (1e-4).
    let gmax = Math.abs(gb);
    for (let j = 0; j < dim; j++) gmax = Math.max(gmax, Math.abs(g[j]));
    const next = spare;
    let progress = 0; // g(v)·(next − w) > 0 means momentum points uphill → restart
    for (let j = 0; j < dim; j++) {
      next[j] = v[j] - step * g[j];
      progress += g[j] * (next[j] - w[j]);
    }
    const nextB = vb - step * gb;
    progress += gb * (nextB - b);
    spare = wPrev;
    wPrev = w;
    bPrev = b;
    w = next;
    b = nextB;
    if (gmax <= 1e-4) break;
    if (progress > 0) m = 0;
  }
  return { w, b };
}

export function predictProba(model: BinaryLR, x: SparseVec): number {
  return sigmoid(dot(x, model.w) + model.b);
}

/**
 * One-vs-rest multi-label: one binary LR per code seen in training, code predicted when p ≥ 0.5
 * (what OneVsRestClassifier(LogisticRegression()).predict does).
 */
export function trainOneVsRest(X: SparseVec[], labels: string[][], dim: number, C = 1, balanced = false): Map<string, BinaryLR> {
  const codes = [...new Set(labels.flat())].sort();
  const models = new Map<string, BinaryLR>();
  for (const code of codes) models.set(code, trainLogReg(X, labels.map((l) => l.includes(code)), dim, C, balanced));
  return models;
}

export function predictOneVsRest(models: Map<string, BinaryLR>, X: SparseVec[]): string[][] {
  return X.map((x) => [...models].filter(([, m]) => predictProba(m, x) >= 0.5).map(([code]) => code));
}

/**
 * Lloyd's k-means with k-means++ seeding on sparse, L2-normalised rows, dense centroids
 * (‖x − c‖² = ‖x‖² − 2x·c + ‖c‖²). `nInit` seeded restarts, best inertia wins. Our own code instead
 * of ml-kmeans because ml-kmeans needs dense rows, which at 100k answers × vocabulary would not fit
 * in memory — the speed bench reuses this when scikit-learn is not installed.
 */
export function kmeansSparse(X: SparseVec[], dim: number, k: number, seed: number, nInit = 10, maxIter = 300): number[] {
  const n = X.length;
  k = Math.min(k, n);
  const sq = X.map((x) => x.val.reduce((s, v) => s + v * v, 0));
  const random = mulberry32(seed);
  let best: { assign: number[]; inertia: number } | undefined;
  for (let run = 0; run < nInit; run++) {
    // k-means++ seeding
    const centroids: Float64Array[] = [];
    const toDense = (x: SparseVec): Float64Array => {
      const c = new Float64Array(dim);
      for (let q = 0; q < x.idx.length; q++) c[x.idx[q]] = x.val[q];
      return c;
    };
    centroids.push(toDense(X[Math.floor(random() * n)]));
    const d2 = new Float64Array(n).fill(Infinity);
    while (centroids.length < k) {
      const c = centroids[centroids.length - 1];
      const cc = c.reduce((s, v) => s + v * v, 0);
      let total = 0;
      for (let i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], Math.max(0, sq[i] - 2 * dot(X[i], c) + cc));
        total += d2[i];
      }
      let r = random() * total;
      let pick = n - 1;
      for (let i = 0; i < n; i++) {
        r -= d2[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
      centroids.push(toDense(X[pick]));
    }
    const assign = new Array<number>(n).fill(-1);
    let inertia = Infinity;
    for (let iter = 0; iter < maxIter; iter++) {
      const cnorm = centroids.map((c) => c.reduce((s, v) => s + v * v, 0));
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bestJ = 0;
        let bestD = Infinity;
        for (let j = 0; j < k; j++) {
          const d = sq[i] - 2 * dot(X[i], centroids[j]) + cnorm[j];
          if (d < bestD) {
            bestD = d;
            bestJ = j;
          }
        }
        if (assign[i] !== bestJ) changed = true;
        assign[i] = bestJ;
        inertia += Math.max(0, bestD);
      }
      if (!changed) break;
      const counts = new Array<number>(k).fill(0);
      for (const c of centroids) c.fill(0);
      for (let i = 0; i < n; i++) {
        const c = centroids[assign[i]];
        const x = X[i];
        counts[assign[i]]++;
        for (let q = 0; q < x.idx.length; q++) c[x.idx[q]] += x.val[q];
      }
      centroids.forEach((c, j) => {
        if (counts[j] > 0) for (let q = 0; q < dim; q++) c[q] /= counts[j];
      });
    }
    if (!best || inertia < best.inertia) best = { assign: assign.slice(), inertia };
  }
  return best!.assign;
}
