import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { ReportShareModel } from '../../src/reports/report-share.model.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { LONE_VOICE, MARKUP, markupCampaign, reportCampaign, type ReportFixture } from './report.fixtures.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/** The text of the element with `data-requirement` blocks, to look at quotes and breakdowns. */
function requirementBlocks(html: string): string[] {
  return html.split('data-requirement="').slice(1);
}

describe('requirements report (issue 6, item 4)', function () {
  this.timeout(60_000);
  useTestDb('report');
  const app = testApp();
  let lead: Client;
  let fixture: ReportFixture;
  let base: string;

  before(async () => {
    lead = await staffClient(app, 'lead');
    fixture = await reportCampaign(lead.user.id);
    base = `/lead/campaigns/${String(fixture.campaign._id)}`;
  });

  it('renders every section in German with MoSCoW requirements, quotes, readiness, channels and the method note', async () => {
    const res = await lead.get(`${base}/report?lang=de`).expect(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect(res.headers['cache-control']).to.equal('no-store');
    const html = res.text;
    expect(html).to.include('<html lang="de">');
    for (const heading of ['Zusammenfassung', 'Bereitschaft für den Rollout', 'Was zuerst zu tun ist', 'Anforderungen nach Priorität (MoSCoW)', 'Kanäle heute', 'Methode'])
      expect(html, heading).to.include(heading);
    expect(html).to.include('14 Personen haben 56 Antworten gegeben.');
    expect(html).to.match(/<h3 class="moscow moscow-(must|should)">/);
    expect(requirementBlocks(html).length, 'requirements').to.be.greaterThan(2);
    expect(html).to.include('<blockquote lang="');
    // Method note: answers, languages, codebook version, run date, thresholds.
    expect(html).to.include('Antworten: 56 von 14 Personen');
    expect(html).to.match(/DE: 28, EN: 28|EN: 28, DE: 28/);
    expect(html).to.include('dwp-1');
    expect(html).to.include('Muss ab 25 %');
    expect(html).to.include('niemanden in einer Gruppe unter 5 Personen erkennbar machen');
    // Channel landscape today, as a table (the accessible form of the bars).
    expect(html).to.match(/<th scope="row">E-Mail<\/th>/);
    // Print stylesheet lives in app.css; the page links it and the print button script.
    expect(html).to.include('/static/css/app.css');
    expect(html).to.include('/static/js/report.js');
    expect(html).not.to.match(/style="/);
    expect(html).not.to.match(/<script>(?!<\/script>)/);
  });

  it('renders in English with ?lang=en', async () => {
    const html = (await lead.get(`${base}/report?lang=en`).expect(200)).text;
    expect(html).to.include('<html lang="en">');
    for (const heading of ['Executive summary', 'Rollout readiness', 'What to do first', 'Requirements by priority (MoSCoW)', 'Channels today', 'Method'])
      expect(html, heading).to.include(heading);
    expect(html).to.include('14 people gave 56 answers.');
    expect(html).to.include('Codebook version');
  });

  it('anonymity: a group below the minimum is never broken down, and never named next to a quote', async () => {
    const html = (await lead.get(`${base}/report?lang=de`).expect(200)).text;
    // HR (1 person) and Munich (1 person) appear in no breakdown and no attribution.
    const groups = [...html.matchAll(/<p class="req-groups">([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(groups.length, 'breakdowns').to.be.greaterThan(0);
    for (const g of groups) expect(g).not.to.match(/Personal|München|Führungskraft/);
    expect(html).not.to.match(/— [^<]*(Personal|München|Führungskraft)/);
    // The lone voice's quote may be evidence, but then without any attribution.
    for (const block of requirementBlocks(html)) {
      const i = block.indexOf(LONE_VOICE.slice(0, 40));
      if (i >= 0) expect(block.slice(i, block.indexOf('</blockquote>', i))).not.to.include('<footer');
    }
    // Readiness by group: the small group is marked suppressed; with complementary suppression
    // (one hidden non-empty group) the next-smallest is hidden too, so HR cannot be subtracted.
    expect(html).to.include('data-suppressed');
    // Larger groups are shown with counts; the hidden ones are named once per section, not per requirement.
    expect(groups.some((g) => /(Vertrieb|IT) \d+/.test(g))).to.equal(true);
    expect(html.split('ausgeblendet (Anonymitätsschutz)').length - 1).to.be.at.most(2);
  });

  it('escapes answer text (no markup from respondents reaches the page)', async () => {
    // Every answer of this campaign starts with MARKUP, so every quote on the page carries it.
    const marked = await markupCampaign(lead.user.id);
    const html = (await lead.get(`/lead/campaigns/${String(marked.campaign._id)}/report?lang=en`).expect(200)).text;
    const quotes = [...html.matchAll(/<blockquote[^>]*><p>([\s\S]*?)<\/p><\/blockquote>/g)].map((m) => m[1]);
    expect(quotes.length, 'quotes on the page').to.be.greaterThan(0);
    for (const quote of quotes) expect(quote).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.to.include(MARKUP);
    expect(html).not.to.match(/<script>(?!<\/script>)/);
  });

  it('stakeholders read the report and its Markdown, but cannot manage share links', async () => {
    const stakeholder = await staffClient(app, 'stakeholder');
    await setMember(String(fixture.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    const html = (await stakeholder.get(`${base}/report?lang=de`).expect(200)).text;
    expect(html).to.include('Zusammenfassung');
    expect(html).not.to.include('/shares');
    const md = await stakeholder.get(`${base}/report/markdown?lang=en`).expect(200);
    expect(md.headers['content-type']).to.match(/text\/markdown/);
    expect(md.text).to.include('# Requirements report');
    await stakeholder.get(`${base}/shares`).expect(404);
    await stakeholder.post(`${base}/shares`).type('form').send({ label: 'x', days: '3' }).expect(404);
    // Someone unrelated sees nothing.
    const other = await staffClient(app, 'lead');
    await other.get(`${base}/report`).expect(404);
    await request(app).get(`${base}/report`).expect(303);
  });

  it('a campaign without a finished analysis says what to do', async () => {
    const empty = await reportCampaign(lead.user.id, { analyse: false });
    const url = `/lead/campaigns/${String(empty.campaign._id)}/report`;
    const html = (await lead.get(`${url}?lang=en`).expect(200)).text;
    expect(html).to.include('No report yet');
    expect(html).to.include(`/lead/campaigns/${String(empty.campaign._id)}/analysis`);
    await lead.get(`${url}/markdown`).expect(404);
  });

  describe('share links', () => {
    async function createLink(label = 'Betriebsrat', days = '7'): Promise<{ url: string; token: string; html: string }> {
      const res = await lead.post(`${base}/shares`).type('form').send({ label, days }).expect(201);
      const m = /value="(https?:\/\/[^"]+\/share\/([A-Za-z0-9_-]{43}))"/.exec(res.text);
      expect(m, 'share link in page').to.not.equal(null);
      return { url: m![1], token: m![2], html: res.text };
    }

    it('a lead creates a link; it is stored hashed and opens the report read-only without an account via a clean URL', async () => {
      const { token, html } = await createLink();
      expect(html).to.include('Betriebsrat');
      const docs = await ReportShareModel.find({ campaignId: fixture.campaign._id }).lean();
      expect(JSON.stringify(docs)).not.to.include(token);
      expect(docs.length).to.be.greaterThan(0);

      const visitor = request.agent(app);
      const redeem = await visitor.get(`/share/${token}`).expect(303);
      expect(redeem.headers['referrer-policy']).to.equal('no-referrer');
      const location = String(redeem.headers.location);
      expect(location).to.match(/^\/share\/r\/[A-Za-z0-9_-]{16}$/);
      expect(location).not.to.include(token);
      const cookie = String(redeem.headers['set-cookie']);
      expect(cookie).to.include('wv_share=');
      expect(cookie).to.include(`Path=${location}`);
      expect(cookie).to.match(/HttpOnly/i);
      expect(cookie).to.match(/Expires=/);

      const page = await visitor.get(`${location}?lang=en`).expect(200);
      expect(page.headers['cache-control']).to.equal('no-store');
      expect(page.headers['referrer-policy']).to.equal('no-referrer');
      expect(page.text).to.include('Executive summary');
      expect(page.text).to.include('Read-only: shared through a link');
      expect(page.text).not.to.include('/lead/campaigns');
      expect(page.text).not.to.include('name="_csrf"');
      const md = await visitor.get(`${location}/markdown?lang=de`).expect(200);
      expect(md.text).to.include('# Anforderungsbericht');

      // The clean URL without the cookie, or the cookie on another link's path: nothing.
      await request(app).get(location).expect(404);
      // Nothing under /lead opens with the share cookie.
      await visitor.get(`${base}/report`).expect(303);
      await visitor.get(`${base}/exports/answers.csv`).expect(303);
    });

    it('a revoked link stops working at once, also for a visitor who already redeemed it', async () => {
      const { token } = await createLink('Revoke me');
      const visitor = request.agent(app);
      const location = String((await visitor.get(`/share/${token}`).expect(303)).headers.location);
      await visitor.get(location).expect(200);
      const publicId = location.split('/').pop()!;
      const list = await lead.get(`${base}/shares`).expect(200);
      expect(list.text).to.include(`data-share="${publicId}"`);
      expect(list.text).not.to.include(token);
      await lead.post(`${base}/shares/${publicId}/revoke`).type('form').send({}).expect(303);
      await visitor.get(location).expect(404);
      const fresh = await request(app).get(`/share/${token}`).expect(404);
      expect(fresh.text).to.match(/abgelaufen|expired/);
      const after = await lead.get(`${base}/shares?lang=en`).expect(200);
      expect(after.text).to.include('revoked');
    });

    it('an expired link does not open', async () => {
      const { token } = await createLink('Expired', '1');
      const visitor = request.agent(app);
      const location = String((await visitor.get(`/share/${token}`).expect(303)).headers.location);
      await ReportShareModel.updateOne({ publicId: location.split('/').pop() }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      await visitor.get(location).expect(404);
      await request(app).get(`/share/${token}`).expect(404);
    });

    it('unknown, malformed and other campaigns\' links are refused the same way', async () => {
      await request(app).get(`/share/${'A'.repeat(43)}`).expect(404);
      await request(app).get('/share/short').expect(404);
      await request(app).get('/share/r/AAAAAAAAAAAAAAAA').expect(404);
      // A share of campaign A cannot revoke through campaign B's URL.
      const other = await reportCampaign(lead.user.id, { analyse: false });
      const { token } = await createLink('Cross');
      const location = String((await request(app).get(`/share/${token}`).expect(303)).headers.location);
      const publicId = location.split('/').pop()!;
      await lead.post(`/lead/campaigns/${String(other.campaign._id)}/shares/${publicId}/revoke`).type('form').send({}).expect(404);
    });

    it('validates the form with messages that say what to do', async () => {
      const res = await lead.post(`${base}/shares?lang=en`).type('form').send({ label: 'x', days: '365' }).expect(400);
      expect(res.text).to.include('Enter a validity between 1 and 90 days.');
      expect(res.text).to.include('aria-invalid="true"');
      const none = await lead.post(`${base}/shares`).type('form').send({ label: 'y'.repeat(81), days: '3' }).expect(400);
      expect(none.text).to.match(/höchstens 80 Zeichen|at most 80 characters/);
      // No CSRF token: refused.
      await lead.agent.post(`${base}/shares`).type('form').send({ label: 'z', days: '3' }).expect(403);
    });
  });
});
