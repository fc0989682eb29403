import { expect } from 'chai';
import { ANSWERS, Ferret, Respondent, Scratch, embeddedDb, health, seedCampaign, sleep, startApp, waitFor, withDb, type AppProcess } from './helpers.js';

/**
 * The database is killed (SIGKILL) between a respondent's autosave and their submit, and comes
 * back on the same port with the same data. The respondent's page keeps working against the app:
 * it gets a quick 503 with Retry-After (not a 30 s hang), retries, and nothing is lost or doubled.
 */
describe('fault: database killed between autosave and submit, then restarted', function () {
  const scratch = new Scratch();
  let db: Ferret;
  let app: AppProcess;
  let campaign: Awaited<ReturnType<typeof seedCampaign>>;

  before(async () => {
    db = await Ferret.create(scratch);
    campaign = await seedCampaign(db.uri);
    app = await startApp(scratch, { MONGODB_URI: db.uri });
  });
  after(() => scratch.cleanup());

  it('answers 503 quickly while the database is gone, /healthz goes 503 → 200, the retried submit stores exactly one response within 5 s of the database being back', async () => {
    const alice = new Respondent(app.url, campaign.publicToken);
    const bob = new Respondent(app.url, campaign.publicToken);
    await alice.begin();
    await bob.begin();
    expect((await alice.autosave({ q1: ANSWERS.q1, q2: ANSWERS.q2 })).status).to.equal(200);
    // Bob only autosaves; after the outage his draft must still be there.
    expect((await bob.autosave({ q1: 'Bobs Entwurf vor dem Ausfall' })).status).to.equal(200);

    await db.kill();

    // /healthz: 503 (its ping gives up after 1.5 s).
    const h = Date.now();
    expect(await health(app.url)).to.equal(503);
    const healthMs = Date.now() - h;
    expect(healthMs, '/healthz while down').to.be.below(3000);

    // The next autosave and submit: 503 with Retry-After, within seconds.
    const save = await alice.autosave({ q3: ANSWERS.q3 }, 15_000);
    expect(save.status, save.text.slice(0, 200)).to.equal(503);
    expect(save.headers.get('retry-after')).to.equal('2');
    expect(JSON.parse(save.text)).to.deep.include({ error: { code: 'db_unavailable', message: 'The database is not reachable right now; please retry in a moment' } });
    expect(save.ms, 'autosave while down').to.be.below(5000);

    const submissionId = 'fault-db-restart-1';
    const failed = await alice.submit(ANSWERS, submissionId, 15_000);
    expect(failed.status).to.equal(503);
    expect(failed.headers.get('retry-after')).to.equal('2');
    expect(failed.text).to.match(/<html/i); // the friendly error page, not a stack trace
    expect(failed.ms, 'submit while down').to.be.below(5000);

    const api = await fetch(`${app.url}/api/v1/campaigns/${campaign.campaignId}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${campaign.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ submissionId: 'fault-api-1', lang: 'de', consent: true, answers: ANSWERS, segments: { department: 'it', location: 'hamburg', role: 'employee' } }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(api.status).to.equal(503);
    expect(api.headers.get('retry-after')).to.equal('2');
    await api.arrayBuffer();

    // A few more seconds down: requests keep failing fast, the app does not die.
    await sleep(1500);
    expect(await health(app.url)).to.equal(503);
    expect(app.child.exitCode).to.equal(null);

    await db.start();
    const backAt = Date.now();
    // The client retries as the page does (the 503 said Retry-After: 2; we retry sooner to measure).
    let tries = 0;
    let ok: Awaited<ReturnType<Respondent['submit']>> | undefined;
    while (Date.now() - backAt < 30_000) {
      tries++;
      const r = await alice.submit(ANSWERS, submissionId, 15_000);
      if (r.status === 303) {
        ok = r;
        break;
      }
      expect(r.status, `retry ${tries}: ${r.text.slice(0, 200)}`).to.equal(503);
      await sleep(200);
    }
    const recoveryMs = Date.now() - backAt;
    expect(ok?.headers.get('location')).to.match(/\/thanks$/);
    process.stdout.write(`      recovery: first successful submit ${recoveryMs} ms after the database was back (${tries} tries); healthz down in ${healthMs} ms, autosave 503 in ${save.ms} ms, submit 503 in ${failed.ms} ms\n`);
    expect(recoveryMs, 'first successful submit after the database is back').to.be.at.most(5000);
    await waitFor(async () => (await health(app.url)) === 200, 5000, '/healthz 200 again');

    // A retry of the same submission (a double click, a lost 303) is still one response.
    expect((await alice.submit(ANSWERS, submissionId)).status).to.equal(303);
    // Bob's autosave from before the outage is still on his device's draft.
    const bobPage = await bob.request('GET', `/r/${campaign.publicToken}/answer?lang=de`);
    expect(bobPage.status).to.equal(200);
    expect(bobPage.text).to.contain('Bobs Entwurf vor dem Ausfall');

    // Counted in the database: exactly one response, with every answer; no API response (it got 503).
    const stored = await withDb(db.uri, async () => {
      const { ResponseModel } = await import('../../src/responses/response.model.js');
      return ResponseModel.find({ campaignId: campaign.campaignId }).lean();
    });
    expect(stored).to.have.length(1);
    const answers = stored[0].answers as unknown as Record<string, { text: string }>;
    for (const [k, v] of Object.entries(ANSWERS)) expect(answers[k]?.text).to.equal(v);
    expect(app.log()).to.not.match(/"level":60/); // no fatal
  });
});

describe('fault: the embedded database is killed under a running app', function () {
  const scratch = new Scratch();
  after(() => scratch.cleanup());

  it('the app starts it again on the same port and data: 503 while it is gone, then the submit goes through and nothing is lost', async () => {
    const app = await startApp(scratch, { DATA_DIR: await scratch.dir('wv-fault-data-') });
    const first = embeddedDb(app);
    const c = await seedCampaign(first.uri);
    const r = new Respondent(app.url, c.publicToken);
    await r.begin();
    expect((await r.autosave({ q1: ANSWERS.q1, q2: ANSWERS.q2 })).status).to.equal(200);

    process.kill(first.pid, 'SIGKILL');
    const killedAt = Date.now();
    const during = await r.autosave({ q3: ANSWERS.q3 }, 15_000);
    // Either the restart was already done (200) or a quick 503 — never a hang.
    expect([200, 503], `${during.status} ${during.text.slice(0, 300)}\n${app.log().slice(-3000)}`).to.include(during.status);
    expect(during.ms).to.be.below(5000);
    await waitFor(async () => (await health(app.url)) === 200, 30_000, '/healthz 200 after the restart', () => app.log().slice(-1500));
    const backMs = Date.now() - killedAt;
    const second = embeddedDb(app);
    expect(second.pid).to.not.equal(first.pid);
    expect(second.uri).to.equal(first.uri);
    expect(app.log()).to.contain('the embedded database exited unexpectedly');

    let status = 0;
    await waitFor(async () => (status = (await r.submit(ANSWERS, 'fault-embedded-1', 15_000)).status) === 303, 10_000, `submit 303 (last ${status})`);
    process.stdout.write(`      embedded database killed: /healthz 200 again ${backMs} ms after the kill (autosave meanwhile: ${during.status} in ${during.ms} ms); submit stored ${Date.now() - killedAt} ms after the kill\n`);
    const page = await r.request('GET', `/r/${c.publicToken}/thanks`);
    expect(page.status).to.equal(200);
    const stored = await withDb(second.uri, async () => {
      const { ResponseModel } = await import('../../src/responses/response.model.js');
      return ResponseModel.find({ campaignId: c.campaignId }).lean();
    });
    expect(stored).to.have.length(1);
    app.child.kill('SIGTERM');
    expect(await app.exited).to.equal(0);
  });
});

describe('fault: the database freezes (SIGSTOP: connections stay open, nothing answers)', function () {
  const scratch = new Scratch();
  after(() => scratch.cleanup());

  it('requests waiting on it get 503 within seconds (not the driver default of ~40 s); after SIGCONT the submit goes through', async () => {
    const db = await Ferret.create(scratch);
    const c = await seedCampaign(db.uri);
    const app = await startApp(scratch, { MONGODB_URI: db.uri });
    const r = new Respondent(app.url, c.publicToken);
    await r.begin();
    expect((await r.autosave({ q1: ANSWERS.q1 })).status).to.equal(200);
    process.kill(db.pid!, 'SIGSTOP');
    try {
      const save = await r.autosave({ q2: ANSWERS.q2 }, 60_000);
      expect(save.status, save.text.slice(0, 200)).to.equal(503);
      expect(save.headers.get('retry-after')).to.equal('2');
      expect(save.ms, 'autosave while the database is frozen').to.be.below(12_000);
      expect(await health(app.url)).to.equal(503);
      process.stdout.write(`      frozen database: autosave 503 after ${save.ms} ms\n`);
    } finally {
      process.kill(db.pid!, 'SIGCONT');
    }
    const t0 = Date.now();
    let status = 0;
    await waitFor(async () => (status = (await r.submit(ANSWERS, 'fault-frozen-1', 15_000)).status) === 303, 15_000, `submit 303 after SIGCONT (last ${status})`);
    process.stdout.write(`      frozen database: first successful submit ${Date.now() - t0} ms after SIGCONT\n`);
    const stored = await withDb(db.uri, async () => {
      const { ResponseModel } = await import('../../src/responses/response.model.js');
      return ResponseModel.find({ campaignId: c.campaignId }).lean();
    });
    expect(stored).to.have.length(1);
  });
});
