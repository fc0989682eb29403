import { expect } from 'chai';
import mongoose from 'mongoose';
import { changeStatus, createCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { responseOrder, setOrderRefreshMs, submittedCount, submittedPage } from '../../src/responses/response-list.js';
import { insertSubmittedResponse, ResponseModel } from '../../src/responses/response.model.js';
import { purgeCampaignResponses } from '../../src/responses/response.queries.js';
import { createFromApi, deleteResponse, listResponses } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the old query gave: every response of the campaign, newest first, ties by id descending. */
async function expectedOrder(campaignId: mongoose.Types.ObjectId): Promise<string[]> {
  const docs = await ResponseModel.find({ campaignId }, { _id: 1 }).sort({ submittedAt: -1, _id: -1 }).lean<Array<{ _id: string }>>();
  return docs.map((d) => String(d._id));
}

/** A response stored by another instance: straight into the database, this instance not told. */
async function storedElsewhere(campaign: Campaign, n: number, at: Date) {
  await insertSubmittedResponse({
    _id: `s_${String(campaign._id)}_elsewhere-${n}`,
    campaignId: campaign._id as mongoose.Types.ObjectId,
    lang: 'de',
    consent: { version: 'test', at },
    segments: {},
    answers: { q1: { text: `anderswo ${n}`, mode: 'text', updatedAt: at } },
    submissionId: `elsewhere-${n}`,
    submittedAt: at,
    source: 'api',
  });
  return `s_${String(campaign._id)}_elsewhere-${n}`;
}

/**
 * The lead's response list and counts read a campaign's order once and keep it (FerretDB pushes
 * neither sort nor limit down): checked against the plain query, and for freshness — this
 * instance's submits and deletions at once, another instance's after a background read.
 */
describe('response list: order kept per instance (src/responses/response-list.ts)', function () {
  this.timeout(60_000);
  useTestDb('response_list');
  const app = testApp();
  let campaign: Campaign;
  let oid: mongoose.Types.ObjectId;
  let lead: Awaited<ReturnType<typeof staffClient>>;

  before(async () => {
    lead = await staffClient(app, 'lead');
    const draft = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId: lead.user.id });
    campaign = await changeStatus(String(draft._id), 'open');
    oid = campaign._id as mongoose.Types.ObjectId;
    // Thirty responses, some at the same millisecond (ties are ordered by id).
    for (let i = 0; i < 30; i++) {
      await storedElsewhere(campaign, 100 + i, new Date(Date.UTC(2026, 11, 1, 8, 0, Math.floor(i / 3))));
    }
  });
  after(() => setOrderRefreshMs(30_000));

  it('pages and total are exactly what the sorted query gives', async () => {
    const expected = await expectedOrder(oid);
    expect(expected).to.have.length(30);
    const first = await submittedPage(oid, 0, 25);
    const second = await submittedPage(oid, 25, 25);
    expect(first.total).to.equal(30);
    expect(first.docs.map((d) => String(d._id))).to.deep.equal(expected.slice(0, 25));
    expect(second.docs.map((d) => String(d._id))).to.deep.equal(expected.slice(25));
    const viaService = await listResponses(oid, { status: 'submitted', skip: 0, limit: 10 });
    expect(viaService.total).to.equal(30);
    expect(viaService.items.map((r) => r.id)).to.deep.equal(expected.slice(0, 10));
  });

  it("this instance's submit is listed first at once; its deletion is gone at once", async () => {
    const { response } = await createFromApi(campaign, { submissionId: 'list-new-1', lang: 'de', answers: ANSWERS_DE, segments: {} });
    expect(await submittedCount(oid)).to.equal(31);
    expect((await submittedPage(oid, 0, 1)).docs.map((d) => String(d._id))).to.deep.equal([response.id]);
    expect((await responseOrder(oid)).slice()).to.deep.equal(await expectedOrder(oid));
    await deleteResponse(oid, response.id);
    expect(await submittedCount(oid)).to.equal(30);
    expect((await responseOrder(oid)).slice()).to.deep.equal(await expectedOrder(oid));
  });

  it("another instance's submit appears after the background read; a response deleted elsewhere is never shown", async () => {
    const id = await storedElsewhere(campaign, 1, new Date());
    // Not told: within the refresh window this instance still lists 30.
    expect(await submittedCount(oid)).to.equal(30);
    setOrderRefreshMs(0);
    await sleep(5);
    // The stale order is served while the fresh one is read …
    expect(await submittedCount(oid)).to.equal(30);
    setOrderRefreshMs(60_000);
    let count = 30;
    for (let i = 0; i < 100 && count !== 31; i++) {
      await sleep(50);
      count = await submittedCount(oid);
    }
    // … and then it is there, first.
    expect(count).to.equal(31);
    expect((await submittedPage(oid, 0, 1)).docs.map((d) => String(d._id))).to.deep.equal([id]);
    // Deleted behind this instance's back: the page skips it and the total follows.
    await ResponseModel.deleteOne({ _id: id });
    const page = await submittedPage(oid, 0, 25);
    expect(page.docs.map((d) => String(d._id))).to.not.include(id);
    expect(page.docs).to.have.length(25);
    expect(page.total).to.equal(30);
    expect(await submittedCount(oid)).to.equal(30);
  });

  it('the lead pages show the kept figures; after the retention purge the campaign has none', async () => {
    const expected = await expectedOrder(oid);
    const html = (await lead.get(`/lead/campaigns/${String(oid)}/responses`).set('Accept-Language', 'en').expect(200)).text;
    const listed = [...html.matchAll(/\/responses\/([^"/?]+)"/g)].map((m) => decodeURIComponent(m[1]));
    expect([...new Set(listed)]).to.deep.equal(expected.slice(0, listed.length ? new Set(listed).size : 0));
    expect(new Set(listed).size).to.equal(25);
    await purgeCampaignResponses(oid);
    expect(await submittedCount(oid)).to.equal(0);
    expect((await submittedPage(oid, 0, 25)).docs).to.have.length(0);
  });
});
