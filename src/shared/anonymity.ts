/**
 * The anonymity rule of anonymous campaigns, in ONE place (issue 12). Every surface that shows
 * answers, counts or segment values of respondents — dashboard filters and drill-downs, the
 * report and its share links, exports, the API, the lead's answer pages — asks the same
 * `DisclosurePlan`, so no two surfaces can apply it differently.
 *
 * The rule, and why it holds. A *view* is the set of respondents behind what a user sees: the
 * whole campaign, or everyone with some segment values (department = Sales, and/or
 * location = Munich …). Looking at two views and subtracting them — counts, or the quotes one
 * shows and the other does not — reveals their difference, so "each view has at least k people"
 * is not enough (Munich 11 and Munich × Sales 9 leave the 2 people of Munich × IT).
 *
 * So the plan splits the respondents into *atoms*: people who belong to exactly the same offered
 * segment values. A value is offered only if, after adding it, every non-empty atom still has at
 * least k people. Every view a user can open is a combination (intersection) of offered values,
 * hence a union of atoms; every union, intersection or difference of such views is again a
 * union of atoms; so no sequence of views, filters, exports or API calls — counts, shares or
 * quotes, subtracted in any order — can narrow anything down to fewer than k people. The same
 * holds for the values printed next to a single answer: a person shows exactly the offered values
 * they belong to, so everyone in an atom looks alike.
 *
 * Values are tried dimension by dimension in the campaign's order (within a dimension the largest
 * group first), so the earlier segments win when not all can be offered: with few respondents a
 * campaign may offer department filters but no location filters — the price of the guarantee.
 * Below k respondents in total nothing is shown at all.
 */

/** Default minimum group size (the campaign's `minGroupSize` overrides it). */
export const DEFAULT_MIN_GROUP_SIZE = 5;

/** A threshold that is not a sensible number means the default, never "show everything". */
export function thresholdOf(min: unknown): number {
  return typeof min === 'number' && Number.isFinite(min) ? Math.max(1, Math.floor(min)) : DEFAULT_MIN_GROUP_SIZE;
}

/** One segment dimension of a population, coded: `idx[person]` indexes `values`, -1 = not given. */
export interface CodedDimension {
  key: string;
  values: readonly string[];
  idx: ArrayLike<number>;
}

export interface DisclosurePlan {
  min: number;
  /** Number of people the plan was made for. */
  size: number;
  /** Fewer than `min` people in total: nothing may be shown. */
  tooFew: boolean;
  /** May `dim = value` be used as a filter, a breakdown row, or printed next to an answer? */
  offers(dim: string, value: string): boolean;
  /** The offered values of each dimension (campaign order of the dimensions). */
  offered: ReadonlyMap<string, ReadonlySet<string>>;
  /** What may be printed next to one person's answer: their offered values only. */
  visible(attributes: Record<string, string>): Record<string, string>;
}

/** The plan for a population given as coded dimensions (the dashboard's compact run data). */
export function planCoded(size: number, dims: readonly CodedDimension[], min: unknown): DisclosurePlan {
  const k = thresholdOf(min);
  const offered = new Map<string, Set<string>>(dims.map((d) => [d.key, new Set<string>()]));
  if (size >= k) {
    // atom[p]: which atom person p is in; atoms are renumbered densely after every accepted value.
    let atom = new Int32Array(size);
    let atoms = 1;
    for (const d of dims) {
      const counts = new Array<number>(d.values.length).fill(0);
      for (let p = 0; p < size; p++) if (d.idx[p] >= 0) counts[d.idx[p]]++;
      // Largest group first; ties by the value itself (not its position), so two surfaces that
      // list the values in another order still arrive at the same plan.
      const order = counts
        .map((n, v) => ({ n, v }))
        .filter((x) => x.n >= k)
        .sort((a, b) => b.n - a.n || (d.values[a.v] < d.values[b.v] ? -1 : d.values[a.v] > d.values[b.v] ? 1 : 0));
      for (const { v } of order) {
        // Split every atom into "has value v" / "has not": accept only if no non-empty part is small.
        const parts = new Int32Array(atoms * 2);
        for (let p = 0; p < size; p++) parts[atom[p] * 2 + (d.idx[p] === v ? 1 : 0)]++;
        let ok = true;
        for (let i = 0; i < parts.length && ok; i++) if (parts[i] > 0 && parts[i] < k) ok = false;
        if (!ok) continue;
        const renumber = new Int32Array(parts.length).fill(-1);
        let next = 0;
        for (let i = 0; i < parts.length; i++) if (parts[i] > 0) renumber[i] = next++;
        const refined = new Int32Array(size);
        for (let p = 0; p < size; p++) refined[p] = renumber[atom[p] * 2 + (d.idx[p] === v ? 1 : 0)];
        atom = refined;
        atoms = next;
        offered.get(d.key)!.add(d.values[v]);
      }
    }
  }
  return planOf(size, k, offered);
}

/** The plan for a population given as one attribute record per person (reports, exports, API). */
export function planFor(people: ReadonlyArray<Record<string, string>>, dimKeys: readonly string[], min: unknown): DisclosurePlan {
  const dims: CodedDimension[] = dimKeys.map((key) => {
    const values: string[] = [];
    const index = new Map<string, number>();
    const idx = new Int32Array(people.length);
    people.forEach((person, p) => {
      const v = person[key];
      if (typeof v !== 'string' || v === '') {
        idx[p] = -1;
        return;
      }
      let i = index.get(v);
      if (i === undefined) {
        i = values.length;
        values.push(v);
        index.set(v, i);
      }
      idx[p] = i;
    });
    return { key, values, idx };
  });
  return planCoded(people.length, dims, min);
}

/**
 * The dimensions every plan of a campaign starts with, in this order: its segments, then the
 * answers' language. The dashboard and its segment comparison append the answers of
 * single-choice and scale questions (src/campaigns/answer-dimensions.ts) AFTER these.
 *
 * Why a surface may use only this prefix (reports, exports, API, the lead's lists): values are
 * tried dimension by dimension, so a plan over a prefix offers exactly the same values of those
 * dimensions as the plan over all of them, and its atoms are unions of the longer plan's atoms.
 * Every view of either surface is then a union of the longer plan's atoms, and so is every
 * difference of two views across surfaces (tested in test/unit/anonymity-plan.test.ts).
 */
export function planDimensions(campaign: { segments?: ReadonlyArray<{ key: string }> | null }): string[] {
  return [...(campaign.segments ?? []).map((s) => s.key), LANGUAGE_DIMENSION];
}

/** The language of a respondent's answers, as a dimension of the plan (a dashboard filter). */
export const LANGUAGE_DIMENSION = 'language';

function planOf(size: number, k: number, offered: Map<string, Set<string>>): DisclosurePlan {
  const tooFew = size < k;
  return {
    min: k,
    size,
    tooFew,
    offers: (dim, value) => !tooFew && offered.get(dim)?.has(value) === true,
    offered,
    visible: (attributes) => {
      if (tooFew) return {};
      const out: Record<string, string> = {};
      for (const [dim, values] of offered) {
        const v = attributes[dim];
        if (typeof v === 'string' && values.has(v)) out[dim] = v;
      }
      return out;
    },
  };
}

/**
 * For breakdowns of a population that is NOT the respondents of one campaign's answers (response
 * rates over invited participants): a group is hidden when it has fewer than `min` members, and
 * more groups are hidden (smallest first) until the hidden groups together hold 0 or at least
 * `min` people — otherwise "total minus the visible rows" would reveal a small group.
 */
export interface GroupRow {
  key: string;
  size: number;
}
export type SuppressedRow<T extends GroupRow> = (T & { suppressed: false }) | { key: string; suppressed: true };

export function suppressSmallGroups<T extends GroupRow>(rows: readonly T[], min: unknown, opts: { complementary?: boolean } = {}): SuppressedRow<T>[] {
  const k = thresholdOf(min);
  const hide = new Set<number>();
  rows.forEach((r, i) => {
    if (!(r.size >= k)) hide.add(i);
  });
  if (opts.complementary ?? true) {
    const hiddenPeople = () => [...hide].reduce((n, i) => n + Math.max(0, rows[i].size), 0);
    while (hiddenPeople() > 0 && hiddenPeople() < k) {
      let smallest = -1;
      rows.forEach((r, i) => {
        if (!hide.has(i) && (smallest < 0 || r.size < rows[smallest].size)) smallest = i;
      });
      if (smallest < 0) break;
      hide.add(smallest);
    }
  }
  return rows.map((r, i) => (hide.has(i) ? { key: r.key, suppressed: true as const } : { ...r, suppressed: false as const }));
}
