import { expect } from 'chai';
import { suppressSmallGroups } from '../../src/shared/anonymity.js';

describe('suppressSmallGroups (minimum group size, one rule for every breakdown)', () => {
  const rows = (sizes: number[]) => sizes.map((size, i) => ({ key: `g${i}`, size, responded: Math.floor(size / 2) }));

  it('when every group reaches the minimum, then all rows are shown unchanged', () => {
    const out = suppressSmallGroups(rows([5, 9, 12]), 5);
    expect(out.map((r) => r.suppressed)).to.deep.equal([false, false, false]);
    expect(out[1]).to.deep.include({ key: 'g1', size: 9, responded: 4 });
  });

  it('when a group is below the minimum, then its row carries only its key — no figures at all', () => {
    const out = suppressSmallGroups(rows([4, 9, 12, 20]), 5);
    expect(out[0]).to.deep.equal({ key: 'g0', suppressed: true });
    expect(Object.keys(out[0])).to.have.members(['key', 'suppressed']);
  });

  it('when exactly one group is hidden, then the next smallest is hidden too, so the total cannot reveal it', () => {
    const out = suppressSmallGroups(rows([2, 30, 7, 12]), 5);
    expect(out.filter((r) => r.suppressed).map((r) => r.key)).to.deep.equal(['g0', 'g2']);
  });

  it('when complementary suppression is off, then only the small group is hidden', () => {
    const out = suppressSmallGroups(rows([2, 30, 7]), 5, { complementary: false });
    expect(out.filter((r) => r.suppressed).map((r) => r.key)).to.deep.equal(['g0']);
  });

  it('when the hidden groups together are still below the minimum, then more are hidden until they are not', () => {
    // 1 + 3 = 4 people could be worked out as "total minus the visible rows": hide 7 as well.
    const out = suppressSmallGroups(rows([1, 3, 7, 12]), 5);
    expect(out.filter((r) => r.suppressed).map((r) => r.key)).to.deep.equal(['g0', 'g1', 'g2']);
    // 2 + 4 = 6 people: nothing more to hide.
    expect(suppressSmallGroups(rows([2, 4, 7, 12]), 5).filter((r) => r.suppressed).map((r) => r.key)).to.deep.equal(['g0', 'g1']);
  });

  it('when groups are empty (size 0), then they are hidden like any small group but do not count for the complementary rule', () => {
    expect(suppressSmallGroups(rows([0, 8, 9]), 5).map((r) => r.suppressed)).to.deep.equal([true, false, false]);
    // One empty and one non-empty small group: the non-empty one could be recovered from the total.
    expect(suppressSmallGroups(rows([0, 2, 8, 9]), 5).map((r) => r.suppressed)).to.deep.equal([true, true, true, false]);
  });

  it('when the minimum is not a number or below 1, then it never means "show everything"', () => {
    expect(suppressSmallGroups(rows([3]), Number.NaN)[0].suppressed).to.equal(true);
    expect(suppressSmallGroups(rows([0, 3]), 0, { complementary: false }).map((r) => r.suppressed)).to.deep.equal([true, false]);
  });
});
