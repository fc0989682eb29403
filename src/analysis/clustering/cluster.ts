import { kmeans } from 'ml-kmeans';
import { Random } from 'ml-random';
import { mulberry32, shuffleInPlace } from '../random.js';

/**
 * Emergent themes: TF-IDF vectors → k-means (ml-kmeans), k by silhouette.
 *
 * TF-IDF is computed here on sparse maps rather than with natural's TfIdf class: TfIdf keeps a
 * document object per answer and recomputes idf on every tfidf() call (a scan over all documents per
 * term lookup), which is quadratic and takes minutes at 100,000 answers. The weighting is the same
 * idea (tf × (1 + log(n/df))).
 *
 * Scale: vocabulary is capped, k-means runs on a deterministic sample (clusterSampleSize), silhouette
 * on a smaller sample, and the remaining answers are assigned to the nearest centroid in one sparse
 * pass, so the cost stays linear in the number of answers.
 */

export interface ClusterInput {
  /** stems, compound parts and bigrams of the answer (distinct); only read when `fids` is absent */
  features?: string[];
  /** the same features as ids into `dictionary` (see clusterAnswers); computed here when absent */
  fids?: Int32Array;
  /** deductive code evidence (codes the coder assigned, main first) */
  codes: string[];
}

export interface ClusteringResult {
  /** cluster index per input */
  assignment: number[];
  k: number;
  /** cosine similarity of each input to its centroid (for representative quotes) */
  similarity: number[];
  silhouette: number;
  /** per (final) cluster: mean silhouette of its members in the silhouette sample (0 when none is in it) */
  cohesion: number[];
}

const MAX_VOCAB = 200;
const SILHOUETTE_SAMPLE = 200;
/** Weight of the deductive codes relative to the (unit-length) text vector. */
const CODE_WEIGHT = 1.1;

/**
 * Clusters one question's answers. Text and code evidence are combined: the text part lets themes the
 * codebook does not know form their own cluster, the code part keeps paraphrases of one theme together
 * when they share few words (short answers in two languages share almost none).
 */
export function clusterAnswers(inputs: ClusterInput[], codeIds: string[], seed: number, sampleSize: number, dictionary?: string[]): ClusteringResult {
  const n = inputs.length;
  if (n < 4) {
    return { assignment: inputs.map(() => 0), k: n === 0 ? 0 : 1, similarity: inputs.map(() => 1), silhouette: 0, cohesion: [0] };
  }
  // Feature ids: the caller's (one dictionary for the whole run) or interned here.
  let terms = dictionary;
  let fidsOf: Int32Array[];
  if (terms && inputs.every((inp) => inp.fids !== undefined)) {
    fidsOf = inputs.map((inp) => inp.fids!);
  } else {
    const ids = new Map<string, number>();
    const local: string[] = [];
    fidsOf = inputs.map((inp) =>
      Int32Array.from(inp.features ?? [], (t) => {
        let id = ids.get(t);
        if (id === undefined) {
          id = local.length;
          ids.set(t, id);
          local.push(t);
        }
        return id;
      }),
    );
    terms = local;
  }
  // Vocabulary: unigrams and bigrams in at least 2 answers and at most half of them, capped by df.
  const df = new Int32Array(terms.length);
  for (let i = 0; i < fidsOf.length; i++) {
    const fids = fidsOf[i];
    for (let x = 0; x < fids.length; x++) df[fids[x]]++;
  }
  const maxDf = Math.max(2, Math.floor(n * 0.5));
  // The MAX_VOCAB first candidates by (df descending, term): kept in order while scanning, so
  // the tens of thousands of rarer terms are compared once with the last kept one, not sorted.
  const before = (a: number, b: number): boolean => df[a] > df[b] || (df[a] === df[b] && terms[a] < terms[b]);
  const vocabIds: number[] = [];
  for (let id = 0; id < df.length; id++) {
    if (df[id] < 2 || df[id] > maxDf) continue;
    if (vocabIds.length === MAX_VOCAB && !before(id, vocabIds[MAX_VOCAB - 1])) continue;
    let at = vocabIds.length;
    while (at > 0 && before(id, vocabIds[at - 1])) at--;
    vocabIds.splice(at, 0, id);
    if (vocabIds.length > MAX_VOCAB) vocabIds.pop();
  }
  const vocabList = vocabIds.map((id) => terms[id]);
  const vocab = new Map(vocabList.map((t, i) => [t, i]));
  const column = new Int32Array(terms.length).fill(-1);
  vocabIds.forEach((id, j) => (column[id] = j));
  const idf = vocabIds.map((id) => 1 + Math.log(n / df[id]));
  const codeIndex = new Map(codeIds.map((c, i) => [c, vocabList.length + i]));
  const dim = vocabList.length + codeIds.length;

  const sparse = vectorizeAll(inputs, fidsOf, column, idf, codeIndex);

  // Deterministic sample for k-means.
  const order = Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  shuffleInPlace(order, random);
  const sampleIdx = order.slice(0, Math.min(n, sampleSize)).sort((a, b) => a - b);
  // Float64Array rows (ml-kmeans reads them like arrays), each with its sparse form for the distance.
  const dense = sampleIdx.map((i) => {
    const d = Float64Array.from(sparse.toDense(i, dim));
    NONZERO.set(d, sparse.row(i));
    return d;
  }) as unknown as number[][];
  const sampleRows = sampleIdx.map((i) => sparse.row(i));

  const kMax = Math.max(2, Math.min(10, Math.floor(Math.sqrt(sampleIdx.length)) + 2, sampleIdx.length - 1));
  const silIdx = sampleIdx.length <= SILHOUETTE_SAMPLE ? sampleIdx.map((_, j) => j) : shuffleInPlace(sampleIdx.map((_, j) => j), mulberry32(seed + 1)).slice(0, SILHOUETTE_SAMPLE).sort((a, b) => a - b);
  // Distances for the silhouette do not depend on k: compute them once per question.
  const silDist = distanceMatrix(silIdx.map((j) => sparse.row(sampleIdx[j])));
  let best: { k: number; centroids: number[][]; sil: number; labels: number[] } | null = null;
  for (let k = 2; k <= kMax; k++) {
    // Same k-means++ as ml-kmeans' own (same PRNG, same draws, same arithmetic), minus its per-pair
    // row copies; the library then runs the iterations from these centres.
    const res = kmeans(dense, k, { initialization: kmeansPlusPlus(sampleRows, k, seed + k).map((r) => dense[r]), maxIterations: 25, distanceFunction: sparseAwareSqDist });
    const labels = silIdx.map((j) => res.clusters[j]);
    const sil = silhouette(silDist, labels, k);
    // Prefer fewer clusters unless a larger k is clearly better: themes should be few and readable.
    if (!best || sil > best.sil + 0.01) best = { k, centroids: res.centroids, sil, labels };
  }
  const chosen = best!;
  // Assign every answer (sampled or not) to its nearest centroid, sparse dot product.
  const centroidNorms = chosen.centroids.map((c) => Math.sqrt(c.reduce((s, x) => s + x * x, 0)) || 1);
  const assignment: number[] = new Array(n);
  const similarity: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let bestC = 0;
    let bestD = Infinity;
    let bestSim = 0;
    const from = sparse.rowStart[i];
    const to = sparse.rowStart[i + 1];
    const cols = sparse.cols;
    const vals = sparse.vals;
    let vNorm = 0;
    for (let e = from; e < to; e++) vNorm += vals[e] * vals[e];
    for (let c = 0; c < chosen.centroids.length; c++) {
      const cen = chosen.centroids[c];
      let dot = 0;
      for (let e = from; e < to; e++) dot += vals[e] * cen[cols[e]];
      // squared Euclidean distance = |v|² − 2 v·c + |c|²
      const d = vNorm - 2 * dot + centroidNorms[c] * centroidNorms[c];
      if (d < bestD - 1e-12) {
        bestD = d;
        bestC = c;
        bestSim = dot / ((Math.sqrt(vNorm) || 1) * centroidNorms[c]);
      }
    }
    assignment[i] = bestC;
    similarity[i] = Math.round(bestSim * 1e6) / 1e6;
  }
  // Renumber clusters by size (largest first) so ids are stable and meaningful.
  const sizes = new Array(chosen.k).fill(0);
  for (const a of assignment) sizes[a]++;
  const byS = sizes.map((s, c) => [s, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, c]) => c);
  const remap = new Map(byS.map((c, i) => [c, i]));
  const finalAssignment = assignment.map((a) => remap.get(a)!);
  const k = byS.filter((c) => sizes[c] > 0).length;
  // Cohesion per final cluster: mean silhouette of the sampled points that landed in it.
  const perPoint = silhouettes(silDist, chosen.labels, chosen.k);
  const sum = new Float64Array(k);
  const cnt = new Int32Array(k);
  silIdx.forEach((j, s) => {
    const c = finalAssignment[sampleIdx[j]];
    sum[c] += perPoint[s];
    cnt[c]++;
  });
  const cohesion = Array.from(sum, (x, c) => (cnt[c] === 0 ? 0 : Math.round((x / cnt[c]) * 1000) / 1000));
  return { assignment: finalAssignment, k, similarity, silhouette: Math.round(chosen.sil * 1000) / 1000, cohesion };
}

/** The sparse form of a dense sample row handed to ml-kmeans (see sparseAwareSqDist). */
const NONZERO = new WeakMap<object, SparseRow>();
/** |c|² of a centre (ml-kmeans makes new centre arrays each iteration; each is measured once). */
const SQUARED_NORM = new WeakMap<object, number>();

/**
 * Squared Euclidean distance for ml-kmeans. Its assignment step measures every sample row against
 * every centre over all dimensions (vocabulary + codes, ~200) although a row has a dozen non-zeros:
 * for a row we handed in (NONZERO), |p|² − 2·p·c + |c|² over the row's non-zeros is the same
 * distance at a tenth of the cost (equal up to rounding in the last bits, which can tip a choice
 * between two equally near centres). Any other pair (the library's convergence test compares
 * centres) is measured densely, as its default squaredEuclidean does.
 */
export function sparseAwareSqDist(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const row = NONZERO.get(p as object);
  if (row === undefined) {
    let d = 0;
    for (let i = 0; i < p.length; i++) d += (p[i] - q[i]) * (p[i] - q[i]);
    return d;
  }
  let qq = SQUARED_NORM.get(q as object);
  if (qq === undefined) {
    qq = 0;
    for (let i = 0; i < q.length; i++) qq += q[i] * q[i];
    SQUARED_NORM.set(q as object, qq);
  }
  let pp = 0;
  let dot = 0;
  const cols = row.cols;
  const vals = row.vals;
  for (let e = 0; e < cols.length; e++) {
    pp += vals[e] * vals[e];
    dot += vals[e] * q[cols[e]];
  }
  const d = pp - 2 * dot + qq;
  return d > 0 ? d : 0;
}

/**
 * k-means++ seeding exactly as ml-kmeans 7 does it (kmeanspp in lib/initialization.js: ml-random's
 * Random(seed), one randInt for the first centre, then per centre `2 + ⌊log K⌋` candidates drawn
 * with replacement by D² probability, keeping the candidate with the smallest potential). The library
 * version copies both rows for every candidate×point pair (ml-matrix getRow) over all dimensions;
 * here distances are sparse (see sparseSqDist), which gives bit-identical sums. Returns the indices
 * of the chosen rows, so the library's k-means can start from exactly the centres it would pick.
 */
export function kmeansPlusPlus(X: SparseRow[], K: number, seed: number): number[] {
  const n = X.length;
  const random = new Random(seed);
  const localTrials = 2 + Math.floor(Math.log(K));
  const centers: number[] = [random.randInt(n)];
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = sparseSqDist(X[i], X[centers[0]]);
  let probabilities = scaled(closest);
  for (let c = 1; c < K; c++) {
    const candidates = random.choice(n, { replace: true, size: localTrials, probabilities }) as number[];
    let bestCandidate = -1;
    let bestPot = Infinity;
    let bestDist = closest;
    for (const cand of candidates) {
      const row = X[cand];
      const next = new Float64Array(n);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i], sparseSqDist(row, X[i]));
        next[i] = d;
        pot += d;
      }
      if (pot < bestPot) {
        bestCandidate = cand;
        bestPot = pot;
        bestDist = next;
      }
    }
    centers.push(bestCandidate);
    closest = bestDist;
    probabilities = scaled(closest);
  }
  return centers;
}

/** d · (1/Σd), as ml-kmeans computes its sampling probabilities. */
function scaled(d: Float64Array): number[] {
  let sum = d[0];
  for (let i = 1; i < d.length; i++) sum += d[i];
  const inv = 1 / sum;
  const out = new Array<number>(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] * inv;
  return out;
}

/** One row of a SparseRows store: ascending columns, no explicit zeros. */
export interface SparseRow {
  cols: Int32Array;
  vals: Float64Array;
}

/**
 * Σ (a_i − b_i)² over the union of both rows' columns in ascending order. A dense loop over all
 * dimensions adds the same terms in the same order plus exact zeros (0 − 0)², which leave a
 * non-negative float sum unchanged: the result is bit-identical to ml-distance-euclidean's.
 */
export function sparseSqDist(a: SparseRow, b: SparseRow): number {
  const ac = a.cols;
  const av = a.vals;
  const bc = b.cols;
  const bv = b.vals;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < ac.length || j < bc.length) {
    let x: number;
    if (j >= bc.length || (i < ac.length && ac[i] < bc[j])) x = av[i++];
    else if (i >= ac.length || bc[j] < ac[i]) x = -bv[j++];
    else x = av[i++] - bv[j++];
    d += x * x;
  }
  return d;
}

/** All answers' vectors in one compressed sparse row store (no per-answer arrays of pairs). */
interface SparseRows {
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
  toDense(i: number, dim: number): number[];
  row(i: number): SparseRow;
}

/**
 * Per answer: TF-IDF over the vocabulary (features are distinct, so tf = 1 and the weight is the
 * idf), L2-normalised in feature order, then the code dimensions; entries sorted by column.
 */
function vectorizeAll(inputs: ClusterInput[], fidsOf: Int32Array[], column: Int32Array, idf: number[], codeIndex: Map<string, number>): SparseRows {
  const n = inputs.length;
  const rowStart = new Int32Array(n + 1);
  // Per answer, its codes' columns in rank order (-1: not a code of this question), flat.
  const codeStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) codeStart[i + 1] = codeStart[i] + inputs[i].codes.length;
  const codeCols = new Int32Array(codeStart[n]);
  for (let i = 0; i < n; i++) {
    const fids = fidsOf[i];
    let nnz = 0;
    for (let x = 0; x < fids.length; x++) if (column[fids[x]] >= 0) nnz++;
    const codes = inputs[i].codes;
    for (let r = 0; r < codes.length; r++) {
      const j = codeIndex.get(codes[r]);
      codeCols[codeStart[i] + r] = j === undefined ? -1 : j;
      if (j !== undefined) nnz++;
    }
    rowStart[i + 1] = rowStart[i] + nnz;
  }
  const cols = new Int32Array(rowStart[n]);
  const vals = new Float64Array(rowStart[n]);
  const tf = 1 + Math.log(1);
  for (let i = 0; i < n; i++) {
    let e = rowStart[i];
    const start = e;
    let norm = 0;
    const fids = fidsOf[i];
    for (let x = 0; x < fids.length; x++) {
      const j = column[fids[x]];
      if (j < 0) continue;
      const w = tf * idf[j];
      cols[e] = j;
      vals[e++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let x = start; x < e; x++) vals[x] /= norm;
    for (let rank = 0; rank < codeStart[i + 1] - codeStart[i]; rank++) {
      const j = codeCols[codeStart[i] + rank];
      if (j < 0) continue;
      cols[e] = j;
      vals[e++] = rank === 0 ? CODE_WEIGHT : CODE_WEIGHT * 0.35;
    }
    // Insertion sort by column (rows are short); columns are distinct.
    for (let x = start + 1; x < e; x++) {
      const cj = cols[x];
      const cv = vals[x];
      let y = x - 1;
      while (y >= start && cols[y] > cj) {
        cols[y + 1] = cols[y];
        vals[y + 1] = vals[y];
        y--;
      }
      cols[y + 1] = cj;
      vals[y + 1] = cv;
    }
  }
  return {
    rowStart,
    cols,
    vals,
    row(i: number): SparseRow {
      return { cols: cols.subarray(rowStart[i], rowStart[i + 1]), vals: vals.subarray(rowStart[i], rowStart[i + 1]) };
    },
    toDense(i: number, dim: number): number[] {
      const d = new Array<number>(dim).fill(0);
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) d[cols[e]] = vals[e];
      return d;
    },
  };
}

/** Euclidean distance matrix of a sample; O(sample²), hence the sample. */
export function distanceMatrix(points: SparseRow[]): number[][] {
  const n = points.length;
  const dist: number[][] = points.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) dist[i][j] = dist[j][i] = Math.sqrt(sparseSqDist(points[i], points[j]));
  return dist;
}

/** Mean silhouette from a precomputed distance matrix. */
export function silhouette(dist: number[][], labels: number[], k: number): number {
  const n = dist.length;
  if (n < 3 || k < 2) return 0;
  let total = 0;
  for (const s of silhouettes(dist, labels, k)) total += s;
  return total / n;
}

/** Silhouette of each point (0 for singletons, and when k < 2). */
export function silhouettes(dist: number[][], labels: number[], k: number): Float64Array {
  const n = dist.length;
  const out = new Float64Array(n);
  if (n < 3 || k < 2) return out;
  for (let i = 0; i < n; i++) {
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      sums[labels[j]] += dist[i][j];
      counts[labels[j]]++;
    }
    const own = labels[i];
    if (counts[own] === 0) continue; // singleton: silhouette 0 by convention
    const a = sums[own] / counts[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    if (b === Infinity) continue;
    out[i] = Math.max(a, b) === 0 ? 0 : (b - a) / Math.max(a, b);
  }
  return out;
}

/**
 * How well one cluster holds together on its words alone: the mean silhouette of its members with
 * cosine distance over their (binary) term sets, against the nearest other cluster. The k-means
 * vectors also carry the coder's codes, which make coded clusters look tight; a cluster no code
 * covers has to hold together by what people wrote.
 * Words are stems and compound parts; bigrams are left out (short answers share few of them).
 * @param members terms of (a sample of) the cluster's answers
 * @param others per other cluster, terms of (a sample of) its answers
 */
export function textSilhouette(members: string[][], others: string[][][]): number {
  if (members.length < 2 || others.length === 0) return 0;
  const words = (terms: string[]): Set<string> => new Set(terms.filter((t) => !t.includes('_')));
  const sets = members.map(words);
  const otherSets = others.map((o) => o.map(words));
  const dist = (a: Set<string>, b: Set<string>): number => {
    if (a.size === 0 || b.size === 0) return 1;
    let both = 0;
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    for (const x of small) if (large.has(x)) both++;
    return 1 - both / Math.sqrt(a.size * b.size);
  };
  let total = 0;
  for (let i = 0; i < sets.length; i++) {
    let a = 0;
    for (let j = 0; j < sets.length; j++) if (j !== i) a += dist(sets[i], sets[j]);
    a /= sets.length - 1;
    let b = Infinity;
    for (const o of otherSets) {
      if (o.length === 0) continue;
      let s = 0;
      for (const x of o) s += dist(sets[i], x);
      b = Math.min(b, s / o.length);
    }
    if (b === Infinity) continue;
    total += Math.max(a, b) === 0 ? 0 : (b - a) / Math.max(a, b);
  }
  return total / sets.length;
}
