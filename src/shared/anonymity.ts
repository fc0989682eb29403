/**
 * The minimum-group-size rule, in ONE place. Every breakdown that a lead, a stakeholder, the API
 * or an export sees (response rates per segment, answers per segment, quote lists, combinations
 * of two filters such as department × location) goes through `suppressSmallGroups`, so the
 * threshold cannot be applied differently in two screens.
 *
 * A group is hidden when it has fewer than `min` members. A hidden row keeps only its `key`: no
 * count, rate or quote of a small group can reach a view, a JSON body or a CSV by accident.
 *
 * Complementary suppression: when the rows split a total that is shown elsewhere (the usual
 * case), hiding exactly one group is useless — its size is the total minus the visible rows. So
 * if exactly one non-empty row is hidden, the smallest visible row is hidden too. Turn this off
 * only for rows that do not add up to a published total.
 */

export interface GroupRow {
  /** Identifies the group, e.g. `department=sales` or `department=sales|location=hamburg`. */
  key: string;
  /** Number of people in the group (the figure the threshold applies to). */
  size: number;
}

export type VisibleGroup<T extends GroupRow> = T & { suppressed: false };
export interface HiddenGroup {
  key: string;
  suppressed: true;
}
export type SuppressedRow<T extends GroupRow> = VisibleGroup<T> | HiddenGroup;

/** Default minimum group size (the campaign's `minGroupSize` overrides it). */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export function suppressSmallGroups<T extends GroupRow>(
  rows: readonly T[],
  min: number,
  opts: { complementary?: boolean } = {},
): SuppressedRow<T>[] {
  const complementary = opts.complementary ?? true;
  // A threshold below 1 would mean "show everything"; never accept a non-number as that.
  const threshold = Number.isFinite(min) ? Math.max(1, Math.floor(min)) : DEFAULT_MIN_GROUP_SIZE;
  const hide = new Set<number>();
  rows.forEach((r, i) => {
    if (!(r.size >= threshold)) hide.add(i);
  });
  // Empty groups hide nothing by subtraction (and a lead knows from the list which groups are
  // empty), so only non-empty hidden groups count here.
  const hiddenWithPeople = [...hide].filter((i) => rows[i].size > 0).length;
  if (complementary && hiddenWithPeople === 1 && rows.length > 1) {
    let smallest = -1;
    rows.forEach((r, i) => {
      if (!hide.has(i) && (smallest < 0 || r.size < rows[smallest].size)) smallest = i;
    });
    if (smallest >= 0) hide.add(smallest);
  }
  return rows.map((r, i) => (hide.has(i) ? { key: r.key, suppressed: true as const } : { ...r, suppressed: false as const }));
}

/** Key of a cell in a two-filter breakdown, so combinations use the same rule as single filters. */
export function comboKey(a: { segment: string; value: string }, b: { segment: string; value: string }): string {
  return `${a.segment}=${a.value}|${b.segment}=${b.value}`;
}

/**
 * The same rule for attributes shown next to ONE person's answer (segment values of a quote or
 * a response). Showing two values that are each common can still single someone out ("IT" and
 * "Munich" may both be large while IT-in-Munich is one person), so every combination shown must
 * itself be a group of at least `min`:
 *  - if the person's full combination of values is shared by ≥ `min` people, all values are shown
 *    (every subset of them is an even larger group);
 *  - otherwise at most the single most common value is shown, and only if that group is ≥ `min`.
 *
 * `population` is every person's attributes (e.g. all submitted responses of a campaign);
 * returns a function that filters one person's attributes.
 */
export function attributeFilter(
  population: ReadonlyArray<Record<string, string>>,
  min: number,
): (attributes: Record<string, string>) => Record<string, string> {
  const threshold = Number.isFinite(min) ? Math.max(1, Math.floor(min)) : DEFAULT_MIN_GROUP_SIZE;
  const entriesOf = (a: Record<string, string>) => Object.entries(a).filter(([, v]) => typeof v === 'string' && v !== '').sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const comboOf = (entries: Array<[string, string]>) => entries.map(([k, v]) => `${k}=${v}`).join('|');
  const single = new Map<string, number>();
  const combo = new Map<string, number>();
  for (const person of population) {
    const entries = entriesOf(person);
    for (const [k, v] of entries) single.set(`${k}=${v}`, (single.get(`${k}=${v}`) ?? 0) + 1);
    const key = comboOf(entries);
    combo.set(key, (combo.get(key) ?? 0) + 1);
  }
  return (attributes) => {
    const entries = entriesOf(attributes);
    if ((combo.get(comboOf(entries)) ?? 0) >= threshold) return Object.fromEntries(entries);
    const best = entries
      .map(([k, v]) => ({ k, v, n: single.get(`${k}=${v}`) ?? 0 }))
      .filter((e) => e.n >= threshold)
      .sort((a, b) => b.n - a.n || (a.k < b.k ? -1 : 1))[0];
    return best ? { [best.k]: best.v } : {};
  };
}
