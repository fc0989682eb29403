import { expect } from 'chai';
import { analyze, type AnalysisAnswer } from '../../../src/analysis/index.js';
import { EVIDENCE_MIN_CONFIDENCE } from '../../../src/analysis/needs.js';
import { demoRespondents } from '../../../src/demo/demo.js';

/**
 * Issue 14, "done when": the requirements of a seeded campaign (the demo's 32 people, through the
 * real engine, not hand-made codes) cite only sentences that the engine coded with the
 * requirement's own code at its primary confidence, and no need is split over two requirements.
 */
describe('requirements of the seeded demo campaign: evidence that proves the point', function () {
  this.timeout(60_000);
  const people = demoRespondents();
  const answers: AnalysisAnswer[] = people.flatMap((p) =>
    Object.entries(p.answers).map(([question, text]) => ({ id: `${p.key}:${question}`, question, text, lang: p.lang, respondent: p.key, segments: p.segments })),
  );
  const result = analyze(answers, { seed: 1, campaignLanguage: 'de' });
  const byId = new Map(result.answers.map((a) => [a.id, a]));
  const textOf = new Map(answers.map((a) => [a.id, a.text]));

  it('has requirements with evidence to check (the demo is not empty)', () => {
    expect(people.length).to.equal(32);
    expect(result.requirements.length).to.be.greaterThan(3);
    expect(result.requirements.reduce((n, r) => n + r.evidence.length, 0)).to.be.greaterThan(10);
  });

  it('every quote is a passage of its answer that carried one of the requirement\'s codes at the primary confidence', () => {
    for (const r of result.requirements) {
      const codes = r.codes ?? [r.source.code];
      for (const e of r.evidence) {
        const where = `${r.id} ← ${e.id} “${e.quote}”`;
        const answer = byId.get(e.id)!;
        const text = textOf.get(e.id)!;
        expect(e.code, where).to.be.oneOf(codes);
        expect([...(answer.themes ?? []), ...(answer.features ?? [])], where).to.include(e.code);
        expect(answer.confidence?.[e.code!], where).to.be.at.least(EVIDENCE_MIN_CONFIDENCE);
        expect(e.confidence, where).to.equal(answer.confidence?.[e.code!]);
        // The quote is the sentence around the clause that carried the code: it contains that clause.
        expect(text.slice(e.start, e.end).trim(), where).to.equal(e.quote.trim());
        const clause = answer.evidence?.find((c) => c.code === e.code);
        expect(clause, where).to.not.equal(undefined);
        expect(e.start!, where).to.be.at.most(clause!.start);
        expect(e.end!, where).to.be.at.least(clause!.end);
      }
    }
  });

  it('no two requirements share a need code, and each person is quoted once per requirement', () => {
    const seen = new Map<string, string>();
    for (const r of result.requirements) {
      for (const c of r.codes ?? [r.source.code]) {
        expect(seen.get(c), `${c} in ${r.id} and ${seen.get(c)}`).to.equal(undefined);
        seen.set(c, r.id);
      }
      const people = r.evidence.map((e) => byId.get(e.id)!.respondent);
      expect(new Set(people).size, r.id).to.equal(people.length);
      expect(r.respondents, r.id).to.be.at.least(r.evidence.length);
    }
  });
});
