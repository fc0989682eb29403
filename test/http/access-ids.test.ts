import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { ApiTokenModel, UserModel } from '../../src/auth/user.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createShare } from '../../src/reports/report-share.service.js';
import { AnalysisRunModel } from '../../src/analysis-runs/analysis-run.model.js';
import { ReportShareModel } from '../../src/reports/report-share.model.js';
import { apiAuth, signIn, testApp, type SignedIn } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { allRoutes, type RouteInfo } from '../helpers/routes.js';
import { useTestDb } from '../helpers/test-db.js';
import { reportCampaign } from './report.fixtures.js';

/*
 * Issue 12, part 1: every route with a campaign id, called by someone who does not belong to
 * the campaign with the id spelt any way but the canonical one (or a neighbouring id), answers
 * 404 and changes nothing; the owner still gets 200 with the canonical id. Routes are found by
 * walking the app's routers, so a route added later is covered without editing this file.
 */

/** Spellings of a foreign campaign id that must all be refused (the path's `:id` part). */
function idVariants(id: string, neighbour: string): Array<[string, (path: string) => string]> {
  const mixed = [...id].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
  const at = (value: string) => (path: string) => path.replace(':id', value);
  return [
    ['canonical', at(id)],
    ['upper case', at(id.toUpperCase())],
    ['mixed case', at(mixed)],
    ['leading %20', at(`%20${id}`)],
    ['trailing %09', at(`${id}%09`)],
    ['trailing slash', (path) => `${at(id)(path)}/`],
    ['encoded trailing slash', at(`${id}%2F`)],
    ['upper case + trailing slash', (path) => `${at(id.toUpperCase())(path)}/`],
    ['neighbouring ObjectId', at(neighbour)],
    ['neighbouring ObjectId, upper case', at(neighbour.toUpperCase())],
  ];
}

/** The ObjectId one counter step after `id` (how a lead would count towards other campaigns). */
function nextId(id: string): string {
  return (BigInt(`0x${id}`) + 1n).toString(16).padStart(24, '0');
}

describe('campaign ids: one parser, deny by default (issue 12)', function () {
  this.timeout(300_000);
  useTestDb('access_ids');
  const app = testApp();

  let owner: SignedIn;
  let campaignId: string;
  let params: Record<string, string>;
  let routes: RouteInfo[];

  before(async () => {
    owner = await signIn(app, 'lead');
    const fx = await reportCampaign(owner.user.id);
    campaignId = String(fx.campaign._id);
    const response = await ResponseModel.findOne({ campaignId: fx.campaign._id }).lean();
    const { share } = await createShare(fx.campaign._id as mongoose.Types.ObjectId, { label: 'Vorstand', days: 30 }, owner.user.id);
    const board = await owner.agent.get(`/lead/campaigns/${campaignId}/board`).expect(200);
    const theme = /\/board\/(q[1-4])\/((?:code|cluster)(?::|%3A)[a-z0-9_-]+)/.exec(board.text);
    expect(theme, 'a theme link on the board').to.not.equal(null);
    params = {
      id: campaignId,
      runId: fx.runId,
      rid: String(response!._id),
      question: theme![1],
      theme: decodeURIComponent(theme![2]),
      key: 'q1',
      publicId: share.publicId,
      cid: new mongoose.Types.ObjectId().toHexString(),
      mediaId: 'm_' + 'A'.repeat(32),
    };
    routes = allRoutes(app.app()).filter((r) => r.path.includes('/campaigns/:id'));
  });

  const fill = (path: string, values: Record<string, string>) => path.replace(/:(\w+)/g, (m, name: string) => (name === 'id' ? m : encodeURIComponent(values[name] ?? 'x')));

  it('enumerates the campaign routes of the web app and the API', () => {
    expect(routes.length).to.be.greaterThan(40);
    expect(routes.some((r) => r.path.startsWith('/api/v1/campaigns/:id'))).to.equal(true);
    expect(routes.some((r) => r.method === 'post')).to.equal(true);
  });

  it('another lead, a stakeholder of another campaign and another lead’s API token get 404 for every spelling; nothing changes', async () => {
    const otherLead = await signIn(app, 'lead');
    const stakeholder = await signIn(app, 'stakeholder');
    const theirs = await openTemplateCampaign({ title: 'Stakeholder’s own campaign' });
    await setMember(String(theirs._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    const token = await apiAuth('lead');
    // A real campaign right next to the owner's (created just after it): counting ids finds it.
    const neighbour = await openTemplateCampaign({ title: 'Nachbar' });
    const neighbourId = String(neighbour._id);
    const snapshot = async () =>
      JSON.stringify([
        await CampaignModel.find({}).sort({ _id: 1 }).lean(),
        await ResponseModel.countDocuments(),
        await ReportShareModel.find({}).lean(),
        await AnalysisRunModel.countDocuments(),
      ]);
    const before = await snapshot();

    type Caller = { name: string; call: (method: string, url: string) => request.Test };
    const session = (s: SignedIn): Caller['call'] => (method, url) => {
      const t = (s.agent as unknown as Record<string, (u: string) => request.Test>)[method](url).set('Accept', 'application/json');
      return method === 'get' ? t : t.set('X-CSRF-Token', s.csrf).send({});
    };
    const bearer: Caller['call'] = (method, url) => {
      const t = (request(app) as unknown as Record<string, (u: string) => request.Test>)[method](url).set('Authorization', token.header).set('Accept', 'application/json');
      return method === 'get' ? t : t.send({});
    };
    const callers: Caller[] = [
      { name: 'another lead', call: session(otherLead) },
      { name: 'a stakeholder of another campaign', call: session(stakeholder) },
      { name: 'another lead’s API token', call: bearer },
    ];
    const failures: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const path = fill(route.path, params);
      for (const [variant, spell] of idVariants(campaignId, nextId(campaignId))) {
        for (const caller of callers) {
          const url = spell(path);
          const res = await caller.call(route.method, url);
          tried += 1;
          if (res.status !== 404) failures.push(`${caller.name}: ${route.method.toUpperCase()} ${url} (${variant}) → ${res.status}`);
          if (/Nordlicht|Personalabteilung|alert\(1\)/.test(res.text)) failures.push(`${caller.name}: ${route.method.toUpperCase()} ${url} (${variant}) leaks campaign content`);
        }
      }
      // And the real neighbouring campaign, found by counting, is just as closed.
      const res = await callers[0].call(route.method, path.replace(':id', neighbourId));
      if (res.status !== 404) failures.push(`another lead: ${route.method.toUpperCase()} ${path} (real neighbour) → ${res.status}`);
    }
    expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(tried).to.be.greaterThan(1000);
    expect(await snapshot()).to.equal(before);
  });

  it('the owner gets 200 on every GET route with the canonical id, and 404 with any other spelling', async () => {
    const failures: string[] = [];
    // A recording needs a real upload (covered in media.test.ts); its route answers 404 here.
    const expectedStatus: Record<string, number> = {
      '/lead/campaigns/:id/media/:mediaId': 404,
      // The campaign is open: /edit shows what can still change (title, description, retention)
      // and what is locked (200), and /close asks before closing (200).
    };
    for (const route of routes.filter((r) => r.method === 'get')) {
      const path = fill(route.path, params);
      const res = await owner.agent.get(path.replace(':id', campaignId));
      const expected = expectedStatus[route.path] ?? 200;
      if (res.status !== expected) failures.push(`GET ${path} → ${res.status} (expected ${expected})`);
      for (const wrong of [campaignId.toUpperCase(), `%20${campaignId}`, `${campaignId}%2F`]) {
        const other = await owner.agent.get(path.replace(':id', wrong));
        if (other.status !== 404) failures.push(`GET ${path.replace(':id', wrong)} → ${other.status} (expected 404)`);
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('ids below the campaign follow the same rule: a response, run or share spelt otherwise is 404', async () => {
    const base = `/lead/campaigns/${campaignId}`;
    await owner.agent.get(`${base}/responses/${params.rid}`).expect(200);
    for (const rid of [params.rid.toUpperCase(), ` ${params.rid}`, `${params.rid}%20`, `${params.rid}.`]) {
      await owner.agent.get(`${base}/responses/${encodeURIComponent(rid)}`).expect(404);
    }
    await owner.agent.get(`${base}/analysis/runs/${params.runId}/progress`).set('Accept', 'application/json').expect(200);
    await owner.agent.get(`${base}/analysis/runs/${params.runId.toUpperCase()}/progress`).set('Accept', 'application/json').expect(404);
    await owner.agent.post(`${base}/shares/${encodeURIComponent(params.publicId + ' ')}/revoke`).type('form').send({ _csrf: owner.csrf }).expect(404);
    expect((await ReportShareModel.findOne({ publicId: params.publicId }).lean())?.revokedAt ?? null).to.equal(null);
  });

  it('API token and user ids: an upper-case id revokes or changes nothing', async () => {
    const s = await signIn(app, 'lead');
    const res = await s.agent.post('/account/tokens').type('form').send({ _csrf: s.csrf, name: 'Skript' }).expect(201);
    expect(res.text).to.match(/wv_/);
    const stored = await ApiTokenModel.findOne({ userId: s.user.id }).lean();
    const tokenId = String(stored!._id);
    await s.agent.post(`/account/tokens/${tokenId.toUpperCase()}/revoke`).type('form').send({ _csrf: s.csrf }).expect(404);
    expect((await ApiTokenModel.findById(tokenId).lean())?.revokedAt ?? null).to.equal(null);

    const admin = await signIn(app, 'admin');
    const target = await signIn(app, 'lead');
    for (const wrong of [target.user.id.toUpperCase(), `%20${target.user.id}`]) {
      const r = await admin.agent.post(`/admin/users/${wrong}`).type('form').send({ _csrf: admin.csrf, role: 'stakeholder', disabled: 'true' });
      expect(r.status, wrong).to.equal(404);
    }
    expect(await UserModel.findById(target.user.id).lean()).to.include({ role: 'lead', disabled: false });
  });
});
