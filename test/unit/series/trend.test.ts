import { expect } from 'chai';
import type { AnalysisResult, AnsweredCodes } from '../../../src/analysis/index.js';
import { mulberry32 as rng } from '../../../src/analysis/random.js';
import { buildRunData } from '../../../src/dashboard/dashboard.data.js';
import { changesBetween, figuresOf, movers, scaleChanges, scaleRows, trendRows, type ScaleCampaign, type TrendCampaign } from '../../../src/series/trend.js';

/*
 * The trend of a campaign series (issue 17, item 3), pure: figures per respondent from a run's
 * compact data, rows per code across campaigns, the comparable/not comparable split by codebook,
 * the changes in percentage points with the z-test mark, and the movers.
 */

function runOf(answers: AnsweredCodes[]) {
  const result = { answers, clusters: [], requirements: [], summary: {} } as unknown as AnalysisResult;
  return buildRunData('000000000000000000000001', { _id: 'c' as never, segments: [] as never }, result, new Map());
}

const q = (id: string, role: AnsweredCodes['role'], codes: Partial<Pick<AnsweredCodes, 'themes' | 'features' | 'channels'>>, respondent?: string): AnsweredCodes =>
  ({ id, question: id.split(':')[1], role, lang: 'de', ...(respondent ? { respondent } : {}), ...codes }) as AnsweredCodes;

const ALL = new Set(['too_many_tools', 'findability', 'training', 'culture_resistance', 'single_dashboard', 'search', 'email', 'chat']);

describe('series trend (issue 17, item 3)', () => {
  it('counts respondents, not answers: two questions of one role naming the same code count the person once', () => {
    const data = runOf([
      q('a:q3', 'challenges', { themes: ['too_many_tools'] }),
      q('a:q5', 'challenges', { themes: ['too_many_tools', 'findability'] }, 'a'),
      q('b:q3', 'challenges', { themes: [] }),
      q('b:q4', 'future', { features: ['search'] }),
      // A code of the wrong field for its role (a theme on q4) is not counted for q4.
      q('c:q4', 'future', { themes: ['training'], features: [] }),
    ]);
    const f = figuresOf(data);
    expect(f.respondents).to.equal(3);
    expect(f.answered).to.deep.equal({ challenges: 2, future: 2 });
    expect(f.named.get('challenges|themes|too_many_tools')).to.equal(1);
    expect(f.named.get('challenges|themes|findability')).to.equal(1);
    expect(f.named.get('future|features|search')).to.equal(1);
    expect(f.named.has('future|themes|training')).to.equal(false);
  });

  it('rows per code and campaign; codes missing from a codebook are not comparable and get no change', () => {
    const before = figuresOf(runOf([
      q('a:q3', 'challenges', { themes: ['too_many_tools'] }),
      q('b:q3', 'challenges', { themes: ['too_many_tools', 'findability'] }),
      q('c:q3', 'challenges', { themes: [] }),
      q('d:q3', 'challenges', { themes: [] }),
    ]));
    const after = figuresOf(runOf([
      q('e:q3', 'challenges', { themes: ['findability', 'board_code'] }),
      q('f:q3', 'challenges', { themes: ['findability'] }),
    ]));
    const campaigns: TrendCampaign[] = [
      { figures: before, codes: ALL },
      { figures: null, codes: null },
      { figures: after, codes: new Set([...ALL, 'board_code']) },
    ];
    const rows = trendRows(campaigns);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get('too_many_tools')!.cells).to.deep.equal([{ count: 2, of: 4, percent: 50 }, null, { count: 0, of: 2, percent: 0 }]);
    expect(byCode.get('findability')!.cells).to.deep.equal([{ count: 1, of: 4, percent: 25 }, null, { count: 2, of: 2, percent: 100 }]);
    expect(byCode.get('board_code')!.comparable).to.equal(false);
    expect(byCode.get('board_code')!.missingIn).to.deep.equal([0]);
    // Comparable rows first.
    expect(rows.at(-1)!.code).to.equal('board_code');
    const changes = changesBetween(rows, 0, 2);
    expect(changes.map((c) => [c.code, c.points])).to.deep.equal([
      ['findability', 75],
      ['too_many_tools', -50],
    ]);
    const m = movers(changes);
    expect(m.rose.map((c) => c.code)).to.deep.equal(['findability']);
    expect(m.fell.map((c) => c.code)).to.deep.equal(['too_many_tools']);
  });

  it('marks a change notable exactly when the two-proportion z-test says |z| ≥ 1.96 and it is ≥ 10 points (random data)', () => {
    let notable = 0;
    let plain = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed);
      const make = (p: number, n: number, tag: string) =>
        figuresOf(runOf(Array.from({ length: n }, (_, i) => q(`${tag}${i}:q3`, 'challenges', { themes: rand() < p ? ['training'] : [] }))));
      const a = make(rand(), 5 + Math.floor(rand() * 80), 'a');
      const b = make(rand(), 5 + Math.floor(rand() * 80), 'b');
      const [change] = changesBetween(trendRows([{ figures: a, codes: ALL }, { figures: b, codes: ALL }]), 0, 1);
      if (!change) continue;
      // Independently computed from the raw counts.
      const x1 = a.named.get('challenges|themes|training') ?? 0;
      const n1 = a.answered.challenges!;
      const x2 = b.named.get('challenges|themes|training') ?? 0;
      const n2 = b.answered.challenges!;
      expect(change.from).to.deep.include({ count: x1, of: n1 });
      expect(change.to).to.deep.include({ count: x2, of: n2 });
      expect(change.points).to.equal(Math.round((x2 / n2 - x1 / n1) * 100));
      const p = (x1 + x2) / (n1 + n2);
      const z = (x2 / n2 - x1 / n1) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
      const expected = Math.abs(x2 / n2 - x1 / n1) >= 0.1 && Number.isFinite(z) && Math.abs(z) >= 1.96 ? (z > 0 ? 'higher' : 'lower') : undefined;
      expect(change.notable, `seed ${seed}`).to.equal(expected);
      if (expected) notable++;
      else plain++;
    }
    expect(notable).to.be.greaterThan(20);
    expect(plain).to.be.greaterThan(20);
  });

  it('a campaign that did not ask a role has no cell for it, and no change is computed against it', () => {
    const a = figuresOf(runOf([q('a:q4', 'future', { features: ['search'] })]));
    const b = figuresOf(runOf([q('b:q3', 'challenges', { themes: ['training'] })]));
    const rows = trendRows([{ figures: a, codes: ALL }, { figures: b, codes: ALL }]);
    expect(rows.find((r) => r.code === 'search')!.cells).to.deep.equal([{ count: 1, of: 1, percent: 100 }, null]);
    expect(changesBetween(rows, 0, 1)).to.deep.equal([]);
  });

  describe('rating scales', () => {
    const sums = (values: number[]) => ({ n: values.length, sum: values.reduce((a, b) => a + b, 0), sumSq: values.reduce((a, b) => a + b * b, 0) });
    const campaign = (min: number, questions: Record<string, { range: [number, number]; values: number[] }>): ScaleCampaign => ({
      min,
      ranges: new Map(Object.entries(questions).map(([k, q]) => [k, { min: q.range[0], max: q.range[1] }])),
      stats: new Map(Object.entries(questions).map(([k, q]) => [k, sums(q.values)])),
    });

    it('mean and n per campaign; below the minimum no mean; a different scale is not comparable', () => {
      const rows = scaleRows([
        campaign(5, { tools: { range: [0, 10], values: [4, 5, 6, 5, 5] }, open: { range: [1, 5], values: [2, 3, 2, 3, 2, 3] }, tiny: { range: [1, 5], values: [1, 2] } }),
        null,
        campaign(5, { tools: { range: [0, 10], values: [7, 8, 9, 8, 8, 8] }, open: { range: [0, 10], values: [5, 5, 5, 5, 5] } }),
      ]);
      const tools = rows.find((r) => r.key === 'tools')!;
      expect(tools.comparable).to.equal(true);
      expect(tools.range).to.deep.equal({ min: 0, max: 10 });
      expect(tools.cells[0]).to.deep.include({ n: 5, mean: 5 });
      expect(tools.cells[1]).to.equal(null);
      expect(tools.cells[2]).to.deep.include({ n: 6, mean: 8 });
      expect(rows.find((r) => r.key === 'open')!.comparable).to.equal(false);
      expect(rows.find((r) => r.key === 'tiny')!.cells[0]).to.deep.equal({ suppressed: true, min: 5 });
      const changes = scaleChanges(rows, 0, 2);
      expect(changes.map((c) => c.key)).to.deep.equal(['tools']);
      expect(changes[0].diff).to.equal(3);
      expect(changes[0].notable).to.equal('higher');
    });

    it("marks a change of the mean exactly when Welch's z reaches 1.96 (random data, checked against the raw values)", () => {
      let marked = 0;
      let unmarked = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const rand = rng(seed);
        const draw = (n: number, centre: number) => Array.from({ length: n }, () => Math.max(0, Math.min(10, Math.round(centre + (rand() - 0.5) * 8))));
        const a = draw(5 + Math.floor(rand() * 40), 3 + rand() * 4);
        const b = draw(5 + Math.floor(rand() * 40), 3 + rand() * 4);
        const [change] = scaleChanges(scaleRows([campaign(5, { q: { range: [0, 10], values: a } }), campaign(5, { q: { range: [0, 10], values: b } })]), 0, 1);
        const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
        const variance = (v: number[]) => v.reduce((x, y) => x + (y - mean(v)) ** 2, 0) / (v.length - 1);
        const diff = mean(b) - mean(a);
        expect(change.diff).to.be.closeTo(diff, 1e-9);
        const z = diff / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
        const expected = Math.abs(z) >= 1.96 ? (z > 0 ? 'higher' : 'lower') : undefined;
        expect(change.notable, `seed ${seed}`).to.equal(expected);
        if (expected) marked++;
        else unmarked++;
      }
      expect(marked).to.be.greaterThan(20);
      expect(unmarked).to.be.greaterThan(20);
    });
  });
});
