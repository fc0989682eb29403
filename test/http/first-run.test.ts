import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { FileSystemMediaStore } from '../../src/media/media-store.js';
import request from 'supertest';
import { UserModel } from '../../src/auth/user.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { adoptDemo, DEMO_SEED_KEY, loadDemo } from '../../src/demo/demo.js';
import { startLine } from '../../src/http/start-line.js';
import { MediaModel } from '../../src/media/media.model.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { csrfFrom, makeUser, signIn, staffClient, testApp } from '../helpers/app.js';
import { testDbUri, useTestDb } from '../helpers/test-db.js';

const execFileAsync = promisify(execFile);

/**
 * The first ten minutes (issue 15): whoever sets the app up finds the demo campaign on their list,
 * and so does the first lead; the seed says what to open next; an admin learns that an account was
 * created and, once, what a missing ffmpeg means.
 */
describe('first run: the demo campaign belongs to someone', () => {
  useTestDb('first_run');
  const app = testApp();

  beforeEach(async () => {
    await UserModel.deleteMany({});
    await CampaignModel.deleteMany({});
    await ResponseModel.deleteMany({});
  });

  it('when the setup page loads the demo, then the first admin owns it and sees it on the list', async () => {
    const agent = request.agent(app);
    const lead = await agent.get('/lead').expect(303);
    expect(lead.headers.location).to.match(/^\/login/);
    const setupRedirect = await agent.get('/login').expect(303);
    expect(setupRedirect.headers.location).to.equal('/setup');
    const setup = await agent.get('/setup').set('Accept-Language', 'en').expect(200);
    expect(setup.text).to.include('Load the demo campaign');
    expect(setup.text).to.match(/name="demo" value="yes"[^>]*checked/);
    await agent.post('/setup').type('form').send({ email: 'first@example.com', password: 'a long first passphrase', demo: 'yes', _csrf: csrfFrom(setup.text) }).expect(303);
    const demo = await CampaignModel.findOne({ seedKey: DEMO_SEED_KEY }).lean();
    const admin = await UserModel.findOne({ email: 'first@example.com' }).lean();
    expect(String(demo?.ownerId)).to.equal(String(admin?._id));
    expect(demo?.status).to.equal('open');
    expect(demo?.address).to.equal('du');
    expect(await ResponseModel.countDocuments({ campaignId: demo?._id })).to.equal(32);
    const list = await agent.get('/lead').expect(200);
    expect(list.text).to.include('Nordlicht Logistik');
  });

  it('when the demo was seeded before anyone existed, the first admin owns it and the first lead created by the admin co-leads it', async () => {
    const seeded = await loadDemo();
    expect(seeded.members).to.deep.equal([]);
    expect((await CampaignModel.findById(seeded.campaignId).lean())?.ownerId ?? null).to.equal(null);

    const agent = request.agent(app);
    const setup = await agent.get('/setup').expect(200);
    // Already loaded: nothing to tick, but it will be theirs.
    expect(setup.text).not.to.include('name="demo"');
    await agent.post('/setup').type('form').send({ email: 'admin@example.com', password: 'a long first passphrase', _csrf: csrfFrom(setup.text) }).expect(303);
    const admin = (await UserModel.findOne({ email: 'admin@example.com' }).lean())!;
    expect(String((await CampaignModel.findById(seeded.campaignId).lean())?.ownerId)).to.equal(String(admin._id));
    expect((await agent.get('/lead').expect(200)).text).to.include('Nordlicht Logistik');

    // The admin creates a lead: success message, and the lead co-leads the demo.
    const users = await agent.get('/admin/users').set('Accept-Language', 'en').expect(200);
    const created = await agent
      .post('/admin/users')
      .type('form')
      .send({ email: 'lead@example.com', name: 'Lea', role: 'lead', password: 'another long passphrase', _csrf: csrfFrom(users.text) })
      .expect(303);
    expect(created.headers.location).to.match(/^\/admin\/users\?created=[a-f0-9]{24}&demo=coLead#created$/);
    const notice = await agent.get(created.headers.location.replace(/#.*$/, '')).set('Accept-Language', 'en').expect(200);
    expect(notice.text).to.include('Account for lead@example.com (Project lead) created.');
    expect(notice.text).to.include('co-leads the demo campaign');
    const leadUser = (await UserModel.findOne({ email: 'lead@example.com' }).lean())!;
    const demo = (await CampaignModel.findById(seeded.campaignId).lean())!;
    expect(demo.coLeadIds.map(String)).to.deep.equal([String(leadUser._id)]);

    const leadAgent = request.agent(app);
    const login = await leadAgent.get('/login').expect(200);
    await leadAgent.post('/login').type('form').send({ email: 'lead@example.com', password: 'another long passphrase', _csrf: csrfFrom(login.text) }).expect(303);
    const list = await leadAgent.get('/lead').expect(200);
    expect(list.text).to.include('Nordlicht Logistik');
    await leadAgent.get(`/lead/campaigns/${seeded.campaignId}`).expect(200);

    // Only the first lead joins automatically; a second one is added on the campaign page.
    const second = await makeUser('lead');
    expect(await adoptDemo(second)).to.equal(null);
    const stakeholder = await makeUser('stakeholder');
    expect(await adoptDemo(stakeholder)).to.equal(null);
    expect((await CampaignModel.findById(seeded.campaignId).lean())!.coLeadIds).to.have.length(1);
  });

  it('when the seed names an owner, that account owns the demo (or co-leads it when someone owns it already)', async () => {
    const a = await makeUser('lead');
    const b = await makeUser('admin');
    const first = await loadDemo({ owner: { id: a.id, role: 'lead' } });
    expect(first.members).to.deep.equal([{ id: a.id, as: 'owner' }]);
    const again = await loadDemo({ owner: { id: b.id, role: 'admin' } });
    expect(again.campaignId).to.equal(first.campaignId);
    expect(again.created, 'idempotent').to.equal(0);
    expect(again.existing).to.equal(32);
    expect(again.members).to.deep.equal([{ id: b.id, as: 'coLead' }]);
    const demo = (await CampaignModel.findById(first.campaignId).lean())!;
    expect(String(demo.ownerId)).to.equal(a.id);
    expect(demo.coLeadIds.map(String)).to.deep.equal([b.id]);
  });

  it('`npm run seed` (the CLI) names what to open next, and refuses an unknown --owner', async function () {
    this.timeout(60_000);
    const env = { ...process.env, MONGODB_URI: testDbUri('first_run'), LOG_LEVEL: 'silent', PORT: '3456' };
    const cli = ['--import', 'tsx', 'src/cli/main.ts', 'seed'];
    const none = await execFileAsync(process.execPath, cli, { env });
    const lines = none.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^Demo campaign "Nordlicht Logistik" \([a-f0-9]{24}\): 32 responses added, 0 already there\.$/);
    expect(lines.at(-1)).to.equal('Next: npm start, then open http://localhost:3456/lead to create the first admin — the demo campaign will be theirs.');

    const unknown = await execFileAsync(process.execPath, [...cli, '--owner', 'nobody@example.com'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((unknown as { code: number }).code).to.equal(1);
    expect((unknown as { stderr: string }).stderr).to.include('There is no account nobody@example.com');

    const lead = await makeUser('lead');
    const owned = await execFileAsync(process.execPath, [...cli, '--owner', lead.email], { env });
    const out = owned.stdout.trim().split('\n');
    expect(out).to.include(`${lead.email} owns the demo campaign now.`);
    const id = /\(([a-f0-9]{24})\)/.exec(out[0])![1];
    expect(out.at(-1)).to.equal(`Next: sign in at http://localhost:3456/lead (npm start, if the app is not running) and open the demo campaign: http://localhost:3456/lead/campaigns/${id}`);
  });
});

describe('first run: what an admin is told', () => {
  useTestDb('first_run_admin');

  it('without ffmpeg the admin page says once what that means for privacy and how to fix it; leads are not told', async () => {
    const store = new FileSystemMediaStore(path.join(os.tmpdir(), `wv-first-run-media-${process.pid}`));
    const without = testApp({ media: { store, maxBytes: 1024 * 1024, maxSeconds: 60, useFfmpeg: false } });
    const admin = await staffClient(without, 'admin');
    await MediaModel.collection.insertOne({ _id: 'm_AAAAAAAAAAAAAAAAAAAAAAAA' as never, metadataStripped: false, kind: 'video', mime: 'video/webm', size: 1 });
    const page = await admin.get('/admin/users').set('Accept-Language', 'en').expect(200);
    expect(page.text.match(/ffmpeg is not installed on the server/g)).to.have.length(1);
    expect(page.text).to.include('GPS location');
    expect(page.text).to.include('sudo apt-get install ffmpeg');
    expect(page.text).to.include('1 stored recording still holds its metadata.');
    // A lead's pages do not repeat it.
    const lead = await signIn(without, 'lead');
    expect((await lead.agent.get('/lead').expect(200)).text).not.to.include('ffmpeg');
  });

  it('the start line for a person at a terminal says where to go first', () => {
    expect(startLine({ host: '0.0.0.0', port: 3000, users: 0 })).to.equal('Workplace Voice is running: open http://localhost:3000/lead to create the first admin (Ctrl-C stops it).');
    expect(startLine({ host: '127.0.0.1', port: 8080, users: 3 })).to.equal('Workplace Voice is running: open http://127.0.0.1:8080/lead to sign in (Ctrl-C stops it).');
    expect(startLine({ host: '0.0.0.0', port: 3000, users: 1, publicBaseUrl: 'https://voice.example.com' })).to.include('open https://voice.example.com/lead to sign in');
  });
});
