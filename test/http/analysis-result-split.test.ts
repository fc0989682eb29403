import { expect } from 'chai';
import mongoose from 'mongoose';
import { AnalysisResultModel, AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { purgeCampaignRuns, storedAnalysis } from '../../src/analysis-runs/analysis-run.queries.js';
import { supersedeRunsAfterErasure } from '../../src/analysis-runs/analysis-run.service.js';
import { ExportCodeIndexModel, loadCodeLookup } from '../../src/analysis-runs/code-index.js';
import { AnalysisResultPartModel, sliceAnswers } from '../../src/analysis-runs/result-store.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import type { AnsweredCodes } from '../../src/analysis/index.js';
import { changeStatus, createCampaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { forgetRunData } from '../../src/dashboard/dashboard.data.js';
import { DashboardRunModel } from '../../src/dashboard/dashboard.store.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/**
 * A run's result is cut over several documents when its answer list is large (MongoDB refuses a
 * document above 16 MB: one document used to hold only ~28,000 answers). These tests make the
 * runner cut at 6 KB, so a campaign of 24 people is stored in many parts, and check that every
 * reader — the result API, the dashboard (raw BSON joined in its worker), the export code index
 * and the deletions — sees exactly what a single-document run of the same answers gives.
 */
const DE = [
  'Vor allem per E-Mail und im Teams-Chat, das Fax haben wir abgeschafft.',
  'Dass ich von überall arbeiten kann, auch mobil im Lager.',
  'Zu viele Tools und keiner weiß, wo was liegt; die Suche findet nichts.',
  'Eine zentrale Suche über alle Systeme und Schulungen für alle.',
];
const EN = [
  'Mostly e-mail and phone calls, plus the intranet for news.',
  'Working from anywhere with all my tools in one place.',
  'People are afraid of change and managers do not lead by example.',
  'Training for everyone and one search across all systems.',
];
const PEOPLE = 24;

async function campaignWith(ownerId: string) {
  const draft = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  for (let i = 0; i < PEOPLE; i++) {
    const de = i % 3 !== 0;
    const texts = de ? DE : EN;
    const answers = Object.fromEntries(texts.map((t, q) => [`q${q + 1}`, `${t} (${i})`]));
    await createFromApi(campaign, { submissionId: `split-${String(i).padStart(4, '0')}`, lang: de ? 'de' : 'en', answers, segments: { department: i % 2 ? 'it' : 'sales' } });
  }
  return campaign;
}

async function analyse(lead: Client, campaignId: string, resultPartBytes?: number): Promise<string> {
  const { body } = await lead.post(`/lead/campaigns/${campaignId}/analysis`).set('Accept', 'application/json').expect(202);
  const outcome = await createRunner({ instanceId: 'split-test', resultPartBytes }).runOnce();
  expect(outcome?.status, JSON.stringify(outcome)).to.equal('done');
  return body.run.id as string;
}

const figures = (html: string) => [...html.matchAll(/<span class="figure">([^<]*)<\/span>/g)].map((m) => m[1]);
const drillDowns = (html: string, runId: string) =>
  [...html.replace(/&amp;/g, '&').matchAll(/href="([^"]*\/dashboard\/answers\?[^"]*)"[^>]*>([^<]*)</g)].map((m) => `${m[1].replace(runId, 'RUN')} ${m[2]}`).sort();

describe('analysis results larger than one document (split storage)', function () {
  this.timeout(120_000);
  useTestDb('analysis_split');
  const app = testApp();
  let lead: Client;
  let campaignId: string;
  let whole: string;
  let split: string;

  before(async () => {
    lead = await staffClient(app, 'lead');
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
    forgetRunData();
    campaignId = String((await campaignWith(lead.user.id))._id);
    whole = await analyse(lead, campaignId);
    split = await analyse(lead, campaignId, 6 * 1024);
  });

  it('slices keep the order and stay below the size, one answer never cut', () => {
    const answers = Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, evidence: 'x'.repeat((i * 37) % 300) }) as unknown as AnsweredCodes);
    const slices = sliceAnswers(answers, 2_000);
    expect(slices.length).to.be.greaterThan(3);
    expect(slices.flat().map((a) => a.id)).to.deep.equal(answers.map((a) => a.id));
    for (const s of slices) {
      expect(s.length).to.be.greaterThan(0);
      expect(mongoose.mongo.BSON.calculateObjectSize({ answers: s })).to.be.at.most(2_000 + 64);
    }
    // An answer bigger than a slice gets one of its own rather than being cut or dropped.
    const big = [answers[0], { id: 'big', evidence: 'y'.repeat(5_000) } as unknown as AnsweredCodes, answers[1]];
    expect(sliceAnswers(big, 2_000).map((s) => s.map((a) => a.id))).to.deep.equal([['a0'], ['big'], ['a1']]);
  });

  it('the small-part run is stored in several documents; the default run in one', async () => {
    const wholeMain = await AnalysisResultModel.collection.findOne<{ answerParts: number }>({ _id: new mongoose.Types.ObjectId(whole) });
    expect(wholeMain?.answerParts).to.equal(0);
    expect(await AnalysisResultPartModel.countDocuments({ runId: new mongoose.Types.ObjectId(whole) })).to.equal(0);
    const parts = await AnalysisResultPartModel.find({ runId: new mongoose.Types.ObjectId(split) }).lean<Array<{ seq: number; answers: unknown[] }>>();
    expect(parts.length).to.be.greaterThan(4);
    for (const p of parts) expect(mongoose.mongo.BSON.calculateObjectSize({ answers: p.answers })).to.be.at.most(6 * 1024 + 64);
    const splitMain = await AnalysisResultModel.collection.findOne<{ answerParts: number; answerCount: number }>({ _id: new mongoose.Types.ObjectId(split) });
    expect(splitMain).to.include({ answerParts: parts.length, answerCount: PEOPLE * 4 });
  });

  it('read back, the split result is the same result (every answer, in order)', async () => {
    const a = await storedAnalysis(whole);
    const b = await storedAnalysis(split);
    expect(b!.result.answers).to.have.length(PEOPLE * 4);
    expect(b!.result.answers).to.deep.equal(a!.result.answers);
    expect(b!.result.requirements).to.deep.equal(a!.result.requirements);
  });

  it('the dashboard (raw documents joined in its worker) shows the same figures and drill-downs', async () => {
    await DashboardRunModel.deleteMany({});
    forgetRunData();
    const base = `/lead/campaigns/${campaignId}/dashboard`;
    const one = (await lead.get(`${base}?run=${whole}`).set('Accept-Language', 'en').expect(200)).text;
    const many = (await lead.get(`${base}?run=${split}`).set('Accept-Language', 'en').expect(200)).text;
    expect(figures(many)).to.include(String(PEOPLE));
    expect(figures(many)).to.include(String(PEOPLE * 4));
    expect(figures(many)).to.deep.equal(figures(one));
    const links = drillDowns(many, split);
    expect(links.length).to.be.greaterThan(10);
    expect(links).to.deep.equal(drillDowns(one, whole));
  });

  it('the export code index is rebuilt from the parts when it is missing', async () => {
    await ExportCodeIndexModel.deleteMany({});
    const a = await loadCodeLookup(whole);
    const b = await loadCodeLookup(split);
    expect(b.table).to.not.equal(undefined);
    expect(JSON.stringify(b.table)).to.equal(JSON.stringify(a.table));
  });

  it('a result with a part missing is refused as incomplete, never served short', async () => {
    const runId = new mongoose.Types.ObjectId(split);
    const last = await AnalysisResultPartModel.findOne({ runId }).sort({ seq: -1 }).lean<{ _id: string; seq: number }>();
    const saved = await AnalysisResultPartModel.collection.findOne({ _id: last!._id as never });
    await AnalysisResultPartModel.deleteOne({ _id: last!._id });
    try {
      let error: unknown;
      await storedAnalysis(split).catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/incomplete/);
    } finally {
      await AnalysisResultPartModel.collection.insertOne(saved!);
    }
    expect((await storedAnalysis(split))!.result.answers).to.have.length(PEOPLE * 4);
  });

  it('an erasure drops every part with the result; the campaign purge leaves none behind', async () => {
    const runIds = [whole, split].map((id) => new mongoose.Types.ObjectId(id));
    await supersedeRunsAfterErasure(new mongoose.Types.ObjectId(campaignId));
    expect(await AnalysisResultModel.countDocuments({ _id: mongoose.trusted({ $in: runIds }) })).to.equal(0);
    expect(await AnalysisResultPartModel.countDocuments({ runId: mongoose.trusted({ $in: runIds }) })).to.equal(0);
    // The fresh run the erasure queued, stored in parts, then the retention purge.
    const outcome = await createRunner({ instanceId: 'split-test', resultPartBytes: 6 * 1024 }).runOnce();
    expect(outcome?.status).to.equal('done');
    const oid = new mongoose.Types.ObjectId(campaignId);
    expect(await AnalysisResultPartModel.countDocuments({ campaignId: oid })).to.be.greaterThan(4);
    await purgeCampaignRuns(oid);
    expect(await AnalysisResultModel.countDocuments({ campaignId: oid })).to.equal(0);
    expect(await AnalysisResultPartModel.countDocuments({ campaignId: oid })).to.equal(0);
  });
});
