import { planCoded, type DisclosurePlan } from '../shared/anonymity.js';
import type { Dimension, Filter } from './types.js';

/**
 * What the run's population (dashboard.service.ts) and the closed answers' population
 * (closed-figures.ts) do alike: their disclosure plan, made once per population and threshold,
 * and the respondent mask of a filter combination the plan offers.
 */

/** A population as both features keep it: respondents by number, coded dimensions. */
export interface CodedPopulation {
  respondents: readonly unknown[];
  dims: readonly Dimension[];
}

const plans = new WeakMap<CodedPopulation, Map<number, DisclosurePlan>>();

/** The population's disclosure plan for threshold `min` (made once per population and threshold). */
export function planOf(data: CodedPopulation, min: number): DisclosurePlan {
  let byMin = plans.get(data);
  if (!byMin) plans.set(data, (byMin = new Map()));
  let plan = byMin.get(min);
  if (!plan) byMin.set(min, (plan = planCoded(data.respondents.length, data.dims, min)));
  return plan;
}

/** The respondents that have every filter's value (filters of known dimensions only), and how many. */
export function filterMask(data: CodedPopulation, filters: readonly Filter[]): { mask: Uint8Array; size: number } {
  const n = data.respondents.length;
  const dims = filters.map((f) => data.dims.find((d) => d.key === f.dim)!);
  const wanted = dims.map((d, i) => d.values.indexOf(filters[i].value));
  const mask = new Uint8Array(n);
  let size = 0;
  for (let r = 0; r < n; r++) {
    let ok = 1;
    for (let j = 0; j < dims.length && ok; j++) if (dims[j].idx[r] !== wanted[j]) ok = 0;
    mask[r] = ok;
    size += ok;
  }
  return { mask, size };
}
