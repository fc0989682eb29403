import { expect } from 'chai';
import mongoose from 'mongoose';
import { storedAnalysis } from '../../src/analysis-runs/analysis-run.queries.js';
import { setMember, type Campaign } from '../../src/campaigns/campaign.service.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { SeriesMemberModel } from '../../src/series/series.model.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { AFTER, BEFORE, seriesCampaign } from './series.fixtures.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/**
 * Campaign series and the trend view (issue 17, item 3) over HTTP with a real database and real
 * analysis runs: two seeded campaigns ("before rollout": tool chaos; "6 months after": people
 * and training) are linked; every figure of the trend page is checked against counts computed
 * directly from the stored responses and the stored results of the runs; access (another lead:
 * 404; a stakeholder of one campaign sees only that one); the form's errors; the report's "since
 * the last campaign" section only where there is a predecessor.
 */

const FIELD: Record<string, 'channels' | 'themes' | 'features'> = { current_practice: 'channels', meaning: 'themes', challenges: 'themes', future: 'features' };

/** Respondents per role and per code, computed straight from the stored responses and the run's stored result. */
async function expectedFigures(campaignId: mongoose.Types.ObjectId, runId: string) {
  const responses = await ResponseModel.find({ campaignId }, { _id: 1 }).lean<Array<{ _id: string }>>();
  const ids = new Set(responses.map((r) => String(r._id)));
  const stored = await storedAnalysis(runId);
  const answered = new Map<string, Set<string>>();
  const named = new Map<string, Set<string>>();
  for (const a of stored!.result.answers) {
    const who = a.id.slice(0, a.id.lastIndexOf(':'));
    expect(ids.has(who), `answer ${a.id} belongs to a stored response`).to.equal(true);
    const field = FIELD[a.role];
    if (!field) continue;
    if (!answered.has(a.role)) answered.set(a.role, new Set());
    answered.get(a.role)!.add(who);
    for (const code of (a[field] as string[] | undefined) ?? []) {
      const key = `${a.role}|${code}`;
      if (!named.has(key)) named.set(key, new Set());
      named.get(key)!.add(who);
    }
  }
  return { respondents: ids.size, answered, named };
}

/** `code → [cell texts per column]` of one role's trend table. */
function tableOf(html: string, role: string): Map<string, string[]> {
  const start = html.indexOf(`data-trend-role="${role}"`);
  if (start < 0) return new Map();
  const table = html.slice(start, html.indexOf('</table>', start));
  const out = new Map<string, string[]>();
  for (const [, code, row] of table.matchAll(/<tr data-code="([a-z0-9_]+)">([\s\S]*?)<\/tr>/g)) {
    const cells = [...row.matchAll(/<td class="num[^"]*">([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    out.set(code, cells);
  }
  return out;
}

describe('campaign series and trend (issue 17, item 3)', function () {
  this.timeout(180_000);
  useTestDb('series');
  const app = testApp();
  let lead: Client;
  let pre: { campaign: Campaign; runId: string };
  let after: { campaign: Campaign; runId: string };
  let a: string;
  let b: string;

  before(async () => {
    lead = await staffClient(app, 'lead');
    pre = await seriesCampaign(lead.user.id, 'Before rollout', 8, BEFORE);
    after = await seriesCampaign(lead.user.id, 'Six months after', 9, AFTER);
    a = `/lead/campaigns/${String(pre.campaign._id)}`;
    b = `/lead/campaigns/${String(after.campaign._id)}`;
  });

  it('without a series: the trend says so, the report has no "since the last campaign" section', async () => {
    const html = (await lead.get(`${b}/dashboard/trend?lang=en`).expect(200)).text;
    expect(html).to.include('This campaign belongs to no series.');
    expect((await lead.get(`${b}/report?lang=en`).expect(200)).text).not.to.include('Since the last campaign');
  });

  it('bad input: no campaign chosen, or a label too long — 400 in the user\'s language, what was typed is kept', async () => {
    let res = await lead.post(`${a}/series?lang=de`).type('form').send({ campaign: '', label: 'vor dem Rollout', otherLabel: 'danach', name: 'Rollout 2027' }).expect(400);
    expect(res.text, res.text.slice(res.text.indexOf('error-summary'), res.text.indexOf('error-summary') + 600)).to.include('Bitte eine Kampagne aus der Liste wählen.');
    expect(res.text).to.include('value="vor dem Rollout"');
    expect(res.text).to.include('value="Rollout 2027"');
    res = await lead.post(`${a}/series?lang=en`).type('form').send({ campaign: String(after.campaign._id), label: 'x'.repeat(121), otherLabel: 'after' }).expect(400);
    expect(res.text).to.include('value="after"');
    expect(res.text).to.include(`<option value="${String(after.campaign._id)}" selected>`);
    expect(await SeriesMemberModel.countDocuments()).to.equal(0);
  });

  it('links the two campaigns; the page lists them in order with their labels', async () => {
    const res = await lead.post(`${b}/series`).type('form').send({ campaign: String(pre.campaign._id), label: '6 months after', otherLabel: 'before rollout', name: 'Rollout 2027' }).expect(303);
    expect(res.headers.location).to.equal(`${b}/series?done=linked`);
    const html = (await lead.get(`${b}/series?done=linked&lang=en`).expect(200)).text;
    expect(html).to.include('The campaigns are linked.');
    const list = html.slice(html.indexOf('data-series-members'), html.indexOf('</ol>', html.indexOf('data-series-members')));
    expect(list.indexOf('before rollout')).to.be.greaterThan(0);
    expect(list.indexOf('before rollout')).to.be.lessThan(list.indexOf('6 months after'));
    expect(html).to.include('Rollout 2027');
  });

  it('the trend figures equal the counts computed directly from the stored responses and runs', async () => {
    const html = (await lead.get(`${b}/dashboard/trend?lang=en`).expect(200)).text;
    const exp = [await expectedFigures(pre.campaign._id, pre.runId), await expectedFigures(after.campaign._id, after.runId)];
    expect(exp[0].respondents).to.equal(8);
    expect(exp[1].respondents).to.equal(9);
    expect(html).to.include('8 people');
    expect(html).to.include('9 people');
    let checked = 0;
    const diffs: Array<{ code: string; role: string; delta: number }> = [];
    for (const role of ['current_practice', 'meaning', 'challenges', 'future']) {
      const table = tableOf(html, role);
      const codes = new Set([...exp[0].named.keys(), ...exp[1].named.keys()].filter((k) => k.startsWith(`${role}|`)).map((k) => k.split('|')[1]));
      expect([...table.keys()].sort(), role).to.deep.equal([...codes].sort());
      for (const code of codes) {
        const cells = table.get(code)!;
        for (let i = 0; i < 2; i++) {
          const of = exp[i].answered.get(role)!.size;
          const count = exp[i].named.get(`${role}|${code}`)?.size ?? 0;
          expect(cells[i], `${role} ${code} campaign ${i}`).to.equal(`${Math.round((count / of) * 100)} % ${count} of ${of}`);
          checked++;
        }
        const share = (i: number) => (exp[i].named.get(`${role}|${code}`)?.size ?? 0) / exp[i].answered.get(role)!.size;
        const delta = share(1) - share(0);
        const points = Math.round(delta * 100);
        expect(cells[2], `${role} ${code} change`).to.match(new RegExp(`^${points > 0 ? '\\+' : points < 0 ? '−' : '±'}${Math.abs(points)} pp`));
        diffs.push({ code, role, delta });
      }
    }
    expect(checked).to.be.greaterThan(10);
    // Rose / fell the most: the largest positive and negative differences.
    const rose = diffs.filter((d) => d.delta > 0).sort((x, y) => y.delta - x.delta);
    const fell = diffs.filter((d) => d.delta < 0).sort((x, y) => x.delta - y.delta);
    expect(rose.length).to.be.greaterThan(0);
    expect(fell.length).to.be.greaterThan(0);
    const section = (kind: string) => html.slice(html.indexOf(`data-movers="${kind}"`), html.indexOf('</ol>', html.indexOf(`data-movers="${kind}"`)));
    const roseSection = section('rose');
    const fellSection = section('fell');
    expect((roseSection.match(/<li>/g) ?? []).length).to.equal(Math.min(5, rose.length));
    expect((fellSection.match(/<li>/g) ?? []).length).to.equal(Math.min(5, fell.length));
    expect(roseSection).to.include(`+${Math.round(rose[0].delta * 100)} pp`);
    expect(fellSection).to.include(`−${Math.round(-fell[0].delta * 100)} pp`);
    // The test and threshold are named; both runs use the built-in codebook.
    expect(html).to.include('two-proportion z-test, p &lt; 0.05 (|z| ≥ 1.96), and at least 10 percentage points');
    expect(html).to.include('Both campaigns use the same codebook');
    expect(html).to.include('codebook: built-in (dwp-1)');
  });

  it('another lead gets 404 for the series and trend pages and cannot link to these campaigns', async () => {
    const other = await staffClient(app, 'lead');
    await other.get(`${b}/series`).expect(404);
    await other.get(`${b}/dashboard/trend`).expect(404);
    await other.post(`${b}/series/unlink`).type('form').send({}).expect(404);
    const mine = await seriesCampaign(other.user.id, 'Other lead', 1, BEFORE, false);
    const res = await other.post(`/lead/campaigns/${String(mine.campaign._id)}/series?lang=en`).type('form').send({ campaign: String(pre.campaign._id) }).expect(400);
    expect(res.text).to.include('This campaign does not exist or you may not edit it.');
    // The list offers only campaigns this lead may edit.
    expect(res.text).not.to.include('Before rollout');
    expect(await SeriesMemberModel.countDocuments({ _id: mine.campaign._id })).to.equal(0);
  });

  it('a stakeholder reads the trend only for the campaigns they may read, and cannot edit the series', async () => {
    const stakeholder = await staffClient(app, 'stakeholder');
    await setMember(String(after.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    let html = (await stakeholder.get(`${b}/dashboard/trend?lang=en`).expect(200)).text;
    expect(html).to.include('1 more campaign of the series is not listed because you may not read it.');
    expect(html).not.to.include('before rollout');
    expect(html).not.to.include('Before rollout');
    expect(html).to.include('Nothing to compare yet');
    expect(html).not.to.include('Edit series');
    await stakeholder.get(`${b}/series`).expect(404);
    await stakeholder.post(`${b}/series`).type('form').send({ campaign: String(pre.campaign._id) }).expect(404);
    await stakeholder.get(`${a}/dashboard/trend`).expect(404);
    await setMember(String(pre.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    html = (await stakeholder.get(`${b}/dashboard/trend?lang=en`).expect(200)).text;
    expect(html).to.include('before rollout');
    expect(html).to.include('Rose the most');
    expect(html).not.to.include('not listed because');
  });

  it('rating-scale questions: mean and n per campaign for the same key, computed from the stored answers; another scale is not comparable', async () => {
    // Closed questions (issue 17, item 1) as they are stored: `type: 'scale'` with its range on
    // the question, the number in `answers.<key>.value`. Written straight into the documents.
    const scale = (key: string, min: number, max: number, en: string) => ({ key, role: 'custom', type: 'scale', prompt: { de: en, en }, modes: ['text'], required: false, scale: { min, max, minLabel: { de: 'gar nicht', en: 'not at all' }, maxLabel: { de: 'sehr', en: 'very' } } });
    await CampaignModel.collection.updateOne({ _id: pre.campaign._id }, { $push: { questions: { $each: [scale('tools', 0, 10, 'How well do today’s tools support your work?'), scale('open', 1, 5, 'How open is your team?')] } } } as never);
    await CampaignModel.collection.updateOne({ _id: after.campaign._id }, { $push: { questions: { $each: [scale('tools', 0, 10, 'How well do today’s tools support your work?'), scale('open', 0, 10, 'How open is your team?')] } } } as never);
    const values = { [String(pre.campaign._id)]: [3, 4, 2, 5, 3, 4, 3], [String(after.campaign._id)]: [8, 7, 9, 6, 8, 7, 9, 8, 7] };
    for (const { campaign } of [pre, after]) {
      const ids = (await ResponseModel.find({ campaignId: campaign._id }, { _id: 1 }).sort({ _id: 1 }).lean<Array<{ _id: string }>>()).map((r) => r._id);
      // One respondent of the first campaign skipped the question (7 of 8 answered).
      const list = values[String(campaign._id)];
      for (let i = 0; i < list.length; i++) await ResponseModel.collection.updateOne({ _id: ids[i] } as never, { $set: { 'answers.tools': { text: '', mode: 'text', value: list[i] }, 'answers.open': { text: '', mode: 'text', value: 3 } } });
    }
    // Expected, straight from the stored responses.
    const expected = [];
    for (const { campaign } of [pre, after]) {
      const rows = await ResponseModel.collection.find({ campaignId: campaign._id }).toArray();
      const v = rows.map((r) => (r.answers as Record<string, { value?: number }>)?.tools?.value).filter((x): x is number => typeof x === 'number');
      expected.push({ n: v.length, mean: v.reduce((a, b) => a + b, 0) / v.length });
    }
    expect(expected.map((e) => e.n)).to.deep.equal([7, 9]);
    const html = (await lead.get(`${b}/dashboard/trend?lang=en`).expect(200)).text;
    const row = html.slice(html.indexOf('<tr data-scale="tools">'), html.indexOf('</tr>', html.indexOf('<tr data-scale="tools">')));
    const cells = [...row.matchAll(/<td class="num[^"]*">([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(cells[0]).to.equal(`mean ${expected[0].mean.toFixed(1)} n = ${expected[0].n}`);
    expect(cells[1]).to.equal(`mean ${expected[1].mean.toFixed(1)} n = ${expected[1].n}`);
    expect(cells[2]).to.match(new RegExp(`^\\+${(expected[1].mean - expected[0].mean).toFixed(1)} ▲`));
    expect(row).to.include('scale 0–10');
    expect(html).to.include('Not comparable (a different scale in the campaigns): How open is your team?');
    expect(html).to.include('Welch’s test');
    // German: decimal comma.
    const de = (await lead.get(`${b}/dashboard/trend?lang=de`).expect(200)).text;
    expect(de).to.include(`Ø ${expected[1].mean.toFixed(1).replace('.', ',')}`);
  });

  it('the report has a "since the last campaign" section (German and English) only with a predecessor', async () => {
    const en = (await lead.get(`${b}/report?lang=en`).expect(200)).text;
    expect(en).to.include('Since the last campaign');
    expect(en).to.include('Compared with “before rollout” (8 respondents) — this campaign: “6 months after” (9 respondents).');
    expect(en).to.include('href="#since-last"');
    const de = (await lead.get(`${b}/report?lang=de`).expect(200)).text;
    expect(de).to.include('Seit der letzten Kampagne');
    expect(de).to.include('Zwei-Anteile-z-Test');
    // The scale question asked in both with the same range is in the section, the other is not.
    const scales = en.slice(en.indexOf('data-since-scales'), en.indexOf('</ul>', en.indexOf('data-since-scales')));
    expect(scales).to.include('How well do today’s tools support your work?');
    expect(scales).not.to.include('How open is your team?');
    // The first campaign of the series has no predecessor.
    expect((await lead.get(`${a}/report?lang=en`).expect(200)).text).not.to.include('Since the last campaign');
  });

  it('a campaign in another series cannot be linked; unlinking dissolves a series of two', async () => {
    const c = await seriesCampaign(lead.user.id, 'Third', 1, BEFORE, false);
    const d = await seriesCampaign(lead.user.id, 'Fourth', 1, BEFORE, false);
    const cBase = `/lead/campaigns/${String(c.campaign._id)}`;
    await lead.post(`${cBase}/series`).type('form').send({ campaign: String(d.campaign._id) }).expect(303);
    const res = await lead.post(`${cBase}/series?lang=en`).type('form').send({ campaign: String(pre.campaign._id) }).expect(409);
    expect(res.text).to.include('The two campaigns already belong to different series.');
    await lead.post(`${b}/series/unlink`).type('form').send({}).expect(303);
    expect(await SeriesMemberModel.countDocuments({ _id: mongoose.trusted({ $in: [pre.campaign._id, after.campaign._id] }) })).to.equal(0);
    expect((await lead.get(`${b}/report?lang=en`).expect(200)).text).not.to.include('Since the last campaign');
    expect((await lead.get(`${b}/series?lang=en`).expect(200)).text).to.include('This campaign belongs to no series.');
  });
});
