import { expect } from 'chai';
import { cleanAnswer } from '../../src/responses/response.service.js';
import { closedAnswerText, isAnswered, questionType } from '../../src/campaigns/question-types.js';
import { buildClosedData, closedComparison, closedFilter, closedPlan, questionFigures, welchT, type ClosedAnswerRow } from '../../src/dashboard/closed-figures.js';
import { mulberry32 } from '../../src/analysis/random.js';

/**
 * The closed questions' figures (src/dashboard/closed-figures.ts) and answer checks
 * (response.service.ts cleanAnswer) without a database: mean and median against plain
 * arithmetic, no figure below the minimum, comparison columns only where the plan offers them.
 */
const scale = { key: 'tools', type: 'scale', scale: { min: 1, max: 5 } };
const single = { key: 'channel', type: 'single', options: [{ key: 'mail' }, { key: 'chat' }], allowOther: true };
const multi = { key: 'devices', type: 'multi', options: [{ key: 'laptop' }, { key: 'phone' }] };
const ranking = { key: 'prio', type: 'ranking', options: [{ key: 'a' }, { key: 'b' }, { key: 'c' }] };
const campaign = { questions: [{ key: 'q1' }, scale, single, multi, ranking], segments: [{ key: 'dept', options: [{ key: 'it' }, { key: 'sales' }, { key: 'hr' }] }] };

function row(i: number, dept: string, value: number, extra: Partial<ClosedAnswerRow['answers']> = {}): ClosedAnswerRow {
  return { id: `r${String(i).padStart(3, '0')}`, lang: 'de', segments: { dept }, answers: { tools: { value }, ...extra } };
}

describe('closed questions: figures and checks (issue 17)', () => {
  it('questionType: a question without a type (stored before types existed) is open', () => {
    expect(questionType({})).to.equal('open');
    expect(questionType({ type: 'bogus' })).to.equal('open');
    expect(questionType({ type: 'ranking' })).to.equal('ranking');
  });

  it('cleanAnswer: scale points as numbers or the form’s strings, in range only; choices known; rankings distinct', () => {
    expect(cleanAnswer(scale, '4')).to.deep.equal({ answer: { text: '', value: 4 } });
    expect(cleanAnswer(scale, 5)).to.deep.equal({ answer: { text: '', value: 5 } });
    expect(cleanAnswer(scale, { value: null })).to.deep.equal({ answer: { text: '', value: null } });
    for (const bad of [0, 6, 2.5, '3.0', 'x', { value: 9 }]) expect(cleanAnswer(scale, bad as never).error, String(bad)).to.equal('validation.out_of_range');
    expect(cleanAnswer(single, { choices: ['mail', 'mail'] })).to.deep.equal({ answer: { text: '', choices: ['mail'] } });
    expect(cleanAnswer(single, { choices: ['mail', 'chat'] }).error).to.equal('validation.one_choice');
    expect(cleanAnswer(multi, { choices: ['other'] }).error).to.equal('validation.unknown_choice');
    expect(cleanAnswer(single, { choices: [], text: ' Fax ' })).to.deep.equal({ answer: { text: 'Fax', choices: ['other'] } });
    expect(cleanAnswer(ranking, { ranks: { a: '2', b: '1', c: '' } })).to.deep.equal({ answer: { text: '', ranking: ['b', 'a'] } });
    expect(cleanAnswer(ranking, { ranks: { a: '1', b: '1' } }).error).to.equal('validation.rank_duplicate');
    expect(cleanAnswer(ranking, { ranking: ['a', 'b', 'c', 'a'] }).error).to.equal('validation.too_many_ranked');
    expect(cleanAnswer(ranking, 'a').error).to.equal('validation.answer_shape');
    expect(isAnswered(ranking, { ranking: ['a'] })).to.equal(true);
    expect(closedAnswerText({ ...ranking, options: [{ key: 'a', label: { de: 'A', en: 'A' } }, { key: 'b', label: { de: 'B', en: 'B' } }] }, { ranking: ['b', 'a'] }, { lang: 'en', other: 'Other' })).to.equal('B > A');
  });

  it('mean, median and distribution equal plain arithmetic; fewer answers than the minimum give none', () => {
    const values = [1, 2, 2, 3, 5, 5, 4];
    const data = buildClosedData(campaign, values.map((v, i) => row(i, 'it', v)));
    const all = new Uint8Array(values.length).fill(1);
    const f = questionFigures(data.questions[0], all, 5);
    expect(f).to.deep.include({ answered: 7, mean: Math.round((22 / 7) * 10) / 10, median: 3 });
    expect(f.type === 'scale' && f.distribution!.map((d) => d.count)).to.deep.equal([1, 2, 1, 1, 2]);
    const even = buildClosedData(campaign, [1, 2, 4, 5, 5, 3].map((v, i) => row(i, 'it', v)));
    expect(questionFigures(even.questions[0], new Uint8Array(6).fill(1), 5)).to.deep.include({ median: 3.5 });
    const few = questionFigures(data.questions[0], Uint8Array.from([1, 1, 1, 1, 0, 0, 0]), 5);
    expect(few).to.deep.equal({ type: 'scale', key: 'tools', answered: 4 });
  });

  it('counts per choice and mean rank per item (complete rankings only)', () => {
    const rows = [
      row(0, 'it', 3, { channel: { choices: ['mail'] }, devices: { choices: ['laptop', 'phone'] }, prio: { ranking: ['a', 'b', 'c'] } }),
      row(1, 'it', 3, { channel: { choices: ['other'] }, devices: { choices: ['phone'] }, prio: { ranking: ['b', 'a', 'c'] } }),
      row(2, 'it', 3, { channel: { choices: ['mail'] }, devices: { choices: ['laptop'] }, prio: { ranking: ['a', 'c', 'b'] } }),
      row(3, 'it', 3, { channel: { choices: ['chat'] }, prio: { ranking: ['a'] } }),
    ];
    const data = buildClosedData(campaign, rows);
    const all = new Uint8Array(4).fill(1);
    expect(questionFigures(data.questions[1], all, 2)).to.deep.include({ answered: 4, rows: [{ key: 'mail', count: 2, percent: 50 }, { key: 'chat', count: 1, percent: 25 }, { key: 'other', count: 1, percent: 25 }] });
    expect(questionFigures(data.questions[2], all, 2)).to.deep.include({ answered: 3, rows: [{ key: 'laptop', count: 2, percent: 67 }, { key: 'phone', count: 2, percent: 67 }] });
    const r = questionFigures(data.questions[3], all, 2);
    expect(r).to.deep.include({ answered: 3 });
    expect(r.type === 'ranking' && r.rows).to.deep.equal([
      { key: 'a', meanRank: 1.33, first: 2 },
      { key: 'b', meanRank: 2, first: 1 },
      { key: 'c', meanRank: 2.67, first: 0 },
    ]);
  });

  it('Welch’s t: equal samples 0; a clear difference above 1.96', () => {
    const stats = (xs: number[]) => [xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0)] as const;
    expect(welchT(...stats([3, 4, 5]), ...stats([3, 4, 5]))).to.equal(0);
    expect(welchT(...stats([8, 9, 9, 10, 8, 9]), ...stats([2, 3, 2, 4, 3, 2, 3]))).to.be.greaterThan(1.96);
  });

  it('random populations: no filter or comparison column the plan does not offer, no figure below the minimum, every column a difference-safe group', () => {
    const rnd = mulberry32(17);
    for (let trial = 0; trial < 200; trial++) {
      const n = 3 + Math.floor(rnd() * 40);
      const depts = ['it', 'sales', 'hr'];
      const rows = Array.from({ length: n }, (_, i) => row(i, depts[Math.floor(rnd() * rnd() * 3)], 1 + Math.floor(rnd() * 5), rnd() < 0.8 ? { channel: { choices: [rnd() < 0.5 ? 'mail' : 'chat'] } } : {}));
      const data = buildClosedData(campaign, rows);
      const min = 3 + Math.floor(rnd() * 4);
      const plan = closedPlan(data, min);
      const cmp = closedComparison(data, 'dept', min);
      if (plan.tooFew) {
        expect(cmp).to.equal(null);
        expect(closedFilter(data, [], min).suppressed).to.equal('total');
        continue;
      }
      const sizes = depts.map((d) => rows.filter((r) => r.segments.dept === d).length);
      for (const c of cmp!.columns) {
        expect(plan.offers('dept', c.value)).to.equal(true);
        expect(c.respondents).to.be.at.least(min);
        // Everyone else (all minus the column) is a group of at least the minimum too.
        expect(n - c.respondents === 0 || n - c.respondents >= min).to.equal(true);
      }
      // Two columns and the total never leave fewer than the minimum by subtraction.
      const shown = cmp!.columns.reduce((s, c) => s + c.respondents, 0);
      expect(n - shown === 0 || n - shown >= min, `rest ${n - shown}`).to.equal(true);
      for (const r of cmp!.rows)
        for (const cell of [r.total, ...r.cells]) {
          const figure = r.type === 'scale' ? cell.mean : cell.count;
          if (figure !== undefined) expect(cell.n).to.be.at.least(min);
        }
      for (const [k, d] of depts.entries()) {
        const state = closedFilter(data, [{ dim: 'dept', value: d }], min);
        if (!plan.offers('dept', d)) expect(state.suppressed).to.equal('group');
        else expect(state.size).to.equal(sizes[k]);
      }
    }
  });
});
