/**
 * L2-regularised logistic regression on sparse vectors, trained by dual coordinate descent (Yu,
 * Huang & Lin 2011, "Dual coordinate descent methods for logistic regression and maximum entropy
 * models" — liblinear's solver 7). Why hand-written: the npm options (ml-logistic-regression,
 * natural's LogisticRegressionClassifier) train dense matrices by plain gradient descent, which
 * at ~50,000 sparse features and one model per code takes seconds per model; this solver needs a
 * few passes over the non-zeros and trains a whole code group in tens of milliseconds. See
 * docs/analysis.md.
 *
 * Deterministic: the visiting order is a seeded shuffle; the same data and seed give the same weights.
 */
import { mulberry32 } from '../random.js';

export interface SparseExample {
  ids: Int32Array;
  vals: Float32Array;
}

export interface LinearModel {
  /** weights by feature id; the bias is separate */
  w: Float32Array;
  bias: number;
}

export interface TrainOptions {
  /** stopping tolerance on the projected gradient (liblinear's default for dual solvers: 0.1) */
  eps?: number;
  maxIter?: number;
  seed?: number;
  /**
   * Per example, a fixed term added to its margin w·x + bias (the margin of a model being
   * adapted, see coder.ts adaptGroupModel): the solution is then the change of that model.
   */
  offset?: Float64Array;
  /** no bias term (the bias stays 0) */
  noBias?: boolean;
}

/** Value of the constant bias feature (liblinear's -B 1: the bias is regularised like a weight). */
const BIAS_ON = 1;

/**
 * Trains one binary model.
 * @param X examples (feature ids < dim)
 * @param y +1 / -1 per example
 * @param cost per-example C (larger = that example counts more; corrections get a multiple)
 */
export function trainLogistic(X: SparseExample[], y: Int8Array, cost: Float64Array, dim: number, opts: TrainOptions = {}): LinearModel {
  const l = X.length;
  const eps = opts.eps ?? 0.1;
  const maxIter = opts.maxIter ?? 60;
  const offset = opts.offset;
  const BIAS = opts.noBias ? 0 : BIAS_ON;
  const w = new Float64Array(dim);
  let bias = 0;
  if (l === 0) return { w: new Float32Array(dim), bias: 0 };
  const xTx = new Float64Array(l);
  // alpha[2i] = α_i, alpha[2i+1] = C_i − α_i
  const alpha = new Float64Array(2 * l);
  for (let i = 0; i < l; i++) {
    const x = X[i];
    let s = BIAS * BIAS;
    for (let e = 0; e < x.vals.length; e++) s += x.vals[e] * x.vals[e];
    xTx[i] = s;
    const C = cost[i];
    alpha[2 * i] = Math.min(0.001 * C, 1e-8);
    alpha[2 * i + 1] = C - alpha[2 * i];
    const coef = y[i] * alpha[2 * i];
    for (let e = 0; e < x.ids.length; e++) w[x.ids[e]] += coef * x.vals[e];
    bias += coef * BIAS;
  }
  const index = new Int32Array(l);
  for (let i = 0; i < l; i++) index[i] = i;
  const random = mulberry32(opts.seed ?? 1);
  const maxInner = 100;
  const innerEpsMin = Math.min(1e-8, eps);
  let innerEps = 1e-2;
  for (let iter = 0; iter < maxIter; iter++) {
    for (let i = l - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    let newtonIter = 0;
    let gmax = 0;
    for (let s = 0; s < l; s++) {
      const i = index[s];
      const x = X[i];
      const yi = y[i];
      const C = cost[i];
      let wx = bias * BIAS + (offset ? offset[i] : 0);
      for (let e = 0; e < x.ids.length; e++) wx += w[x.ids[e]] * x.vals[e];
      const a = xTx[i];
      const b = yi * wx;
      let ind1 = 2 * i;
      let ind2 = 2 * i + 1;
      let sign = 1;
      if (0.5 * a * (alpha[ind2] - alpha[ind1]) + b < 0) {
        ind1 = 2 * i + 1;
        ind2 = 2 * i;
        sign = -1;
      }
      const alphaOld = alpha[ind1];
      let z = alphaOld;
      if (C - z < 0.5 * C) z = 0.1 * z;
      let gp = a * (z - alphaOld) + sign * b + Math.log(z / (C - z));
      gmax = Math.max(gmax, Math.abs(gp));
      const eta = 0.1;
      let inner = 0;
      while (inner <= maxInner) {
        if (Math.abs(gp) < innerEps) break;
        const gpp = a + C / (C - z) / z;
        const tmpz = z - gp / gpp;
        if (tmpz <= 0) z *= eta;
        else z = tmpz;
        gp = a * (z - alphaOld) + sign * b + Math.log(z / (C - z));
        newtonIter++;
        inner++;
      }
      if (inner > 0) {
        alpha[ind1] = z;
        alpha[ind2] = C - z;
        const coef = sign * (z - alphaOld) * yi;
        for (let e = 0; e < x.ids.length; e++) w[x.ids[e]] += coef * x.vals[e];
        bias += coef * BIAS;
      }
    }
    if (gmax < eps) break;
    if (newtonIter <= l / 10) innerEps = Math.max(innerEpsMin, 0.1 * innerEps);
  }
  return { w: Float32Array.from(w), bias: bias * BIAS };
}

/** w·x + bias */
export function margin(m: LinearModel, ids: Int32Array, vals: Float32Array): number {
  let s = m.bias;
  const w = m.w;
  for (let e = 0; e < ids.length; e++) s += w[ids[e]] * vals[e];
  return s;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
