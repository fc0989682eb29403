import { expect } from 'chai';
import mongoose from 'mongoose';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { readResult } from '../../src/analysis-runs/result-store.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { changeStatus, createCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { forgetClosedData } from '../../src/dashboard/closed-data.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { channelChoice, toolsScale } from '../helpers/closed-questions.js';

/**
 * A closed question's answer as a comparison column and a dashboard filter (issue 17, item 2):
 * "people who rate today's tools 0–6" next to "9–10", with the coded themes of their open
 * answers as rows. Every cell is checked against counts computed here from the stored responses
 * and the stored analysis result; bands and choices the anonymity plan does not offer never
 * appear as a column or a filter.
 */

type Client = Awaited<ReturnType<typeof staffClient>>;

const LOW = 'We mostly send e-mails and call each other; the intranet is useless and nobody finds anything.';
const HIGH = 'We chat in Teams all day and share our files in SharePoint, which works well.';

describe('a closed answer as a comparison column and a filter (issue 17, item 2)', function () {
  this.timeout(120_000);
  useTestDb('answer_dimensions');
  const app = testApp();
  let lead: Client;
  let campaign: Campaign;
  let runId: string;
  /**
   * 20 people, minimum group 5: IT 10 (5 rate the tools 0–6, 5 rate them 7–8), Sales 10 (5 rate
   * 0–6, 5 rate 9–10). Channel (single choice): mail 12, chat 6, phone 2 — "phone" can never be
   * a column (2 < 5).
   */
  const people = Array.from({ length: 20 }, (_, i) => {
    const dept = i < 10 ? 'it' : 'sales';
    const low = i % 10 < 5;
    const tools = low ? [2, 3, 4, 5, 6][i % 5] : dept === 'it' ? [7, 8][i % 2] : [9, 10][i % 2];
    const channel = i < 12 ? 'mail' : i < 18 ? 'chat' : 'phone';
    return { dept, tools, channel, text: low ? LOW : HIGH };
  });
  const url = (path: string) => `/lead/campaigns/${String(campaign._id)}${path}`;

  before(async () => {
    lead = await staffClient(app, 'lead');
    const input = campaignInputSchema.parse({
      titles: { de: 'Werkzeuge', en: 'Tools' },
      languages: ['de', 'en'],
      anonymity: 'anonymous',
      minGroupSize: 5,
      questions: [
        { key: 'q1', role: 'current_practice', prompt: { de: 'Wie kommunizieren Sie heute?', en: 'How do you communicate today?' }, modes: ['text'], required: true },
        toolsScale(),
        channelChoice({ role: 'custom', allowOther: false }),
      ],
      segments: [{ key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: [{ key: 'it', label: { de: 'IT', en: 'IT' } }, { key: 'sales', label: { de: 'Vertrieb', en: 'Sales' } }] }],
    });
    campaign = await changeStatus(String((await createCampaign(input, { ownerId: lead.user.id }))._id), 'open');
    for (const [i, p] of people.entries()) {
      await createFromApi(campaign, {
        submissionId: `answer-dim-${String(i).padStart(3, '0')}`,
        lang: 'en',
        segments: { department: p.dept },
        answers: { q1: p.text, tools: p.tools, channel: { choices: [p.channel] } },
      });
    }
    const { run } = await startRun(campaign._id as mongoose.Types.ObjectId);
    expect((await createRunner({ instanceId: `answer-dim-${process.pid}` }).runOnce())?.status).to.equal('done');
    runId = run.id;
    forgetClosedData();
  });

  /** Respondent id → band of the tools rating, from the stored responses. */
  async function bands(): Promise<Map<string, string>> {
    const rows = await ResponseModel.find({ campaignId: campaign._id }).lean();
    const band = (v: number) => (v <= 6 ? '0-6' : v <= 8 ? '7-8' : '9-10');
    return new Map(rows.map((r) => [String(r._id), band((r.answers as unknown as Record<string, { value: number }>).tools.value)]));
  }

  it('the comparison by the scale’s answer: a column per band the plan offers, each cell counting what the stored answers say', async () => {
    const html = (await lead.get(url(`/dashboard/segments?dim=answer:tools&lang=en&run=${runId}`)).expect(200)).text;
    // The question is offered as a dimension, under its own heading.
    expect(html).to.include('<optgroup label="Answers to closed questions">');
    expect(html).to.match(/<option value="answer:tools" selected>How well do the tools support you\?<\/option>/);
    expect(html).to.include("Columns by the answer to “How well do the tools support you?”");
    const head = html.slice(html.indexOf('<thead>'), html.indexOf('</thead>'));
    expect(head).to.include('0–6 (not at all)<br><span class="muted">10 people</span>');
    expect(head).to.include('7–8<br><span class="muted">5 people</span>');
    expect(head).to.include('9–10 (completely)<br><span class="muted">5 people</span>');

    // Every linked cell: its count against the stored analysis and responses.
    const stored = await readResult(runId);
    const bandOf = await bands();
    const cells = [...html.matchAll(/<a href="([^"]+)">(\d+) %<\/a>(?:.(?!<\/td>))*?<span class="muted">(\d+) of (\d+)<\/span>/gs)];
    expect(cells.length).to.be.greaterThan(5);
    for (const [, href, , count, of] of cells) {
      const params = new URL(href.replace(/&amp;/g, '&'), 'http://x').searchParams;
      const wanted = params.get('ans-tools');
      expect(wanted, href).to.be.a('string');
      const inBand = stored!.result.answers.filter((a) => a.role === params.get('role') && bandOf.get(a.respondent ?? a.id.split(':')[0]) === wanted);
      const field = params.get('field') as 'channels' | 'themes' | 'features';
      expect(Number(of), href).to.equal(inBand.length);
      expect(Number(count), href).to.equal(inBand.filter((a) => (a[field] ?? []).includes(params.get('code')!)).length);
    }
  });

  it('a cell’s link opens exactly those answers; the dashboard filtered by a band shows that band’s figures', async () => {
    const html = (await lead.get(url(`/dashboard/segments?dim=answer:tools&lang=en&run=${runId}`)).expect(200)).text;
    const [, href, , count] = html.match(/<a href="([^"]*ans-tools=0-6[^"]*)">(\d+) %<\/a>(?:.(?!<\/td>))*?<span class="muted">(\d+) of/s)!;
    const drill = (await lead.get(`${href.replace(/&amp;/g, '&')}&lang=en`).expect(200)).text;
    expect(drill).to.include(`${count} answers.`);
    expect(drill.match(/<li class="quote">/g)?.length ?? 0).to.equal(Number(count));

    const low = (await lead.get(url(`/dashboard?lang=en&run=${runId}&ans-tools=0-6`)).expect(200)).text;
    const values = people.filter((p) => p.tools <= 6).map((p) => p.tools);
    const mean = Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;
    expect(low.slice(low.indexOf('id="closed"'))).to.include(`Mean ${mean} · median 4 · 10 answers`);
    // The filter is a select of its own on the dashboard, with the band selected.
    expect(low).to.match(/<select id="f-ans-tools" name="ans-tools">/);
    expect(low).to.match(/<option value="0-6" selected/);
  });

  it('a choice the plan does not offer is no column and no filter; the dimension’s own question is no row', async () => {
    const html = (await lead.get(url(`/dashboard/segments?dim=answer:channel&lang=en&run=${runId}`)).expect(200)).text;
    const head = html.slice(html.indexOf('<thead>'), html.indexOf('</thead>'));
    expect(head).not.to.include('Phone');
    expect(html).to.match(/To protect anonymity, \d+ groups? of this segment/);
    const closed = html.slice(html.indexOf('id="seg-closed"'));
    expect(closed).not.to.include('What do you talk through most?');

    const phone = (await lead.get(url(`/dashboard?lang=en&run=${runId}&ans-channel=phone`)).expect(200)).text;
    expect(phone).to.include('These filters cannot be chosen, to protect anonymity');
    expect(phone).not.to.include('Mean ');
    // Offered in the select only as "too few".
    expect(phone).to.match(/<option value="phone"[^>]*>Phone \(/);
  });

  it('the answers’ dimensions do not change what the plan offers of the segments (they are tried last)', async () => {
    const html = (await lead.get(url(`/dashboard/segments?dim=department&lang=en&run=${runId}`)).expect(200)).text;
    const head = html.slice(html.indexOf('<thead>'), html.indexOf('</thead>'));
    expect(head).to.include('IT<br><span class="muted">10 people</span>');
    expect(head).to.include('Sales<br><span class="muted">10 people</span>');
  });
});
