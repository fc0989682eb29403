import { expect } from 'chai';
import { answerDimensions, answerDimensionValue, answerValueLabel, questionOfDimension, scaleBands } from '../../src/campaigns/answer-dimensions.js';

/* A closed question's answer as a segment dimension (issue 17, item 2): which questions, the bands, the labels. */

const scale = (min: number, max: number) => ({ key: 's', type: 'scale', scale: { min, max, minLabel: { de: 'gar nicht', en: 'not at all' }, maxLabel: { de: 'voll', en: 'fully' } } });

describe('answer dimensions (src/campaigns/answer-dimensions.ts)', () => {
  it('bands: 0–10 as 0–6 / 7–8 / 9–10; other scales in thirds; every point in exactly one band', () => {
    expect(scaleBands(scale(0, 10)).map((b) => b.key)).to.deep.equal(['0-6', '7-8', '9-10']);
    expect(scaleBands(scale(1, 5)).map((b) => b.key)).to.deep.equal(['1-2', '3', '4-5']);
    expect(scaleBands(scale(1, 7)).map((b) => b.key)).to.deep.equal(['1-2', '3-5', '6-7']);
    expect(scaleBands(scale(1, 3)).map((b) => b.key)).to.deep.equal(['1', '2', '3']);
    expect(scaleBands(scale(1, 2)).map((b) => b.key)).to.deep.equal(['1', '2']);
    for (const [min, max] of [[0, 10], [1, 5], [1, 7], [1, 10], [0, 4], [1, 2], [0, 6]]) {
      const bands = scaleBands(scale(min, max));
      for (let v = min; v <= max; v++) expect(bands.filter((b) => v >= b.from && v <= b.to), `${min}–${max}: ${v}`).to.have.length(1);
    }
  });

  it('single choice and scales are dimensions (in question order); multiple choice, rankings and open questions are not', () => {
    const campaign = {
      questions: [
        { key: 'q1', type: 'open' },
        { key: 'm', type: 'multi', options: [{ key: 'a' }, { key: 'b' }] },
        { key: 'one', type: 'single', allowOther: true, options: [{ key: 'a' }, { key: 'b' }] },
        { key: 'r', type: 'ranking', options: [{ key: 'a' }, { key: 'b' }] },
        scale(1, 5),
      ],
    };
    expect(answerDimensions(campaign)).to.deep.equal([
      { key: 'answer:one', question: 'one', values: ['a', 'b', 'other'] },
      { key: 'answer:s', question: 's', values: ['1-2', '3', '4-5'] },
    ]);
    expect(questionOfDimension('answer:one')).to.equal('one');
    expect(questionOfDimension('department')).to.equal(undefined);
    expect(questionOfDimension('language')).to.equal(undefined);
  });

  it('an answer’s value: the band of its point, the chosen key; nothing for no answer or an unknown choice', () => {
    const one = { key: 'one', type: 'single', options: [{ key: 'a' }, { key: 'b' }] };
    expect(answerDimensionValue(scale(0, 10), { value: 7 })).to.equal('7-8');
    expect(answerDimensionValue(scale(0, 10), { value: 0 })).to.equal('0-6');
    expect(answerDimensionValue(scale(0, 10), {})).to.equal(undefined);
    expect(answerDimensionValue(one, { choices: ['b'] })).to.equal('b');
    expect(answerDimensionValue(one, { choices: ['zzz'] })).to.equal(undefined);
    expect(answerDimensionValue(one, null)).to.equal(undefined);
  });

  it('labels: the range with the end’s label in the reader’s language; a choice’s label', () => {
    expect(answerValueLabel(scale(0, 10), '0-6', 'de', 'Sonstiges')).to.equal('0–6 (gar nicht)');
    expect(answerValueLabel(scale(0, 10), '9-10', 'en', 'Other')).to.equal('9–10 (fully)');
    expect(answerValueLabel(scale(0, 10), '7-8', 'en', 'Other')).to.equal('7–8');
    const one = { key: 'one', type: 'single', allowOther: true, options: [{ key: 'a', label: { de: 'Büro', en: 'Office' } }] };
    expect(answerValueLabel(one, 'a', 'de', 'Sonstiges')).to.equal('Büro');
    expect(answerValueLabel(one, 'other', 'en', 'Other')).to.equal('Other');
  });
});
