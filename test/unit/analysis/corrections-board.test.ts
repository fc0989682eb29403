import { expect } from 'chai';
import { analyze, cloneCodebook } from '../../../src/analysis/index.js';

describe('analysis: theme-board corrections', () => {
  it('when a lead removed every code of an answer, then its exact repeat gets no code', () => {
    const text = 'Zu viele Tools, keiner weiß wo was liegt.';
    const before = analyze([{ id: 'a', question: 'q3', text }], { skipClustering: true }).answers[0].themes;
    expect(before).to.not.deep.equal([]);
    const after = analyze([{ id: 'a', question: 'q3', text }], { skipClustering: true, corrections: [{ text, question: 'q3', themes: [] }] }).answers[0].themes;
    expect(after).to.deep.equal([]);
  });

  it('when a campaign code is made from two answers, then a similar third answer gets it too', () => {
    const texts = ['Der Schichtplan hängt immer noch als Zettel im Pausenraum.', 'Unser Schichtplan wird per Aushang verteilt, das nervt.'];
    const probe = 'Den Schichtplan sehe ich erst, wenn ich im Werk bin.';
    const withExamples = (examples: string[]): ReturnType<typeof cloneCodebook> => {
      const book = cloneCodebook();
      const g = book.groups.find((x) => x.role === 'challenges')!;
      g.codes.push({ id: 'custom_shift', name: { de: 'Schichtplan', en: 'Shift plan' }, definition: { de: 'Schichtplan', en: 'Shift plan' }, examples: { de: examples, en: [] }, type: 'technical' });
      return book;
    };
    const answers = [...texts, probe].map((text, i) => ({ id: `a${i}`, question: 'q3', text, lang: 'de' }));
    // Before: the code exists, but nothing was put into it yet.
    const before = analyze(answers, { skipClustering: true, codebook: withExamples([]) }).answers[2].themes ?? [];
    expect(before).to.not.include('custom_shift');
    // The board makes the code from the two answers (its examples) and records them as corrections.
    const book = withExamples(texts);
    const corrections = texts.map((text) => ({ text, question: 'q3', lang: 'de', themes: ['custom_shift'] }));
    const after = analyze(answers, { skipClustering: true, codebook: book, corrections }).answers;
    expect(after[0].themes).to.deep.equal(['custom_shift']);
    expect(after[2].themes).to.include('custom_shift');
  });
});
