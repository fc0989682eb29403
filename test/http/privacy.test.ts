import { expect } from 'chai';
import request from 'supertest';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { ParticipantModel } from '../../src/participants/participant.model.js';
import { confirmImport, issueTokens } from '../../src/participants/participant.service.js';
import mongoose from 'mongoose';
import { AnalysisResultModel, AnalysisRunModel } from '../../src/analysis-runs/analysis-run.model.js';
import { BoardCorrectionModel } from '../../src/board/board-correction.model.js';
import { DashboardRunModel } from '../../src/dashboard/dashboard.store.js';
import { ExportCodeIndexModel } from '../../src/analysis-runs/code-index.js';
import { purgeExpiredResponses } from '../../src/privacy/retention.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { respondentPost, staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

const answersForm = Object.fromEntries(Object.entries(ANSWERS_DE).map(([k, v]) => [`answers[${k}]`, v]));

describe('privacy: access export, deletion, retention', () => {
  useTestDb('privacy');
  const app = testApp({ publicBaseUrl: 'https://voice.example.com' });

  async function answeredThroughLink(anonymity: 'anonymous' | 'identified') {
    const c = await openTemplateCampaign({ anonymity });
    await confirmImport(c, 'email;name\nmara@example.com;Mara\n');
    const p = await ParticipantModel.findOne({ campaignId: c._id }).lean();
    const token = (await issueTokens([{ id: String(p!._id) }])).get(String(p!._id))!;
    const agent = request.agent(app);
    await agent.get(`/p/${token}`).expect(303);
    await respondentPost(agent, c.publicToken, 'start', { lang: 'de', consent: 'yes' }, 303);
    await respondentPost(agent, c.publicToken, 'submit', { submissionId: 'privacy-00001', ...answersForm }, 303);
    return { c, token };
  }

  it('when an admin exports an identified participant by link, then the JSON holds their record and answers, never cached', async () => {
    const { token } = await answeredThroughLink('identified');
    const admin = await staffClient(app, 'admin');
    const res = await admin.post('/admin/data-export').type('form').send({ link: `https://voice.example.com/p/${token}` }).expect(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?workplace-voice-data-export-\d{4}-\d{2}-\d{2}\.json/);
    const data = JSON.parse(res.text);
    expect(data.participant).to.include({ email: 'mara@example.com', name: 'Mara', status: 'responded' });
    expect(data.responses).to.have.length(1);
    expect(data.responses[0].answers.q2).to.equal(ANSWERS_DE.q2);
    expect(JSON.stringify(data)).not.to.include(token);
  });

  it('when the campaign is anonymous, then the export has the participant record but no answers, and says why', async () => {
    const { token } = await answeredThroughLink('anonymous');
    const admin = await staffClient(app, 'admin');
    const data = JSON.parse((await admin.post('/admin/data-export').type('form').send({ link: token }).expect(200)).text);
    expect(data.participant.email).to.equal('mara@example.com');
    expect(data.responses).to.deep.equal([]);
    expect(data.notes.join(' ')).to.include('anonymous');
  });

  it('when a lead asks for an export, or the link is unknown, then 403 / 404 and nothing is disclosed', async () => {
    const { token } = await answeredThroughLink('identified');
    const lead = await staffClient(app, 'lead');
    const denied = await lead.post('/admin/data-export').type('form').set('Accept', 'application/json').send({ link: token }).expect(403);
    expect(denied.text).not.to.include('mara@example.com');
    const admin = await staffClient(app, 'admin');
    await admin.post('/admin/data-export').type('form').set('Accept', 'application/json').send({ link: 'A'.repeat(43) }).expect(404);
  });

  it('when a lead deletes a response, then it is gone and the list no longer counts it', async () => {
    const c = await openTemplateCampaign();
    const { response } = await createFromApi(c, { submissionId: 'to-delete-0001', lang: 'de', answers: ANSWERS_DE, segments: {} });
    const admin = await staffClient(app, 'admin');
    await admin.post(`/lead/campaigns/${String(c._id)}/responses/${response.id}/delete`).type('form').send({}).expect(303);
    expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
    await admin.get(`/lead/campaigns/${String(c._id)}/responses/${response.id}`).expect(404);
  });

  it('when a campaign passes its retention date, then the periodic job purges its responses, drafts and everything derived from them only', async () => {
    const old = await openTemplateCampaign();
    const keep = await openTemplateCampaign();
    await createFromApi(old, { submissionId: 'old-000000001', lang: 'de', answers: ANSWERS_DE, segments: {} });
    await createFromApi(keep, { submissionId: 'keep-00000001', lang: 'de', answers: ANSWERS_DE, segments: {} });
    await DraftModel.create({ _id: 'd_retention-test', campaignId: old._id, lang: 'de', consent: { version: 'x', at: new Date() } });
    // Derived data that carries answer texts or answer ids, for both campaigns (raw inserts: only
    // the campaign id matters to the purge).
    const derived = [AnalysisRunModel, AnalysisResultModel, DashboardRunModel, ExportCodeIndexModel, BoardCorrectionModel] as const;
    for (const c of [old, keep]) {
      for (const model of derived) await model.collection.insertOne({ _id: new mongoose.Types.ObjectId(), campaignId: c._id, quote: 'Zitat' });
    }
    await CampaignModel.updateOne({ _id: old._id }, { $set: { retainUntil: new Date('2026-01-01T00:00:00Z') } });
    await CampaignModel.updateOne({ _id: keep._id }, { $set: { retainUntil: new Date('2099-01-01T00:00:00Z') } });
    const result = await purgeExpiredResponses(new Date('2026-06-01T00:00:00Z'));
    expect(result).to.deep.equal({ campaigns: 1, responses: 1 });
    expect(await ResponseModel.countDocuments({ campaignId: old._id })).to.equal(0);
    expect(await DraftModel.countDocuments({ campaignId: old._id })).to.equal(0);
    expect(await ResponseModel.countDocuments({ campaignId: keep._id })).to.equal(1);
    for (const model of derived) {
      expect(await model.collection.countDocuments({ campaignId: old._id }), model.modelName).to.equal(0);
      expect(await model.collection.countDocuments({ campaignId: keep._id }), model.modelName).to.equal(1);
    }
    // Idempotent: a second run finds nothing left to do.
    expect(await purgeExpiredResponses(new Date('2026-06-01T00:00:00Z'))).to.deep.equal({ campaigns: 0, responses: 0 });
  });
});
