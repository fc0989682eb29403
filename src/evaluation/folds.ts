/**
 * Respondent-grouped k-fold splits, shared by the engine's eval runner and the bench baseline so
 * both are measured on exactly the same split.
 */

/**
 * mulberry32: tiny, fast, well-distributed 32-bit PRNG. Seeded so folds (and the synthetic bench
 * campaigns) are identical on every machine and every run; Math.random cannot be seeded.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy, driven by `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Split `items` into k folds so that all items of one group (e.g. one respondent) are in the same
 * fold; returns, per fold, that fold as `test` and all others as `train`, each in input order.
 *
 * Groups are shuffled with the seed, then assigned largest-first to the fold with the fewest items
 * (ties → lowest fold index), which keeps folds balanced even when groups differ in size.
 * Deterministic for a given (items, groupOf, k, seed).
 */
export function groupedKFold<T>(
  items: T[],
  groupOf: (t: T) => string,
  k: number,
  seed: number,
): Array<{ train: T[]; test: T[] }> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`groupedKFold: k must be an integer ≥ 2, got ${k}`);
  const sizes = new Map<string, number>();
  for (const item of items) {
    const g = groupOf(item);
    sizes.set(g, (sizes.get(g) ?? 0) + 1);
  }
  if (sizes.size < k) {
    throw new RangeError(`groupedKFold: ${sizes.size} groups cannot fill ${k} folds`);
  }
  // Shuffle first so equal-sized groups land in seed-dependent folds; the sort is stable.
  const order = shuffled([...sizes.keys()], mulberry32(seed)).sort((x, y) => sizes.get(y)! - sizes.get(x)!);
  const foldOf = new Map<string, number>();
  const load = new Array<number>(k).fill(0);
  for (const g of order) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f] < load[best]) best = f;
    foldOf.set(g, best);
    load[best] += sizes.get(g)!;
  }
  const folds: Array<{ train: T[]; test: T[] }> = [];
  for (let f = 0; f < k; f++) folds.push({ train: [], test: [] });
  for (const item of items) {
    const fold = foldOf.get(groupOf(item))!;
    for (let f = 0; f < k; f++) (f === fold ? folds[f].test : folds[f].train).push(item);
  }
  return folds;
}
