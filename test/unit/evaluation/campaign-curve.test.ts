import { expect } from 'chai';
import { campaignOf, voiceOf } from '../../../src/analysis/model/corpus.js';
import type { LabelledAnswer } from '../../../src/evaluation/dataset.js';
import { learningCurve } from '../../../src/evaluation/eval.js';

/** A labelled q1 answer of one respondent of an organisation. */
function row(org: string, n: number, text: string, channels: string[]): LabelledAnswer {
  return { id: `${org}-${n}-q1`, respondent: `${org}-${n}`, org, question: 'q1', lang: 'de', text, segments: {}, labels: { channels } };
}

describe('evaluation: voices, campaigns and the learning curve', () => {
  it('when a corpus respondent id is read, then the voice is its file prefix and the campaign its organisation', () => {
    expect(voiceOf('trs-001')).to.equal('trs');
    expect(voiceOf('cdi-a01')).to.equal('cdi');
    expect(campaignOf('cdi-a01')).to.equal('cdi-a');
    expect(campaignOf('cdi-b40')).to.equal('cdi-b');
    // The older voices give every respondent an organisation of their own: the file is one "campaign".
    expect(campaignOf('trs-001')).to.equal('trs');
  });

  it('when the rows are campaigns, then respondents are corrected per campaign and scored on the same respondents with and without', () => {
    const rows: LabelledAnswer[] = [];
    for (let i = 1; i <= 10; i++) {
      rows.push(row('werk', i, i % 2 ? 'Wir schreiben im Kanal "die Box" und telefonieren.' : 'Meistens Mail, ab und zu die Box.', i % 2 ? ['chat', 'phone'] : ['email', 'chat']));
      rows.push(row('amt', i, i % 2 ? 'Umlaufmappe und Telefon.' : 'E-Mail und die Umlaufmappe auf dem Gang.', i % 2 ? ['paper', 'phone'] : ['email', 'paper']));
    }
    const curve = learningCurve(rows, [0, 0.2], 2, 7, (r) => r.org ?? '');
    expect(curve.map((p) => p.fraction)).to.deep.equal([0, 0.2]);
    // 20 % of each campaign's 10 respondents.
    expect(curve[1].corrected).to.equal(2);
    expect(curve[0].lift).to.equal(0);
    expect(curve[0].meanF1).to.equal(curve[0].baseline);
    expect(curve[1].lift).to.be.closeTo(curve[1].meanF1 - curve[1].baseline, 0.0011);
    for (const p of curve) expect(p.minLift).to.be.at.most(p.lift + 1e-9);
  });
});
