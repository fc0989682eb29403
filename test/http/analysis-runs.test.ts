import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { AnalysisResultModel, AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import type { AnalysisResult } from '../../src/analysis/index.js';
import { changeStatus, createCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

const ANSWERS_EN = {
  q1: 'Mostly e-mail and Teams chat; we stopped using the fax.',
  q2: 'Working from anywhere with all my tools in one place.',
  q3: 'People are afraid of change and nobody explains the new tools.',
  q4: 'One search across all systems and a clear training plan.',
};

/** An open template campaign owned by `ownerId` with `n` API responses (alternating DE/EN). */
async function campaignWith(ownerId: string, n: number) {
  const draft = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  for (let i = 0; i < n; i++) {
    const de = i % 2 === 0;
    const base = de ? ANSWERS_DE : ANSWERS_EN;
    const answers = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, `${v} (${i})`]));
    await createFromApi(campaign, { submissionId: `sub-${String(i).padStart(6, '0')}`, lang: de ? 'de' : 'en', answers, segments: {} });
  }
  return campaign;
}

/** Reads a whole SSE response as text (supertest would not buffer text/event-stream). */
function sse(client: Client, url: string) {
  return client.agent
    .get(url)
    .set('Accept', 'text/event-stream')
    .buffer(true)
    .parse((res, cb) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => cb(null, text));
    });
}

function events(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => ({
      event: /event: (\w+)/.exec(block)![1],
      data: JSON.parse(/data: (.*)/.exec(block)![1]) as Record<string, unknown>,
    }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('analysis runs (/lead/campaigns/:id/analysis)', () => {
  useTestDb('analysis_runs');
  const app = testApp();
  let lead: Client;

  before(async () => {
    lead = await staffClient(app, 'lead');
  });
  // Runners claim the oldest run of ANY campaign: every test starts with an empty queue.
  beforeEach(async () => {
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
  });

  it('starting a run queues one run; starting again while it is active returns the same run', async () => {
    const campaign = await campaignWith(lead.user.id, 2);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const first = await lead.post(base).set('Accept', 'application/json').expect(202);
    expect(first.body.created).to.equal(true);
    expect(first.body.run.status).to.equal('queued');
    const again = await lead.post(base).set('Accept', 'application/json').expect(200);
    expect(again.body.created).to.equal(false);
    expect(again.body.run.id).to.equal(first.body.run.id);
    // Concurrent starts (double click, two tabs) still leave one run: the unique activeKey decides.
    await Promise.all(Array.from({ length: 5 }, () => lead.post(base).set('Accept', 'application/json')));
    // The HTML form redirects to the runs page that follows the run.
    const form = await lead.post(base).type('form').send({}).expect(303);
    expect(form.headers.location).to.equal(`${base}?run=${first.body.run.id}`);
    expect(await AnalysisRunModel.countDocuments({ campaignId: campaign._id })).to.equal(1);
    const page = await lead.get(base).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include(`data-analysis-progress="${base}/runs/${first.body.run.id}/progress"`);
    expect(page.text).to.include('waiting for a free worker');
    expect(page.text).to.include('/static/js/analysis-progress.js');
  });

  it('runOnce runs the engine in a worker thread and stores a result whose answers are the submitted ones', async () => {
    const campaign = await campaignWith(lead.user.id, 6);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const { body } = await lead.post(base).set('Accept', 'application/json').expect(202);
    const runner = createRunner({ instanceId: 'test-a' });
    const outcome = await runner.runOnce();
    expect(outcome, JSON.stringify(outcome)).to.include({ runId: body.run.id, status: 'done', attempts: 1 });
    expect(outcome!.threadId, 'worker threadId').to.be.a('number').greaterThan(0);
    expect(await runner.runOnce()).to.equal(null);

    const run = await AnalysisRunModel.findById(body.run.id).lean();
    expect(run).to.include({ status: 'done', stage: 'done', progress: 1, leaseOwner: null, answers: 24, responses: 6, error: '' });
    const stored = await AnalysisResultModel.findById(body.run.id).lean<{ result: AnalysisResult }>();
    const responses = await ResponseModel.find({ campaignId: campaign._id }).lean();
    const expected = responses.flatMap((r) => ['q1', 'q2', 'q3', 'q4'].map((k) => `${String(r._id)}:${k}`)).sort();
    expect(stored!.result.answers.map((a) => a.id).sort()).to.deep.equal(expected);
    expect(new Set(stored!.result.answers.map((a) => a.role))).to.deep.equal(new Set(['current_practice', 'meaning', 'challenges', 'future']));
    expect(stored!.result.summary.channels).to.have.property('email');

    // The runs page summarises the latest result with the codebook's names in the UI language.
    const page = await lead.get(base).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.include('Letztes Ergebnis');
    expect(page.text).to.include('24 Antworten von 6 Personen');
    expect(page.text).to.include('data-code="email"');
    expect(page.text).to.match(/technisch \d+ : kulturell \d+/);
    // Done, so a new start queues a new run.
    const next = await lead.post(base).set('Accept', 'application/json').expect(202);
    expect(next.body.run.id).not.to.equal(body.run.id);
  });

  it('progress: JSON for polling and server-sent events report stages and reach 100 %', async () => {
    const campaign = await campaignWith(lead.user.id, 4);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const { body } = await lead.post(base).set('Accept', 'application/json').expect(202);
    const url = `${base}/runs/${body.run.id}/progress`;
    const queued = await lead.get(url).set('Accept', 'application/json').set('Accept-Language', 'en').expect(200);
    expect(queued.body).to.include({ status: 'queued', stage: 'queued', percent: 0 });

    const runner = createRunner({ instanceId: 'test-sse', progressWriteMs: 50 });
    const [stream] = await Promise.all([sse(lead, url).set('Accept-Language', 'en'), sleep(100).then(() => runner.runOnce())]);
    expect(stream.headers['content-type']).to.match(/^text\/event-stream/);
    const list = events(stream.body as string);
    expect(list[0].data).to.include({ status: 'queued' });
    const progress = list.filter((e) => e.event === 'progress');
    expect(progress.at(-1)!.data).to.include({ status: 'done', stage: 'done', percent: 100, stageLabel: 'Done' });
    expect(list.at(-1)!.event).to.equal('end');

    const done = await lead.get(url).set('Accept', 'application/json').set('Accept-Language', 'de').expect(200);
    expect(done.body).to.include({ status: 'done', stage: 'done', percent: 100, stageLabel: 'Fertig' });
    const run = await AnalysisRunModel.findById(body.run.id).lean();
    const stages = run!.stages.map((s) => s.stage);
    for (const s of ['load', 'language', 'coding', 'clustering', 'requirements', 'store', 'done']) expect(stages).to.include(s);
    // Unknown or malformed run ids are 404s.
    await lead.get(`${base}/runs/${'0'.repeat(24)}/progress`).set('Accept', 'application/json').expect(404);
    await lead.get(`${base}/runs/nope/progress`).set('Accept', 'application/json').expect(404);
  });

  it('a run whose lease expired (its instance crashed) is picked up again and finishes; a live lease is left alone', async () => {
    const campaign = await campaignWith(lead.user.id, 3);
    const { body } = await lead.post(`/lead/campaigns/${String(campaign._id)}/analysis`).set('Accept', 'application/json').expect(202);
    const runner = createRunner({ instanceId: 'survivor' });
    await AnalysisRunModel.updateOne({ _id: body.run.id }, { $set: { status: 'running', stage: 'coding', leaseOwner: 'other', leaseUntil: new Date(Date.now() + 60_000), attempts: 1 } });
    expect(await runner.runOnce(), 'live lease').to.equal(null);
    await AnalysisRunModel.updateOne({ _id: body.run.id }, { $set: { leaseOwner: 'crashed', leaseUntil: new Date(Date.now() - 1000) } });
    const outcome = await runner.runOnce();
    expect(outcome).to.include({ runId: body.run.id, status: 'done', attempts: 2 });
    const run = await AnalysisRunModel.findById(body.run.id).lean();
    expect(run).to.include({ status: 'done', attempts: 2, answers: 12 });
  });

  it('two runners racing for one run claim it exactly once', async () => {
    const campaign = await campaignWith(lead.user.id, 2);
    const { body } = await lead.post(`/lead/campaigns/${String(campaign._id)}/analysis`).set('Accept', 'application/json').expect(202);
    const a = createRunner({ instanceId: 'race-a' });
    const b = createRunner({ instanceId: 'race-b' });
    const outcomes = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    const ran = outcomes.filter((o) => o !== null);
    expect(ran).to.have.length(1);
    expect(ran[0]).to.include({ runId: body.run.id, status: 'done', attempts: 1 });
    expect(await AnalysisRunModel.findById(body.run.id).lean()).to.include({ status: 'done', attempts: 1 });
  });

  it('an input the engine fails on is retried, then stored as failed with its message after 3 attempts', async function () {
    // Three attempts start three engine worker threads (each loads the engine and its model): on a
    // busy 2-core machine that alone can pass mocha's 20 s default. A ceiling, not a measurement.
    this.timeout(90_000);
    const campaign = await campaignWith(lead.user.id, 1);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const { body } = await lead.post(base).set('Accept', 'application/json').expect(202);
    const runner = createRunner({
      instanceId: 'failing',
      // null text: the engine throws on it (the validated edge never lets it through).
      loadInput: async () => ({ answers: [{ id: 'x', question: 'q1', text: null as unknown as string }], responses: 1, options: {} }),
    });
    const outcomes = await runner.drain();
    expect(outcomes.map((o) => o.status)).to.deep.equal(['queued', 'queued', 'failed']);
    const run = await AnalysisRunModel.findById(body.run.id).lean();
    expect(run).to.include({ status: 'failed', stage: 'failed', attempts: 3, leaseOwner: null });
    expect(run!.error).to.be.a('string').and.not.equal('');
    expect(await AnalysisResultModel.exists({ _id: body.run.id })).to.equal(null);
    const json = await lead.get(`${base}/runs/${body.run.id}/progress`).set('Accept', 'application/json').expect(200);
    expect(json.body).to.include({ status: 'failed' });
    expect(json.body.error).to.equal(run!.error);
    const page = await lead.get(base).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include('Error: ');
    // A failed run is no longer active: the lead can start again.
    await lead.post(base).set('Accept', 'application/json').expect(202);
  });

  it('a stakeholder of the campaign and a lead of another campaign get 404', async () => {
    const campaign = await campaignWith(lead.user.id, 1);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const { body } = await lead.post(base).set('Accept', 'application/json').expect(202);
    const stakeholder = await staffClient(app, 'stakeholder');
    await setMember(String(campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    await stakeholder.get(`/lead/campaigns/${String(campaign._id)}`).expect(200);
    await stakeholder.post(base).set('Accept', 'application/json').expect(404);
    await stakeholder.get(base).expect(404);
    const other = await staffClient(app, 'lead');
    await other.post(base).set('Accept', 'application/json').expect(404);
    await other.get(base).expect(404);
    await other.get(`${base}/runs/${body.run.id}/progress`).set('Accept', 'application/json').expect(404);
    // A run id of another campaign is not readable through this one.
    const mine = await campaignWith(other.user.id, 0);
    await other.get(`/lead/campaigns/${String(mine._id)}/analysis/runs/${body.run.id}/progress`).set('Accept', 'application/json').expect(404);
    expect(await AnalysisRunModel.countDocuments({})).to.equal(1);
    // Without a CSRF token the form post is refused.
    await lead.agent.post(base).set('Accept', 'application/json').expect(403);
  });

  it('the event loop stays free during a 5,000-answer run: /healthz answers within 50 ms', async function () {
    this.timeout(120_000);
    const campaign = await campaignWith(lead.user.id, 0);
    const now = new Date();
    const words = ['Teams', 'Mail', 'Wiki', 'SharePoint', 'Telefon', 'Jira', 'Slack', 'Intranet', 'Chat', 'Drucker'];
    const docs = Array.from({ length: 1250 }, (_, i) => ({
      _id: `s_${String(campaign._id)}_big-${i}`,
      campaignId: campaign._id,
      lang: i % 2 ? 'en' : 'de',
      consent: { version: 'test', at: now },
      submittedAt: now,
      source: 'api',
      answers: Object.fromEntries(
        Object.entries(i % 2 ? ANSWERS_EN : ANSWERS_DE).map(([k, v]) => [k, { text: `${v} ${words[i % 10]} ${words[(i * 7) % 10]} #${i}`, mode: 'text', updatedAt: now }]),
      ),
    }));
    await ResponseModel.insertMany(docs);
    const base = `/lead/campaigns/${String(campaign._id)}/analysis`;
    const { body } = await lead.post(base).set('Accept', 'application/json').expect(202);
    const runner = createRunner({ instanceId: 'big', progressWriteMs: 100 });
    const running = runner.runOnce();
    // Wait until the engine itself is working (loading the responses is main-thread I/O).
    const engineStages = ['language', 'train', 'coding', 'clustering'];
    let stage = '';
    for (let i = 0; i < 600 && !engineStages.includes(stage); i++) {
      await sleep(20);
      stage = String((await AnalysisRunModel.findById(body.run.id, { stage: 1 }).lean())?.stage);
    }
    expect(engineStages, `stage reached: ${stage}`).to.include(stage);
    // While the engine works in its worker thread, the app keeps answering: /healthz is served
    // while the run is still in an engine stage (how fast is measured by bench:run-progress).
    let answeredWhileRunning = 0;
    for (let i = 0; i < 5; i++) {
      await request(app).get('/healthz').expect(200);
      const now = String((await AnalysisRunModel.findById(body.run.id, { stage: 1 }).lean())?.stage);
      if (engineStages.includes(now)) answeredWhileRunning++;
    }
    expect(answeredWhileRunning, 'health checks answered during the engine stages').to.be.greaterThan(0);
    const outcome = await running;
    expect(outcome).to.include({ status: 'done' });
    expect((await AnalysisRunModel.findById(body.run.id).lean())!.answers).to.equal(5000);
  });
});
