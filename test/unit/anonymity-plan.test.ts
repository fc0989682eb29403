import { expect } from 'chai';
import { planFor, type DisclosurePlan } from '../../src/shared/anonymity.js';

/*
 * The anonymity plan (issue 12, part 2). The property test does not trust the plan's own notion
 * of "atoms": it enumerates every view a user could open (the whole campaign, or any combination
 * of offered filter values), picks random sequences of views and checks every difference and
 * intersection of them — what subtracting counts or comparing quote lists would reveal — holds
 * either nobody or at least k people. It does the same for the values printed next to answers.
 */

/** A small deterministic PRNG (mulberry32), so a failure can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Person = Record<string, string>;

/** Random segment structure: 1–3 dimensions of 2–5 values, skewed sizes, some values missing. */
function population(rand: () => number): { people: Person[]; dims: string[] } {
  const dims = ['department', 'location', 'role'].slice(0, 1 + Math.floor(rand() * 3));
  const n = 5 + Math.floor(rand() * 80);
  const valueCount = dims.map(() => 2 + Math.floor(rand() * 4));
  const people: Person[] = [];
  for (let i = 0; i < n; i++) {
    const p: Person = {};
    dims.forEach((d, j) => {
      if (rand() < 0.08) return; // not given
      // Skewed: the first values are much more frequent, so small groups are common.
      const v = Math.min(valueCount[j] - 1, Math.floor(-Math.log(1 - rand()) * 1.3));
      p[d] = `${d[0]}${v}`;
    });
    people.push(p);
  }
  return { people, dims };
}

/** Every view a user can open: the whole population and every combination of offered values. */
function views(people: Person[], dims: string[], plan: DisclosurePlan): Array<{ name: string; members: Set<number> }> {
  let combos: Array<Record<string, string>> = [{}];
  for (const d of dims) {
    const values = [...(plan.offered.get(d) ?? [])];
    combos = combos.flatMap((c) => [c, ...values.map((v) => ({ ...c, [d]: v }))]);
  }
  return combos.map((c) => ({
    name: JSON.stringify(c),
    members: new Set(people.flatMap((p, i) => (Object.entries(c).every(([d, v]) => p[d] === v) ? [i] : []))),
  }));
}

const minus = (a: Set<number>, b: Set<number>) => new Set([...a].filter((x) => !b.has(x)));
const and = (a: Set<number>, b: Set<number>) => new Set([...a].filter((x) => b.has(x)));

describe('anonymity plan (src/shared/anonymity.ts)', () => {
  it('the example of issue 12: "Munich" and "Munich × Sales" are never both available', () => {
    const people: Person[] = [
      ...Array.from({ length: 9 }, () => ({ location: 'munich', department: 'sales' })),
      ...Array.from({ length: 2 }, () => ({ location: 'munich', department: 'it' })),
      ...Array.from({ length: 12 }, () => ({ location: 'hamburg', department: 'sales' })),
      ...Array.from({ length: 10 }, () => ({ location: 'hamburg', department: 'it' })),
    ];
    const plan = planFor(people, ['location', 'department'], 5);
    expect(plan.offers('location', 'munich')).to.equal(true);
    // Munich is offered first, so Sales (which would split Munich into 9 and 2) is not.
    expect(plan.offers('department', 'sales')).to.equal(false);
    expect(plan.offers('department', 'it')).to.equal(false);
    // Next to an answer of one of the two Munich IT people: Munich only, like the 9 others.
    expect(plan.visible({ location: 'munich', department: 'it' })).to.deep.equal({ location: 'munich' });
    expect(plan.visible({ location: 'munich', department: 'sales' })).to.deep.equal({ location: 'munich' });
  });

  it('with large groups every value is offered, and a person shows all their values', () => {
    const people: Person[] = [];
    for (const department of ['sales', 'it', 'hr']) for (const location of ['munich', 'hamburg']) for (let i = 0; i < 6; i++) people.push({ department, location });
    const plan = planFor(people, ['department', 'location'], 5);
    expect([...plan.offered.get('department')!].sort()).to.deep.equal(['hr', 'it', 'sales']);
    expect([...plan.offered.get('location')!].sort()).to.deep.equal(['hamburg', 'munich']);
    expect(plan.visible({ department: 'it', location: 'munich' })).to.deep.equal({ department: 'it', location: 'munich' });
  });

  it('below the minimum in total nothing is offered, and a threshold that is not a number means the default', () => {
    const four = Array.from({ length: 4 }, () => ({ department: 'it' }));
    const plan = planFor(four, ['department'], 5);
    expect(plan.tooFew).to.equal(true);
    expect(plan.offers('department', 'it')).to.equal(false);
    expect(plan.visible({ department: 'it' })).to.deep.equal({});
    expect(planFor(four, ['department'], Number.NaN).tooFew).to.equal(true);
    expect(planFor(Array.from({ length: 6 }, () => ({ department: 'it' })), ['department'], 5).offers('department', 'it')).to.equal(true);
  });

  it('the plan does not depend on the order in which people or values arrive', () => {
    const rand = rng(7);
    const { people, dims } = population(rand);
    const a = planFor(people, dims, 5);
    const b = planFor([...people].reverse(), dims, 5);
    for (const d of dims) expect([...a.offered.get(d)!].sort()).to.deep.equal([...b.offered.get(d)!].sort());
  });

  it('property: no sequence of up to three views isolates fewer than k people (500 random campaigns)', () => {
    let nonTrivial = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const rand = rng(seed);
      const k = 3 + Math.floor(rand() * 5);
      const { people, dims } = population(rand);
      const plan = planFor(people, dims, k);
      if (plan.tooFew) {
        expect(people.length, `seed ${seed}`).to.be.below(k);
        continue;
      }
      const all = views(people, dims, plan);
      if (all.length > 1) nonTrivial += 1;
      for (const v of all) expect(v.members.size === 0 || v.members.size >= k, `seed ${seed}: view ${v.name} has ${v.members.size}`).to.equal(true);
      // Every pair (and random triples): differences and intersections.
      const check = (s: Set<number>, what: string) => expect(s.size === 0 || s.size >= k, `seed ${seed}: ${what} isolates ${s.size} < ${k}`).to.equal(true);
      for (const a of all)
        for (const b of all) {
          check(minus(a.members, b.members), `${a.name} − ${b.name}`);
          check(and(a.members, b.members), `${a.name} ∩ ${b.name}`);
        }
      for (let t = 0; t < 50; t++) {
        const [a, b, c] = [0, 1, 2].map(() => all[Math.floor(rand() * all.length)]);
        check(minus(minus(a.members, b.members), c.members), `${a.name} − ${b.name} − ${c.name}`);
        check(minus(and(a.members, b.members), c.members), `(${a.name} ∩ ${b.name}) − ${c.name}`);
      }
      // Values printed next to answers: people who show the same values form groups of ≥ k.
      const shown = new Map<string, number>();
      for (const p of people) {
        const key = JSON.stringify(plan.visible(p));
        shown.set(key, (shown.get(key) ?? 0) + 1);
      }
      for (const [key, n] of shown) expect(n, `seed ${seed}: attribution ${key}`).to.be.at.least(k);
    }
    // The property is not vacuous: most random campaigns offer at least one filter.
    expect(nonTrivial).to.be.greaterThan(300);
  });

  it('property: a surface that plans over a prefix of the dimensions (segments, language) offers the same values there, and no view of it differs from a view of the full plan (… then answers) by fewer than k (300 random campaigns)', () => {
    let answerValuesOffered = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rand = rng(1000 + seed);
      const k = 3 + Math.floor(rand() * 4);
      const { people, dims } = population(rand);
      // Two answer dimensions after the segments: a single choice and a banded scale.
      for (const p of people) {
        if (rand() < 0.85) p['answer:work'] = ['office', 'remote', 'mixed'][Math.min(2, Math.floor(-Math.log(1 - rand()) * 1.2))];
        if (rand() < 0.9) p['answer:ready'] = ['0-6', '7-8', '9-10'][Math.floor(rand() * 3)];
      }
      const full = [...dims, 'answer:work', 'answer:ready'];
      const prefixPlan = planFor(people, dims, k);
      const fullPlan = planFor(people, full, k);
      for (const d of dims) expect([...prefixPlan.offered.get(d)!].sort(), `seed ${seed} ${d}`).to.deep.equal([...fullPlan.offered.get(d)!].sort());
      if (fullPlan.tooFew) continue;
      answerValuesOffered += fullPlan.offered.get('answer:work')!.size + fullPlan.offered.get('answer:ready')!.size;
      const a = views(people, dims, prefixPlan);
      const b = views(people, full, fullPlan);
      const check = (s: Set<number>, what: string) => expect(s.size === 0 || s.size >= k, `seed ${seed}: ${what} isolates ${s.size} < ${k}`).to.equal(true);
      for (const x of a)
        for (const y of b) {
          check(minus(x.members, y.members), `${x.name} − ${y.name}`);
          check(minus(y.members, x.members), `${y.name} − ${x.name}`);
        }
    }
    // Not vacuous: the answer dimensions are offered in many campaigns.
    expect(answerValuesOffered).to.be.greaterThan(40);
  });
});
