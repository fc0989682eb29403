import { expect } from 'chai';
import mongoose from 'mongoose';
import { changeStatus, createCampaign, getCampaign, markErased, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { responseOrder, responsePopulation, setOrderRefreshMs, submittedCount, submittedPage } from '../../src/responses/response-list.js';
import { insertSubmittedResponse, ResponseModel } from '../../src/responses/response.model.js';
import { purgeCampaignResponses } from '../../src/responses/response.queries.js';
import { createFromApi, deleteResponse, getResponse, listResponses, segmentPrivacy } from '../../src/responses/response.service.js';
import { makeUser, staffClient, testApp } from '../helpers/app.js';
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

/**
 * The anonymity plan of the lead's answer pages is made over the population kept with the order
 * (no read of every response per page view). Checked: it equals the plan over the stored
 * responses; a response submitted through another instance is counted when it is shown; an
 * erasure through another instance (deleted in the database, `erasedAt` set) makes the next view
 * read the population again, so a group that fell below the minimum is no longer printed.
 */
describe('response pages: the anonymity plan over the kept population', function () {
  this.timeout(60_000);
  useTestDb('response_population');
  let campaign: Campaign;
  let oid: mongoose.Types.ObjectId;
  const dept = (id: string) => `s_${String(oid)}_population-${id}`;

  async function store(n: string, department: string) {
    const at = new Date();
    await insertSubmittedResponse({
      _id: dept(n),
      campaignId: oid,
      lang: 'de',
      consent: { version: 'test', at },
      segments: { department },
      answers: { q1: { text: `Antwort ${n}`, mode: 'text', updatedAt: at } },
      submissionId: `pop-${n}`,
      submittedAt: at,
      source: 'api',
    });
  }

  before(async () => {
    const lead = await makeUser('lead');
    const input = campaignInputSchema.parse({
      titles: { de: 'Bevölkerung', en: 'Population' },
      languages: ['de'],
      anonymity: 'anonymous',
      minGroupSize: 5,
      questions: [{ key: 'q1', role: 'current_practice', prompt: { de: 'Wie?', en: 'How?' }, modes: ['text'], required: true }],
      segments: [{ key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: [{ key: 'hr', label: { de: 'HR', en: 'HR' } }, { key: 'it', label: { de: 'IT', en: 'IT' } }] }],
    });
    campaign = await changeStatus(String((await createCampaign(input, { ownerId: lead.id }))._id), 'open');
    oid = campaign._id as mongoose.Types.ObjectId;
    for (let i = 0; i < 5; i++) await store(`hr${i}`, 'hr');
    for (let i = 0; i < 5; i++) await store(`it${i}`, 'it');
  });

  it('equals the plan over the stored responses; a response stored elsewhere is counted once it is shown', async () => {
    const shown = await segmentPrivacy(await getCampaign(String(oid)), []);
    expect(shown({ department: 'hr' })).to.deep.equal({ department: 'hr' });
    expect(shown({ department: 'it' })).to.deep.equal({ department: 'it' });
    // A sixth HR person through another instance, shown on its own page before any refresh.
    await store('hr5', 'hr');
    const response = await getResponse(oid, dept('hr5'));
    const { people } = await responsePopulation(await getCampaign(String(oid)), [response]);
    expect(people.has(dept('hr5'))).to.equal(true);
    expect(people.size).to.equal(11);
  });

  it('an erasure through another instance: the next view reads the population again and HR (now 4) is no longer printed', async () => {
    const before = await segmentPrivacy(await getCampaign(String(oid)), []);
    expect(before({ department: 'hr' })).to.deep.equal({ department: 'hr' });
    // Two HR responses go on another instance: deleted in the database, the campaign marked.
    await ResponseModel.collection.deleteMany({ _id: { $in: [dept('hr0'), dept('hr1')] } } as never);
    await markErased(oid);
    const after = await segmentPrivacy(await getCampaign(String(oid)), []);
    expect(after({ department: 'hr' })).to.deep.equal({});
    // IT (5) next to the rest (4) would let the 4 HR people be worked out: not printed either.
    expect(after({ department: 'it' })).to.deep.equal({});
    const { people } = await responsePopulation(await getCampaign(String(oid)), []);
    expect(people.size).to.equal(9);
  });

  it('an identified campaign shows every value (no plan)', async () => {
    const shown = await segmentPrivacy({ ...(await getCampaign(String(oid))), anonymity: 'identified' } as Campaign, []);
    expect(shown({ department: 'hr' })).to.deep.equal({ department: 'hr' });
  });
});
