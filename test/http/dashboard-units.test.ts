import { expect } from 'chai';
import type { AnalysisResult } from '../../src/analysis/index.js';
import { decodeRunData, encodeRunData } from '../../src/dashboard/dashboard.store.js';
import { buildRunData } from '../../src/dashboard/dashboard.data.js';
import { applyFilters, countCodes, drillAnswers, filterOptions, planOfRun } from '../../src/dashboard/dashboard.service.js';
import { cueFor, quoteOf } from '../../src/dashboard/quotes.js';

/**
 * The dashboard's pure parts without a database: filters and the small-group rule on the
 * compact arrays, the persisted binary form, and quotes from video transcripts.
 */

const campaign = {
  _id: 'c1',
  segments: [
    { key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: ['it', 'sales', 'hr'].map((k) => ({ key: k, label: { de: k, en: k } })) },
    { key: 'location', label: { de: 'Standort', en: 'Location' }, required: false, options: ['north', 'south'].map((k) => ({ key: k, label: { de: k, en: k } })) },
  ],
} as never;

/** n people per (department, location, language); each has a q1 answer coded e-mail. */
function fixture(groups: Array<[string, string, string, number]>) {
  const answers: AnalysisResult['answers'] = [];
  const segments = new Map<string, Record<string, string>>();
  let r = 0;
  for (const [department, location, lang, n] of groups)
    for (let i = 0; i < n; i++, r++) {
      const who = `resp${r}`;
      segments.set(who, { department, location });
      answers.push({ id: `${who}:q1`, question: 'current_practice', role: 'current_practice', lang, respondent: who, channels: ['email'] });
      answers.push({ id: `${who}:q3`, question: 'challenges', role: 'challenges', lang, respondent: who, themes: ['tool_overload'], challenge_type: r % 2 ? 'technical' : 'cultural' });
    }
  const result = {
    answers,
    clusters: [],
    requirements: [],
    summary: { answers: answers.length, respondents: r, languages: {}, channels: {}, themes: {}, features: {}, challengeBalance: { technical: 0, cultural: 0, technicalShare: 0.5, answers: 0 }, challengeBalanceBySegment: {}, rolloutReadiness: { stance: 'balanced', de: '', en: '' } },
  } as unknown as AnalysisResult;
  return buildRunData('0123456789abcdef01234567', campaign, result, segments);
}

describe('dashboard: filters, small groups, stored form, quotes (no database)', () => {
  // IT: 6 north + 6 south; Sales: 6 north + 1 south; HR: 5 north.
  const data = fixture([
    ['it', 'north', 'de', 6],
    ['it', 'south', 'en', 6],
    ['sales', 'north', 'de', 6],
    ['sales', 'south', 'en', 1],
    ['hr', 'north', 'de', 5],
  ]);

  it('a single filter value is shown when its group reaches the minimum', () => {
    const state = applyFilters(data, [{ dim: 'department', value: 'sales' }], 5);
    expect(state.suppressed).to.equal(undefined);
    expect(state.size).to.equal(7);
    expect(countCodes(data, state.mask!, 'current_practice', 'channels').counts.get('email')).to.equal(7);
  });

  it('a filter that would let a group below the minimum be worked out by subtraction is not offered', () => {
    // Department first: IT 12 and Sales 7 are offered (HR 5 is the rest: also ≥ 5). Location
    // next: "north" would split Sales into 6 north and 1 south — Sales minus Sales × north
    // would be one person — so no location is offered, and no combination with it either.
    const plan = planOfRun(data, 5);
    expect(plan.offers('department', 'it')).to.equal(true);
    expect(plan.offers('department', 'sales')).to.equal(true);
    expect(plan.offers('location', 'north')).to.equal(false);
    expect(plan.offers('location', 'south')).to.equal(false);
    expect(applyFilters(data, [{ dim: 'location', value: 'north' }], 5).suppressed).to.equal('group');
    expect(applyFilters(data, [{ dim: 'department', value: 'sales' }, { dim: 'location', value: 'south' }], 5).suppressed).to.equal('group');
    const ok = applyFilters(data, [{ dim: 'department', value: 'it' }], 5);
    expect(ok.size).to.equal(12);
  });

  it('the filter offers only values whose group survives; unknown values are ignored; a too small campaign shows nothing', () => {
    const options = filterOptions(data, campaign, 8, 'en');
    const dep = options.find((o) => o.key === 'department')!;
    // At 8: IT 12 is offered; Sales 7 and HR 5 are not (and the rest of 12 is large enough).
    expect(dep.options.map((o) => [o.value, o.disabled])).to.deep.equal([['it', false], ['sales', true], ['hr', true]]);
    expect(applyFilters(data, [{ dim: 'department', value: 'nope' }], 5).selected).to.deep.equal([]);
    expect(applyFilters(data, [], 100).suppressed).to.equal('total');
  });

  it('drill-downs return exactly the answers behind a figure, in the filtered population', () => {
    const state = applyFilters(data, [{ dim: 'department', value: 'it' }], 5);
    const ids = drillAnswers(data, state.mask!, { kind: 'code', role: 'current_practice', field: 'channels', code: 'email', page: 1 }).map((i) => data.aId[i]);
    expect(ids).to.have.length(12);
    expect(ids.every((id) => id.endsWith(':q1'))).to.equal(true);
    const technical = drillAnswers(data, state.mask!, { kind: 'type', type: 'technical', page: 1 });
    const cultural = drillAnswers(data, state.mask!, { kind: 'type', type: 'cultural', page: 1 });
    expect(technical.length + cultural.length).to.equal(12);
  });

  it('the persisted binary form decodes to the same arrays', async () => {
    const { meta, arrays } = await encodeRunData(data);
    // Decode from an unaligned copy, as a driver buffer may be.
    const shifted = Buffer.concat([Buffer.alloc(3), arrays]).subarray(3);
    const back = await decodeRunData(data.runId, data.campaignId, meta, shifted);
    expect(back.aId).to.deep.equal(data.aId);
    expect([...back.codes]).to.deep.equal([...data.codes]);
    expect([...back.aType]).to.deep.equal([...data.aType]);
    expect(back.dims.map((d) => [d.key, d.values, [...d.idx]])).to.deep.equal(data.dims.map((d) => [d.key, d.values, [...d.idx]]));
    const f = [{ dim: 'department', value: 'it' }];
    expect(applyFilters(back, f, 5).size).to.equal(applyFilters(data, f, 5).size);
    expect(arrays.byteLength + meta.byteLength).to.be.lessThan(4000);
  });

  it('quotes: a video answer plays from the cue where the code is said; text answers have no position', () => {
    const cues = [
      { start: 0, end: 2, text: 'Hallo zusammen.' },
      { start: 2.25, end: 6, text: 'Wir schreiben uns meistens E-Mails.' },
    ];
    expect(cueFor(cues, [/e-?mail/iu])?.start).to.equal(2.25);
    expect(cueFor(cues, [/fax/iu])?.start).to.equal(0);
    expect(quoteOf({ mode: 'video', mediaId: 'm1', text: 'Hallo zusammen. Wir schreiben uns meistens E-Mails.', cues }, [/e-?mail/iu])).to.deep.include({ video: true, seconds: 2.3 });
    expect(quoteOf({ mode: 'text', text: 'Per Mail.' }, [/mail/iu])).to.deep.equal({ text: 'Per Mail.', video: false, seconds: undefined });
    expect(quoteOf({ mode: 'video', mediaId: 'm1', text: '' }, [])).to.equal(null);
    expect(quoteOf(undefined, [])).to.equal(null);
  });
});
