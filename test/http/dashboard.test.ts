import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { AnalysisResultModel, AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { changeStatus, createCampaign, getCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { DashboardRunModel } from '../../src/dashboard/dashboard.store.js';
import { forgetRunData } from '../../src/dashboard/dashboard.data.js';
import { BUILTIN_CODEBOOK, cloneCodebook } from '../../src/analysis/index.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

const DE = {
  q1: 'Vor allem per E-Mail und im Teams-Chat, das Fax haben wir abgeschafft.',
  q2: 'Dass ich von überall arbeiten kann, auch mobil im Lager.',
  q3: 'Zu viele Tools und keiner weiß, wo was liegt; die Suche findet nichts.',
  q4: 'Eine zentrale Suche über alle Systeme und ein Dashboard mit allem.',
};
const EN = {
  q1: 'Mostly e-mail and phone calls, plus the intranet for news.',
  q2: 'Working from anywhere with all my tools in one place.',
  q3: 'People are afraid of change and managers do not lead by example.',
  q4: 'Training for everyone and one search across all systems.',
};

/**
 * People of the template campaign: IT 7 (4 German, 3 English), Sales 6 (German), HR 2
 * (English). The anonymity plan offers IT only: offering Sales too would leave HR (2) as
 * "everyone minus IT minus Sales"; and no language, since "English minus IT" would be HR again.
 */
const PEOPLE: Array<{ department: string; lang: 'de' | 'en' }> = [
  ...Array.from({ length: 4 }, () => ({ department: 'it', lang: 'de' as const })),
  ...Array.from({ length: 3 }, () => ({ department: 'it', lang: 'en' as const })),
  ...Array.from({ length: 6 }, () => ({ department: 'sales', lang: 'de' as const })),
  ...Array.from({ length: 2 }, () => ({ department: 'hr', lang: 'en' as const })),
];

async function campaignWith(ownerId: string, people: typeof PEOPLE) {
  const draft = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  for (const [i, p] of people.entries()) {
    const base = p.lang === 'de' ? DE : EN;
    const answers = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, `${v} (${i})`]));
    await createFromApi(campaign, { submissionId: `dash-${String(i).padStart(4, '0')}`, lang: p.lang, answers, segments: { department: p.department } });
  }
  return campaign;
}

async function analyse(lead: Client, campaignId: string): Promise<string> {
  // 202: a run was started; 200: one was already queued (e.g. by a deletion) and is shown instead.
  const { body } = await lead.post(`/lead/campaigns/${campaignId}/analysis`).set('Accept', 'application/json').expect((r) => expect([200, 202]).to.include(r.status));
  const outcome = await createRunner({ instanceId: 'dash-test' }).runOnce();
  expect(outcome?.status, JSON.stringify(outcome)).to.equal('done');
  return body.run.id as string;
}

const decode = (html: string) => html.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&#39;/g, "'");
const links = (html: string, re: RegExp) => [...decode(html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]).filter((h) => re.test(h));

describe('dashboard (/lead/campaigns/:id/dashboard)', function () {
  this.timeout(60_000);
  useTestDb('dashboard');
  const app = testApp();
  let lead: Client;
  let stakeholder: Client;
  let campaignId: string;
  let runId: string;
  let base: string;

  before(async () => {
    lead = await staffClient(app, 'lead');
    stakeholder = await staffClient(app, 'stakeholder');
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
    forgetRunData();
    const campaign = await campaignWith(lead.user.id, PEOPLE);
    campaignId = String(campaign._id);
    await setMember(campaignId, new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    base = `/lead/campaigns/${campaignId}/dashboard`;
  });

  it('before any analysis: explains that and links a lead to the analysis page', async () => {
    const res = await lead.get(base).set('Accept-Language', 'en').expect(200);
    expect(res.text).to.include('No analysis yet');
    expect(res.text).to.include(`href="/lead/campaigns/${campaignId}/analysis"`);
    const st = await stakeholder.get(base).set('Accept-Language', 'de').expect(200);
    expect(st.text).to.include('Noch keine Analyse');
    expect(st.text).not.to.include(`href="/lead/campaigns/${campaignId}/analysis"`);
  });

  it('after a run: every section, charts from local Chart.js with table alternatives, figures that drill down', async () => {
    runId = await analyse(lead, campaignId);
    const res = await lead.get(base).set('Accept-Language', 'en').expect(200);
    const html = res.text;
    for (const heading of ['Responses by segment', 'Channels in use today', 'What “digital workplace” means', 'Challenges: technical or cultural', 'Desired features, ranked', 'New theme candidates', 'Rollout readiness'])
      expect(html, heading).to.include(heading);
    expect(html).to.include('src="/static/vendor/chartjs/chart.umd.min.js"');
    expect(html).to.include('src="/static/js/dashboard.js"');
    expect(html).not.to.match(/<script>[^<]/);
    expect(html).not.to.include('style="');
    // Every chart has a canvas (hidden until JS draws it) and a captioned table.
    const charts = html.match(/<figure class="chart"/g) ?? [];
    expect(charts.length).to.be.greaterThan(5);
    expect((html.match(/<caption/g) ?? []).length).to.be.at.least(charts.length);
    expect(html).to.include('class="chart-canvas" hidden');
    // 15 people, 60 answers; the channels table has e-mail, linked to its answers.
    expect(html).to.match(/<span class="figure">15<\/span>/);
    expect(html).to.match(/<span class="figure">60<\/span>/);
    expect(decode(html)).to.include(`${base}/answers?run=${runId}&kind=code&role=current_practice&field=channels&code=email`);
    expect(html).to.include('Technical and cultural challenges');
    // Chart.js itself is served by the app, not a CDN.
    const js = await request(app).get('/static/vendor/chartjs/chart.umd.min.js').expect(200);
    expect(js.headers['content-type']).to.match(/javascript/);
    expect(js.text.length).to.be.greaterThan(100_000);
    // German too.
    const de = await lead.get(base).set('Accept-Language', 'de').expect(200);
    expect(de.text).to.include('Welche Kanäle heute genutzt werden');
    expect(de.text).to.include('Gewünschte Funktionen, nach Häufigkeit');
  });

  it('small groups: HR (2) and Sales (which would give HR away by subtraction) are never broken down; filters on them show nothing', async () => {
    const html = (await lead.get(base).set('Accept-Language', 'en').expect(200)).text;
    const table = /Respondents by Department<\/caption>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(table).to.match(/IT<\/a><\/th>\s*<td class="num"><a href="[^"]*\/dashboard\/answers\?[^"]*seg-department=it&amp;kind=all"[^>]*>7<\/a><\/td>/);
    expect(table).to.match(/HR<\/th>\s*<td class="num muted"[^>]*>hidden \(anonymity protection\)/);
    expect(table).to.match(/Sales<\/th>\s*<td class="num muted"[^>]*>hidden \(anonymity protection\)/);
    expect(table).not.to.match(/>[26]<\/td>/);
    // The filter offers IT, but not HR or Sales.
    expect(html).to.match(/<option value="it"\s*>IT<\/option>/);
    expect(html).to.match(/<option value="hr"\s*disabled>HR \(hidden: anonymity\)<\/option>/);
    expect(html).to.match(/<option value="sales"\s*disabled>Sales \(hidden: anonymity\)<\/option>/);
    for (const value of ['hr', 'sales']) {
      const res = await lead.get(`${base}?run=${runId}&seg-department=${value}`).set('Accept-Language', 'en').expect(200);
      expect(res.text).to.include('Too few people for this view');
      expect(res.text).not.to.include('Channels in use today');
      const drill = await lead.get(`${base}/answers?run=${runId}&seg-department=${value}&kind=all`).set('Accept-Language', 'en').expect(200);
      expect(drill.text).to.include('Too few people for this view');
      expect(drill.text).not.to.match(/<blockquote[ >]/);
    }
  });

  it('filters: IT alone is shown; English is not (English minus IT would be HR), nor IT × English', async () => {
    const it = await lead.get(`${base}?run=${runId}&seg-department=it`).set('Accept-Language', 'en').expect(200);
    expect(it.text).to.match(/<span class="figure">7<\/span>/);
    expect(it.text).to.match(/<span class="figure">28<\/span>/);
    expect(it.text).to.include('Remove filter IT');
    const combo = await lead.get(`${base}?run=${runId}&seg-department=it&language=en`).set('Accept-Language', 'en').expect(200);
    expect(combo.text).to.include('Too few people for this view');
    expect(combo.text).not.to.match(/<span class="figure">3<\/span>/);
    // Language alone: English has 5 people, but 3 of them are IT (offered): comparing the two
    // views would isolate the 2 English HR people, so the language filter is not offered.
    const en = await lead.get(`${base}?run=${runId}&language=en`).set('Accept-Language', 'en').expect(200);
    expect(en.text).to.include('Too few people for this view');
    expect(en.text).not.to.match(/<span class="figure">5<\/span>/);
    // Unknown filter values are ignored, not errors.
    await lead.get(`${base}?run=${runId}&seg-department=nope&seg-evil[x]=1`).expect(200);
  });

  it('drill-down: a theme shows the answers behind it; leads get a link to the response, stakeholders do not', async () => {
    const html = (await lead.get(base).set('Accept-Language', 'en').expect(200)).text;
    const [href] = links(html, /\/dashboard\/answers\?.*kind=code&role=current_practice&field=channels&code=email/);
    expect(href).to.be.a('string');
    const drill = await lead.get(href).set('Accept-Language', 'en').expect(200);
    expect(drill.text).to.match(/<h1>Answers about “[^”]+”<\/h1>/);
    const quotes = drill.text.match(/<blockquote[ >]/g) ?? [];
    expect(quotes.length).to.be.greaterThan(0);
    expect(drill.text.toLowerCase()).to.include('e-mail');
    expect(drill.text).to.match(new RegExp(`href="/lead/campaigns/${campaignId}/responses/s_${campaignId}_dash-\\d{4}"`));
    // A theme of q3 (challenge themes), through the stakeholder's account: quotes, no response links.
    const themeHref = links(html, /kind=code&role=challenges&field=themes/)[0];
    expect(themeHref, 'a challenge theme link').to.be.a('string');
    const st = await stakeholder.get(themeHref).set('Accept-Language', 'en').expect(200);
    expect(st.text).to.match(/<blockquote[ >]/);
    expect(st.text).not.to.include('/responses/');
    await stakeholder.get(`/lead/campaigns/${campaignId}/responses`).expect(404);
    // Every cluster, type and requirement link answers too.
    for (const h of [...links(html, /kind=type/), ...links(html, /kind=cluster/)].slice(0, 4)) await lead.get(h).expect(200);
  });

  it('a video answer links to the response page at its transcript cue; a deleted response disappears from quotes', async () => {
    const id = `s_${campaignId}_dash-0004`; // IT, English: her q1 is coded e-mail
    await ResponseModel.updateOne(
      { _id: id },
      {
        $set: {
          'answers.q1.mode': 'video',
          'answers.q1.mediaId': 'm-test',
          'answers.q1.cues': [
            { start: 0, end: 3.5, text: 'Hello, I work in the warehouse.' },
            { start: 3.5, end: 9, text: 'Mostly e-mail and phone calls.' },
          ],
        },
      },
    );
    const href = `${base}/answers?run=${runId}&kind=code&role=current_practice&field=channels&code=email`;
    const drill = await lead.get(href).set('Accept-Language', 'en').expect(200);
    expect(drill.text).to.include(`href="/lead/campaigns/${campaignId}/responses/${id}?t=3.5"`);
    expect(drill.text).to.include('Play the video from 3.5 s');
    const st = await stakeholder.get(href).set('Accept-Language', 'en').expect(200);
    expect(st.text).not.to.include('?t=');

    const before = (drill.text.match(/<blockquote[ >]/g) ?? []).length;
    await lead.post(`/lead/campaigns/${campaignId}/responses/${id}/delete`).expect(303);
    // The run that contained the answer is superseded at once (privacy/erasure.ts): its dashboard
    // is gone, and the fresh run (queued by the deletion) no longer has the answer.
    await lead.get(href).set('Accept-Language', 'en').expect(404);
    runId = await analyse(lead, campaignId);
    const after = await lead.get(href.replace(/run=[a-f0-9]{24}/, `run=${runId}`)).set('Accept-Language', 'en').expect(200);
    expect((after.text.match(/<blockquote[ >]/g) ?? []).length).to.equal(before - 1);
    expect(after.text).not.to.include(id);
  });

  it('stakeholders may read the dashboard; unknown runs and other people are 404', async () => {
    await stakeholder.get(base).expect(200);
    await stakeholder.get(`/lead/campaigns/${campaignId}/analysis`).expect(404);
    await lead.get(`${base}?run=${'0'.repeat(24)}`).expect(404);
    const other = await staffClient(app, 'lead');
    await other.get(base).expect(404);
    await request(app).get(base).expect((r) => expect([302, 303, 401]).to.include(r.status));
  });

  it('a campaign with fewer respondents than the minimum shows no figures at all', async () => {
    const small = await campaignWith(lead.user.id, PEOPLE.slice(0, 3));
    await analyse(lead, String(small._id));
    const res = await lead.get(`/lead/campaigns/${String(small._id)}/dashboard`).set('Accept-Language', 'en').expect(200);
    expect(res.text).to.include('So far 3 people have answered. To protect anonymity, results are shown from 5 people on.');
    expect(res.text).not.to.match(/<blockquote[ >]/);
    expect(res.text).not.to.include('Channels in use today');
  });

  it('comparison: what changed since the last run (counts, balance, requirements), linked from the runs page', async () => {
    // More people answer, then a second run.
    const current = await getCampaign(campaignId);
    for (let i = 0; i < 5; i++)
      await createFromApi(current, { submissionId: `more-${String(i).padStart(4, '0')}`, lang: 'en', answers: { q1: `We only use Slack now (${i}).`, q2: EN.q2, q3: EN.q3, q4: EN.q4 }, segments: { department: 'it' } });
    const second = await analyse(lead, campaignId);
    const runs = await lead.get(`/lead/campaigns/${campaignId}/analysis`).set('Accept-Language', 'en').expect(200);
    expect(decode(runs.text)).to.include(`/analysis/compare?from=${runId}&to=${second}`);
    expect(runs.text).to.include(`${base}?run=${runId}`);
    const cmp = await lead.get(`/lead/campaigns/${campaignId}/analysis/compare`).set('Accept-Language', 'en').expect(200);
    expect(cmp.text).to.include('What changed since the last run');
    // 14 people in the run after the deletion; five more before the second: 19.
    expect(cmp.text).to.include('answers 56 → 76, people 14 → 19');
    expect(cmp.text).to.match(/data-balance-delta="-?\d+"/);
    expect(cmp.text).to.match(/<tr data-code="[a-z_]+" data-delta="[1-9]\d*">/);
    // The earlier run's dashboard stays viewable.
    const old = await lead.get(`${base}?run=${runId}`).set('Accept-Language', 'en').expect(200);
    expect(old.text).to.match(/<span class="figure">14<\/span>/);
    await lead.get(`/lead/campaigns/${campaignId}/analysis/compare?from=${'f'.repeat(24)}`).expect(404);
    await stakeholder.get(`/lead/campaigns/${campaignId}/analysis/compare`).expect(404);
  });

  it('names come from the codebook the run used (theme-board renames), on the dashboard and the comparison', async () => {
    const codebook = cloneCodebook(BUILTIN_CODEBOOK);
    const email = codebook.groups.flatMap((g) => g.codes).find((c) => c.id === 'email')!;
    email.name = { de: 'Mail (umbenannt)', en: 'Mail (renamed)' };
    await AnalysisResultModel.collection.updateOne({ _id: new mongoose.Types.ObjectId(runId) }, { $set: { codebook } });
    forgetRunData();
    await DashboardRunModel.deleteOne({ _id: new mongoose.Types.ObjectId(runId) });
    const page = await lead.get(`${base}?run=${runId}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include('Mail (renamed)');
    const drill = await lead.get(`${base}/answers?run=${runId}&kind=code&role=current_practice&field=channels&code=email`).set('Accept-Language', 'en').expect(200);
    expect(drill.text).to.include('Answers about “Mail (renamed)”');
    const cmp = await lead.get(`/lead/campaigns/${campaignId}/analysis/compare?from=${runId}`).set('Accept-Language', 'de').expect(200);
    expect(cmp.text).to.include('Mail (umbenannt)');
  });

  it('after a restart the dashboard comes from the compact form persisted per run (the full result is not read again)', async () => {
    const url = `${base}?run=${runId}&seg-department=it`;
    const before = (await lead.get(url).set('Accept-Language', 'en').expect(200)).text;
    expect(await DashboardRunModel.countDocuments({ _id: new mongoose.Types.ObjectId(runId) })).to.equal(1);
    // Drop the in-memory cache (a restart) and the engine's stored result: the page is the same.
    forgetRunData();
    await AnalysisResultModel.deleteOne({ _id: new mongoose.Types.ObjectId(runId) });
    const after = (await lead.get(url).set('Accept-Language', 'en').expect(200)).text;
    expect(after).to.equal(before);
    const drill = links(after, /kind=code&role=meaning/)[0];
    await lead.get(drill).expect(200);
  });
});
