import { expect } from 'chai';
import { BUILTIN_CODEBOOK, type AnsweredCodes } from '../../../src/analysis/index.js';
import { deriveNeeds, requiredRuns, sentenceAround } from '../../../src/analysis/needs.js';
import { moscow } from '../../../src/analysis/requirements.js';

/** An answer with one clause of evidence per code (offsets found in the text). */
function answer(id: string, who: string, role: 'challenges' | 'future', text: string, coded: Array<[string, string, number]>): { a: AnsweredCodes; text: string } {
  const codes = coded.map(([c]) => c);
  const evidence = coded.map(([code, clause, confidence]) => {
    const start = text.indexOf(clause);
    if (start < 0) throw new Error(`clause not in text: ${clause}`);
    return { code, text: clause, start, end: start + clause.length, confidence };
  });
  const a: AnsweredCodes = {
    id,
    question: role,
    role,
    lang: 'de',
    respondent: who,
    ...(role === 'future' ? { features: codes } : { themes: codes }),
    evidence,
    confidence: Object.fromEntries(coded.map(([c, , p]) => [c, p])),
  };
  return { a, text };
}

function needsOf(items: Array<{ a: AnsweredCodes; text: string }>) {
  return deriveNeeds({
    answers: items.map((i) => i.a),
    texts: new Map(items.map((i) => [i.a.id, i.text])),
    segments: new Map(items.map((i) => [i.a.id, {}])),
    codebook: BUILTIN_CODEBOOK,
    moscow,
  });
}

describe('requirements as needs (issue 14)', () => {
  const items = [
    answer('p1:q3', 'p1', 'challenges', 'Ehrlich gesagt geht es. Im SharePoint findet keiner was, und im SAP auch nicht.', [['findability', 'Im SharePoint findet keiner was', 0.95]]),
    answer('p1:q4', 'p1', 'future', 'Eine Suche über SharePoint und SAP.', [['enterprise_search', 'Eine Suche über SharePoint und SAP', 0.97]]),
    answer('p2:q4', 'p2', 'future', 'Ich will alles in SharePoint und SAP mit einem Suchbegriff finden. Und mehr Kaffee.', [['enterprise_search', 'Ich will alles in SharePoint und SAP mit einem Suchbegriff finden', 0.9]]),
    answer('p3:q3', 'p3', 'challenges', 'Das WLAN im Lager bricht ab. Die Suche ist auch mies.', [['connectivity_devices', 'Das WLAN im Lager bricht ab', 0.93], ['findability', 'Die Suche ist auch mies', 0.4]]),
    answer('p4:q3', 'p4', 'challenges', 'Zu viele Tools.', [['tool_sprawl', 'Zu viele Tools', 0.9]]),
  ];
  const reqs = needsOf(items);
  const search = reqs.find((r) => r.id === 'need-search')!;

  it('merges what people lack (q3) and wish for (q4) into one requirement, counting people, not answers', () => {
    expect(search, 'one search requirement').to.not.equal(undefined);
    expect(reqs.filter((r) => (r.codes ?? []).includes('findability') || (r.codes ?? []).includes('enterprise_search'))).to.have.length(1);
    expect(search.codes).to.have.members(['enterprise_search', 'findability']);
    // p1 named it twice (problem and wish), p2 once, p3 only as a weak secondary code: 3 people.
    expect(search.respondents).to.equal(3);
    expect(search.problem).to.equal(2);
    expect(search.wish).to.equal(2);
    expect(search.share).to.equal(0.75);
  });

  it('cites the sentence that carried the code, never a low-confidence secondary code, one quote per person', () => {
    const quotes = search.evidence.map((e) => e.quote);
    // p1 said it twice: their more confident sentence (the wish) stands for them.
    expect(quotes).to.deep.equal(['Eine Suche über SharePoint und SAP.', 'Ich will alles in SharePoint und SAP mit einem Suchbegriff finden.']);
    expect(quotes.some((q) => q.includes('Ehrlich gesagt')), 'not the first sentence of the answer').to.equal(false);
    expect(quotes.some((q) => q.includes('Suche ist auch mies')), 'p3: only a weak secondary code').to.equal(false);
    expect(new Set(search.evidence.map((e) => e.id.split(':')[0])).size).to.equal(search.evidence.length);
    for (const e of search.evidence) {
      expect(e.confidence).to.be.at.least(0.75);
      expect(['enterprise_search', 'findability']).to.include(e.code);
      const text = items.find((i) => i.a.id === e.id)!.text;
      expect(text.slice(e.start, e.end)).to.equal(e.quote);
    }
  });

  it('titles and acceptance criteria name what at least two people named, in both languages', () => {
    expect(search.title.en).to.equal('One search across SAP and SharePoint');
    expect(search.title.de).to.equal('Eine Suche über SAP und SharePoint');
    expect(search.acceptance?.[0].en).to.include('any of the 2 named systems (SAP and SharePoint)');
    expect(search.rationale?.en).to.equal('3 people (75 %): 2 named it as a problem, 2 as a wish.');
    // One person naming "WLAN im Lager" is no specific: the title stays general.
    const network = reqs.find((r) => r.id === 'need-connectivity')!;
    expect(network.title.en).to.equal('Reliable network and good equipment where people work');
    expect(network.respondents).to.equal(1);
  });

  it('ids are stable need ids, and a sentence is widened from its clause within the answer', () => {
    expect(reqs.map((r) => r.id)).to.include.members(['need-search', 'need-connectivity', 'need-single_access']);
    const text = 'erstens das wlan im lager bricht ständig ab und zweitens findet keiner was';
    const s = sentenceAround(text, text.indexOf('findet'), text.length);
    expect(text.slice(s.start, s.end)).to.equal(s.quote.replace(/^…/, ''));
    expect(s.quote.length).to.be.at.most(222);
  });

  it('a gazetteer pattern is tested only on sentences with a letter run every match of it contains', () => {
    expect(requiredRuns('share\\s?point')).to.deep.equal(['share']);
    expect(requiredRuns('\\bs\\s?a\\s?p\\b')).to.deep.equal(['s']);
    expect(requiredRuns('e-?mails?\\b|postfach')).to.deep.equal(['mail', 'postfach']);
    expect(requiredRuns('außendienst|\\bfield\\b')).to.deep.equal(['endienst', 'field']);
    expect(requiredRuns('\\bgoogle\\s?(?:drive|docs)\\b')).to.deep.equal(['google']);
    expect(requiredRuns('[jg]ira|ab+c|x\\u00e4yz')).to.deep.equal(['ira', 'ab', 'yz']);
    // An alternative without a plain letter run: no prefilter, the pattern is always tested.
    expect(requiredRuns('foo|\\p{L}+')).to.equal(null);
    // Every match contains one of the runs (case-insensitively, the long s included).
    for (const [source, text] of [['share\\s?point', 'SHARE POINT'], ['\\bs\\s?a\\s?p\\b', 'ein ſ a p'], ['e-?mails?\\b', 'E-MAILS']]) {
      expect(new RegExp(source, 'iu').test(text)).to.equal(true);
      const folded = text.toLowerCase().replace(/\u017f/g, 's');
      expect(requiredRuns(source)!.some((r) => folded.includes(r))).to.equal(true);
    }
  });
});
