import { expect } from 'chai';
import { BUILTIN_CODEBOOK, validateCodebook, type AnalysisAnswer } from '../../../src/analysis/index.js';
import { foldCorrections, newCodeId, type CorrectionData } from '../../../src/board/board-state.js';

const answers = new Map<string, Pick<AnalysisAnswer, 'text' | 'lang' | 'question'>>([
  ['r1:q3', { text: 'Der Schichtplan hängt als Zettel aus.', lang: 'de', question: 'challenges' }],
  ['r2:q3', { text: 'The shift plan is only on paper.', lang: 'en', question: 'challenges' }],
  ['r3:q3', { text: 'Zu viele Tools.', lang: 'de', question: 'challenges' }],
  ['r1:q5', { text: 'Mehr Kaffee in der Kantine.', lang: 'de', question: 'wishes' }],
]);
const group = (book: ReturnType<typeof foldCorrections>['codebook'], role: string) => book.groups.find((g) => g.role === role)!;
let n = 0;
const c = (data: Omit<CorrectionData, 'id'>): CorrectionData => ({ id: `c${++n}`, ...data });

describe('theme board: folding corrections', () => {
  it('without corrections, the codebook is the built-in one and nothing is corrected', () => {
    const s = foldCorrections([], answers);
    expect(s.codebook).to.deep.equal(BUILTIN_CODEBOOK);
    expect(s.codebook).to.not.equal(BUILTIN_CODEBOOK);
    expect(s.corrections).to.deep.equal([]);
    expect(s.codebookChanged).to.equal(false);
  });

  it('a rename changes the code name (one language left empty keeps the old one), never the built-in codebook', () => {
    const s = foldCorrections([c({ kind: 'rename', question: 'challenges', code: 'tool_sprawl', name: { de: 'Werkzeug-Wildwuchs', en: '' } })], answers);
    const code = group(s.codebook, 'challenges').codes.find((x) => x.id === 'tool_sprawl')!;
    expect(code.name.de).to.equal('Werkzeug-Wildwuchs');
    expect(code.name.en).to.equal(BUILTIN_CODEBOOK.groups[2].codes.find((x) => x.id === 'tool_sprawl')!.name.en);
    expect(BUILTIN_CODEBOOK.groups[2].codes.find((x) => x.id === 'tool_sprawl')!.name.de).to.not.equal('Werkzeug-Wildwuchs');
  });

  it('a merge moves examples and cues into the survivor, drops the code and maps earlier and later answer codes', () => {
    const before = group(foldCorrections([], answers).codebook, 'challenges');
    const from = before.codes.find((x) => x.id === 'information_overload')!;
    const to = before.codes.find((x) => x.id === 'tool_sprawl')!;
    const s = foldCorrections(
      [
        c({ kind: 'codes', question: 'challenges', assign: [{ answer: 'r3:q3', codes: ['information_overload', 'findability'] }] }),
        c({ kind: 'merge', question: 'challenges', code: 'information_overload', into: 'tool_sprawl' }),
        // Later corrections may still name the merged code (made on an older run): mapped too.
        c({ kind: 'rename', question: 'challenges', code: 'information_overload', name: { de: 'Tool- und Nachrichtenflut', en: 'Tool and message flood' } }),
      ],
      answers,
    );
    const g = group(s.codebook, 'challenges');
    expect(g.codes.map((x) => x.id)).to.not.include('information_overload');
    const survivor = g.codes.find((x) => x.id === 'tool_sprawl')!;
    expect(survivor.examples.de).to.include.members(from.examples.de);
    expect(survivor.cues).to.include.members([...(from.cues ?? []), ...(to.cues ?? [])]);
    expect(survivor.name.en).to.equal('Tool and message flood');
    expect(s.aliases.get('information_overload')).to.equal('tool_sprawl');
    expect(s.answerCodes.get('r3:q3')).to.deep.equal(['tool_sprawl', 'findability']);
    expect(s.corrections).to.deep.equal([{ text: 'Zu viele Tools.', question: 'challenges', lang: 'de', themes: ['tool_sprawl', 'findability'] }]);
    expect(() => validateCodebook(s.codebook)).to.not.throw();
  });

  it('a split creates a typed campaign code whose examples are the moved answers, in their languages', () => {
    const id = newCodeId('Paper shift plan', 'abc123');
    expect(id).to.equal('custom_paper_shift_plan_abc123');
    const split = c({
      kind: 'split',
      question: 'challenges',
      code: 'tool_sprawl',
      newCode: id,
      name: { de: 'Schichtplan', en: 'Paper shift plan' },
      challengeType: 'cultural',
      assign: [
        { answer: 'r1:q3', codes: [id] },
        { answer: 'r2:q3', codes: [id, 'legacy_integration'] },
      ],
    });
    const s = foldCorrections([split, c({ kind: 'answer_type', question: 'challenges', assign: [{ answer: 'r1:q3', challengeType: 'technical' }] })], answers);
    const code = group(s.codebook, 'challenges').codes.find((x) => x.id === id)!;
    expect(code.type).to.equal('cultural');
    expect(code.examples).to.deep.equal({ de: ['Der Schichtplan hängt als Zettel aus.'], en: ['The shift plan is only on paper.'] });
    expect(s.created.get(id)).to.equal(split.id);
    expect(s.corrections).to.deep.equal([
      { text: 'Der Schichtplan hängt als Zettel aus.', question: 'challenges', lang: 'de', themes: [id], challenge_type: 'technical' },
      { text: 'The shift plan is only on paper.', question: 'challenges', lang: 'en', themes: [id, 'legacy_integration'] },
    ]);
    expect(() => validateCodebook(s.codebook)).to.not.throw();
  });

  it('a custom question gets its own code group on its first split; unknown codes and deleted answers are dropped', () => {
    const s = foldCorrections(
      [
        c({ kind: 'split', question: 'wishes', cluster: 'wishes-c1', newCode: 'custom_kaffee_1', name: { de: 'Kaffee', en: 'Coffee' }, assign: [{ answer: 'r1:q5', codes: ['custom_kaffee_1', 'no_such_code'] }] }),
        c({ kind: 'codes', question: 'challenges', assign: [{ answer: 'gone:q3', codes: ['tool_sprawl'] }] }),
        c({ kind: 'code_type', question: 'challenges', code: 'tool_sprawl', challengeType: 'cultural' }),
      ],
      answers,
    );
    const custom = s.codebook.groups.find((g) => g.role === 'custom' && g.question === 'wishes')!;
    expect(custom.output).to.equal('themes');
    expect(custom.codes.map((x) => x.id)).to.deep.equal(['custom_kaffee_1']);
    expect(custom.codes[0].type).to.equal(undefined);
    expect(s.corrections).to.deep.equal([{ text: 'Mehr Kaffee in der Kantine.', question: 'wishes', lang: 'de', themes: ['custom_kaffee_1'] }]);
    expect(group(s.codebook, 'challenges').codes.find((x) => x.id === 'tool_sprawl')!.type).to.equal('cultural');
  });

  it('undo is leaving a correction out: without the merge the code and its answers are back', () => {
    const merge = c({ kind: 'merge', question: 'challenges', code: 'findability', into: 'tool_sprawl' });
    const set = c({ kind: 'codes', question: 'challenges', assign: [{ answer: 'r3:q3', codes: ['findability'] }] });
    const merged = foldCorrections([merge, set], answers);
    expect(merged.answerCodes.get('r3:q3')).to.deep.equal(['tool_sprawl']);
    const undone = foldCorrections([set], answers);
    expect(group(undone.codebook, 'challenges').codes.map((x) => x.id)).to.include('findability');
    expect(undone.answerCodes.get('r3:q3')).to.deep.equal(['findability']);
    expect(undone.aliases.size).to.equal(0);
  });
});
