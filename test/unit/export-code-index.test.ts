import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { buildCodeIndex, CODE_FIELD, CodeTable, codeTableOf } from '../../src/analysis-runs/code-index.js';

type Answer = Parameters<typeof buildCodeIndex>[0]['answers'][number];

const answers = [
  { id: 'r1:q1', lang: 'de', channels: ['email', 'chat'], cluster: 'c1' },
  { id: 'r1:q3', lang: 'de', themes: ['information_overload'], challenge_type: 'cultural', challenge_confidence: 0.876, cluster: 'c2' },
  { id: 'r2:q4', lang: 'en', features: ['search', 'mobile'] },
  // A response id with colons of its own (API submission ids may hold one): the question key is
  // what follows the LAST colon.
  { id: 's_c1_a:b:q1', lang: 'en', channels: ['phone'] },
  { id: 'r2:q1', lang: 'en' },
] as unknown as Answer[];
const clusters = [
  { id: 'c1', label: 'Mail · Büro\tund\nmehr' },
  { id: 'c2', label: '„Über“ 🙂' },
] as unknown as Parameters<typeof buildCodeIndex>[0]['clusters'];

describe('export code index (CodeTable)', () => {
  it('finds every answer by response id and question key, with its fields as written', () => {
    const table = codeTableOf(buildCodeIndex({ answers, clusters }), answers.length);
    expect(table.lines).to.equal(5);
    const r1q1 = table.find('r1', 'q1');
    expect(r1q1).to.be.at.least(0);
    expect(table.value(r1q1, CODE_FIELD.lang)).to.equal('de');
    expect(table.value(r1q1, CODE_FIELD.channels)).to.equal('email;chat');
    expect(table.value(r1q1, CODE_FIELD.themes)).to.equal('');
    // Tabs and line breaks of a label become spaces (one TSV line per answer); non-Latin-1 stays.
    expect(table.value(r1q1, CODE_FIELD.cluster)).to.equal('Mail · Büro und mehr');
    const r1q3 = table.find('r1', 'q3');
    expect(table.value(r1q3, CODE_FIELD.challengeType)).to.equal('cultural');
    expect(table.value(r1q3, CODE_FIELD.confidence)).to.equal('0.88');
    expect(table.value(r1q3, CODE_FIELD.cluster)).to.equal('„Über“ 🙂');
    expect(table.value(table.find('r2', 'q4'), CODE_FIELD.features)).to.equal('search;mobile');
    expect(table.value(table.find('r2', 'q4'), CODE_FIELD.confidence)).to.equal('');
    expect(table.value(table.find('s_c1_a:b', 'q1'), CODE_FIELD.channels)).to.equal('phone');
    expect(table.value(table.find('r2', 'q1'), CODE_FIELD.lang)).to.equal('en');
  });

  it('answers -1 for unknown responses, questions and partial ids', () => {
    const table = codeTableOf(buildCodeIndex({ answers, clusters }));
    expect(table.find('r1', 'q2')).to.equal(-1);
    expect(table.find('r3', 'q1')).to.equal(-1);
    expect(table.find('r', 'q1')).to.equal(-1);
    expect(table.find('s_c1_a', 'b:q1')).to.equal(-1);
    expect(table.find('r1', 'unknown_question')).to.equal(-1);
  });

  it('keeps each distinct value once, whatever the number of answers', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ id: `r${i}:q${(i % 4) + 1}`, lang: i % 2 ? 'de' : 'en', channels: ['email'], cluster: 'c1' })) as unknown as Answer[];
    // Started far too small on purpose: the cells grow as lines come.
    const table = codeTableOf(buildCodeIndex({ answers: many, clusters }), 1);
    expect(table.lines).to.equal(2000);
    // 4 question keys, 2 languages, 'email', '' and one label.
    expect(table.values.length).to.equal(9);
    for (let i = 0; i < 2000; i += 97) expect(table.value(table.find(`r${i}`, `q${(i % 4) + 1}`), CODE_FIELD.lang)).to.equal(i % 2 ? 'de' : 'en');
  });

  it('reads indexes whose lines are in any order, an empty index and a large one', () => {
    const tsv = ['b:q2\ten\t\t\t\t\t\t', 'a:q1\tde\temail\t\t\t\t\t', 'b:q1\tde\tchat\t\t\t\t\t'].join('\n');
    const table = codeTableOf(gzipSync(tsv));
    expect(table.value(table.find('b', 'q1'), CODE_FIELD.channels)).to.equal('chat');
    expect(table.value(table.find('b', 'q2'), CODE_FIELD.lang)).to.equal('en');
    expect(table.value(table.find('a', 'q1'), CODE_FIELD.channels)).to.equal('email');
    expect(codeTableOf(buildCodeIndex({ answers: [], clusters: [] })).lines).to.equal(0);
    // Larger than the 64 KB minimum output buffer (~4 MB of TSV).
    const big = Array.from({ length: 50_000 }, (_, i) => `r${i}:q1\tde\temail;chat;phone;paper\ttheme_${i % 50}\ttechnical\t0.5\tsearch\tlabel ${i % 300}`).join('\n');
    const t2 = codeTableOf(gzipSync(big));
    expect(t2.lines).to.equal(50_000);
    expect(t2.value(t2.find('r49999', 'q1'), CODE_FIELD.cluster)).to.equal(`label ${49999 % 300}`);
  });

  it('a line without fields after its id gives empty values, not the next line', () => {
    const table = new CodeTable();
    const buf = Buffer.from('x:q1\ny:q1\tde\temail\t\t\t\t\t', 'utf8');
    table.addLine(buf, 0, 4);
    table.addLine(buf, 5, buf.length);
    expect(table.value(table.find('x', 'q1'), CODE_FIELD.lang)).to.equal('');
    expect(table.value(table.find('x', 'q1'), CODE_FIELD.channels)).to.equal('');
    expect(table.value(table.find('y', 'q1'), CODE_FIELD.channels)).to.equal('email');
  });
});
