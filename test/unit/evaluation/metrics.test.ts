import { expect } from 'chai';
import {
  accuracy,
  adjustedRandIndex,
  macroF1,
  microF1,
  normalizedMutualInfo,
  wilsonLower,
} from '../../../src/evaluation/metrics.js';
import { groupedKFold, mulberry32 } from '../../../src/evaluation/folds.js';

// Expected values are computed by hand (shown in the comments) and agree with scikit-learn 1.2
// (adjusted_rand_score, normalized_mutual_info_score, f1_score).
const close = 1e-9;

describe('evaluation/metrics', () => {
  describe('microF1', () => {
    it('is 1 for identical label sets', () => {
      expect(microF1([['a', 'b'], ['c']], [['b', 'a'], ['c']])).to.deep.equal({ precision: 1, recall: 1, f1: 1 });
    });

    it('pools counts over items', () => {
      // item 1: tp=a, fp=c, fn=b; item 2: tp=d; item 3: fn=e  → tp=2 fp=1 fn=2
      const r = microF1([['a', 'b'], ['d'], ['e']], [['a', 'c'], ['d'], []]);
      expect(r.precision).to.be.closeTo(2 / 3, close);
      expect(r.recall).to.be.closeTo(2 / 4, close);
      expect(r.f1).to.be.closeTo((2 * 2) / (2 * 2 + 1 + 2), close); // 4/7
    });

    it('counts agreeing empty sets as neither hit nor miss', () => {
      // item 2 has no gold and no prediction: it changes nothing.
      const withEmpty = microF1([['a'], [], ['b']], [['a'], [], ['c']]);
      const without = microF1([['a'], ['b']], [['a'], ['c']]);
      expect(withEmpty).to.deep.equal(without);
      expect(withEmpty.f1).to.be.closeTo(0.5, close);
    });

    it('treats all-empty gold and pred as perfect, and one-sided emptiness as 0', () => {
      expect(microF1([[], []], [[], []])).to.deep.equal({ precision: 1, recall: 1, f1: 1 });
      expect(microF1([], [])).to.deep.equal({ precision: 1, recall: 1, f1: 1 });
      // predicts nothing although gold has labels
      expect(microF1([['a'], []], [[], []])).to.deep.equal({ precision: 0, recall: 0, f1: 0 });
      // predicts labels although gold has none
      expect(microF1([[], []], [['a'], []])).to.deep.equal({ precision: 0, recall: 0, f1: 0 });
    });

    it('ignores duplicate labels within one item', () => {
      expect(microF1([['a', 'a']], [['a']]).f1).to.equal(1);
    });

    it('rejects inputs of different length', () => {
      expect(() => microF1([['a']], [])).to.throw(RangeError);
    });
  });

  describe('macroF1 and accuracy', () => {
    it('averages per-label F1 over the union of gold and pred labels', () => {
      const gold = ['t', 't', 't', 'c', 'c'];
      const pred = ['t', 't', 'c', 'c', 'x'];
      // t: tp=2 fp=0 fn=1 → 4/5; c: tp=1 fp=1 fn=1 → 2/4; x: tp=0 fp=1 → 0
      expect(macroF1(gold, pred)).to.be.closeTo((0.8 + 0.5 + 0) / 3, close);
      expect(accuracy(gold, pred)).to.be.closeTo(3 / 5, close);
    });

    it('weights rare labels like frequent ones (unlike accuracy)', () => {
      const gold = ['t', 't', 't', 't', 'c'];
      const pred = ['t', 't', 't', 't', 't'];
      // t: tp=4 fp=1 → 8/9; c: fn=1 → 0
      expect(macroF1(gold, pred)).to.be.closeTo(4 / 9, close);
      expect(accuracy(gold, pred)).to.be.closeTo(0.8, close);
    });

    it('is 1 for perfect predictions and rejects length mismatch', () => {
      expect(macroF1(['a', 'b'], ['a', 'b'])).to.equal(1);
      expect(accuracy(['a', 'b'], ['a', 'b'])).to.equal(1);
      expect(() => accuracy(['a'], ['a', 'b'])).to.throw(RangeError);
      expect(() => macroF1(['a'], [])).to.throw(RangeError);
    });
  });

  describe('wilsonLower', () => {
    it('when a proportion is given, then its 95 % lower bound is the Wilson score interval\'s (textbook values)', () => {
      // 95 of 100: Wilson interval [0.8882, 0.9785]; 0 of 10: [0, 0.2775]; 10 of 10: [0.7225, 1].
      expect(wilsonLower(95, 100)).to.be.closeTo(0.8882, 0.0005);
      expect(wilsonLower(0, 10)).to.equal(0);
      expect(wilsonLower(10, 10)).to.be.closeTo(0.7225, 0.0005);
      expect(wilsonLower(0, 0)).to.equal(0);
    });
    it('when the sample grows at the same proportion, then the bound rises towards it', () => {
      const bounds = [20, 200, 2000, 20000].map((n) => wilsonLower(0.96 * n, n));
      for (let i = 1; i < bounds.length; i++) expect(bounds[i]).to.be.greaterThan(bounds[i - 1]);
      expect(bounds[3]).to.be.below(0.96).and.above(0.955);
    });
  });

  describe('adjustedRandIndex', () => {
    it('is 1 for identical partitions, whatever the label names', () => {
      expect(adjustedRandIndex([0, 0, 1, 1, 2], [0, 0, 1, 1, 2])).to.equal(1);
      expect(adjustedRandIndex([0, 0, 1, 1, 2], ['x', 'x', 'y', 'y', 'z'])).to.equal(1);
    });

    it('matches a hand-computed value', () => {
      // contingency {2,1,1}: index = C(2,2) = 1; rows Σ = 1; cols Σ = 2; expected = 1·2/C(4,2) = 1/3;
      // max = 3/2 → (1 − 1/3)/(3/2 − 1/3) = 4/7
      expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).to.be.closeTo(4 / 7, close);
      // symmetric
      expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).to.be.closeTo(4 / 7, close);
    });

    it('is negative for anti-correlated partitions and 0 for the trivial-vs-singletons case', () => {
      // index 0, expected 2·2/6 = 2/3, max 2 → −(2/3)/(4/3) = −0.5
      expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).to.be.closeTo(-0.5, close);
      expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).to.equal(0);
    });

    it('keeps number and string labels apart', () => {
      // 1 and "1" are different clusters: [1,"1"] is two clusters, [1,1] is one.
      expect(adjustedRandIndex([1, '1', 2, 2], [1, 1, 2, 2])).to.be.lessThan(1);
    });

    it('handles limit cases like scikit-learn', () => {
      expect(adjustedRandIndex([], [])).to.equal(1);
      expect(adjustedRandIndex([5], [7])).to.equal(1);
      expect(adjustedRandIndex([0, 0, 0], [1, 1, 1])).to.equal(1);
      expect(adjustedRandIndex([0, 1, 2], [2, 0, 1])).to.equal(1);
    });
  });

  describe('normalizedMutualInfo', () => {
    it('is 1 for identical partitions up to renaming', () => {
      expect(normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0])).to.be.closeTo(1, close);
      expect(normalizedMutualInfo(['a', 'a', 'b', 'c'], [3, 3, 1, 2])).to.be.closeTo(1, close);
    });

    it('matches a hand-computed value', () => {
      // a = [0,0,1,1], b = [0,0,0,1]
      // H(a) = ln 2; H(b) = −(¾ ln ¾ + ¼ ln ¼)
      // MI = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2
      const ha = Math.log(2);
      const hb = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
      const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
      const expected = mi / ((ha + hb) / 2); // ≈ 0.34372
      expect(normalizedMutualInfo([0, 0, 1, 1], [0, 0, 0, 1])).to.be.closeTo(expected, close);
      expect(expected).to.be.closeTo(0.34372, 1e-4);
    });

    it('is 0 for independent partitions', () => {
      expect(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1])).to.equal(0);
      expect(normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3])).to.equal(0);
    });

    it('treats two single-cluster partitions as a perfect match', () => {
      expect(normalizedMutualInfo(['x', 'x'], [0, 0])).to.equal(1);
      expect(normalizedMutualInfo([], [])).to.equal(1);
    });
  });
});

describe('evaluation/folds', () => {
  // 23 respondents with 1–4 answers each
  const items = Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, respondent: `r${(i * 7) % 23}` }));
  const groupOf = (t: { respondent: string }): string => t.respondent;

  it('never splits a group across train and test, and tests every item exactly once', () => {
    const folds = groupedKFold(items, groupOf, 5, 42);
    expect(folds).to.have.length(5);
    const seen = new Map<string, number>();
    for (const { train, test } of folds) {
      expect(train.length + test.length).to.equal(items.length);
      const testGroups = new Set(test.map(groupOf));
      for (const t of train) expect(testGroups.has(groupOf(t))).to.equal(false);
      for (const t of test) seen.set(t.id, (seen.get(t.id) ?? 0) + 1);
    }
    expect(seen.size).to.equal(items.length);
    for (const count of seen.values()) expect(count).to.equal(1);
  });

  it('keeps folds balanced', () => {
    const sizes = groupedKFold(items, groupOf, 5, 42).map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(3);
  });

  it('is deterministic per seed and depends on the seed', () => {
    const ids = (seed: number): string[][] => groupedKFold(items, groupOf, 5, seed).map((f) => f.test.map((t) => t.id));
    expect(ids(7)).to.deep.equal(ids(7));
    expect(ids(7)).to.not.deep.equal(ids(8));
  });

  it('rejects impossible k', () => {
    expect(() => groupedKFold(items, groupOf, 1, 1)).to.throw(RangeError);
    expect(() => groupedKFold(items.slice(0, 2), groupOf, 5, 1)).to.throw(RangeError);
  });

  it('mulberry32 is reproducible and in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).to.equal(b());
      expect(x).to.be.at.least(0).and.below(1);
    }
  });
});
