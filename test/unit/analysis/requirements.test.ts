import { expect } from 'chai';
import { analyze, type AnalysisAnswer } from '../../../src/analysis/index.js';
import { moscow, rolloutReadiness } from '../../../src/analysis/requirements.js';

describe('analysis requirements', () => {
  it('when a share is high and spread over segments, then the priority is must; small shares fall to could/wont', () => {
    expect(moscow(0.4, 3, true)).to.equal('must');
    expect(moscow(0.4, 1, true)).to.equal('should');
    expect(moscow(0.05, 1, true)).to.equal('could');
    expect(moscow(0.01, 1, true)).to.equal('wont');
  });
  it('when most challenges are cultural, then the rollout starts with enablement', () => {
    expect(rolloutReadiness({ technical: 1, cultural: 4, technicalShare: 0.2, answers: 5 }).stance).to.equal('enablement_first');
    expect(rolloutReadiness({ technical: 4, cultural: 1, technicalShare: 0.8, answers: 5 }).stance).to.equal('technical_first');
  });
  it('when people ask for a dashboard and name cultural challenges, then requirements carry kind, evidence and segments', () => {
    const answers: AnalysisAnswer[] = [];
    for (let i = 0; i < 6; i++) {
      const seg = { department: i % 2 ? 'Sales' : 'IT' };
      answers.push({ id: `r${i}-q4`, respondent: `r${i}`, question: 'q4', text: 'Ein Dashboard, auf dem alle Systeme zusammenlaufen.', segments: seg });
      answers.push({ id: `r${i}-q3`, respondent: `r${i}`, question: 'q3', text: 'Viele halten an alten Gewohnheiten fest, das haben wir immer so gemacht.', segments: seg });
    }
    const r = analyze(answers, { skipClustering: true });
    const dash = r.requirements.find((q) => q.source.code === 'unified_dashboard')!;
    expect(dash.kind).to.equal('capability');
    expect(dash.priority).to.equal('must');
    expect(dash.segments).to.have.members(['department=IT', 'department=Sales']);
    expect(dash.evidence[0].id).to.match(/-q4$/);
    expect(dash.title.de).to.be.a('string').and.not.equal('');
    const change = r.requirements.find((q) => q.source.code === 'change_resistance')!;
    expect(change.kind).to.equal('enablement');
    expect(r.summary.challengeBalance.cultural).to.equal(6);
    expect(r.summary.rolloutReadiness.stance).to.equal('enablement_first');
    expect(r.summary.challengeBalanceBySegment.department.IT.answers).to.equal(3);
  });
});
