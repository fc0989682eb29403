import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startCluster, type Cluster } from '../../deploy/cluster.js';
import { filesIn, makeMediaFixtures, multipartBody } from '../helpers/media.js';
import { ANSWERS, Respondent, Scratch, health, seedCampaign, sleep, waitFor, withDb } from './helpers.js';

const run = promisify(execFile);

/**
 * Issue 18: the scale-out topology of `npm run cluster`, for real — PostgreSQL (the machine's
 * server), two FerretDB processes on its PostgreSQL backend, HAProxy in front of three app
 * instances and of the FerretDB processes. Processes are SIGKILLed and PostgreSQL is restarted;
 * what a respondent's browser sees, and what ends up in the database, is checked.
 */

/** Submits through `r` until the app answers 303 (a browser's user pressing "send" again). */
async function submitUntilStored(r: Respondent, answers: Record<string, string>, submissionId: string, deadlineMs: number): Promise<{ attempts: number; statuses: number[] }> {
  const statuses: number[] = [];
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const res = await r.submit(answers, submissionId, 10_000).catch(() => ({ status: 0 }));
    statuses.push(res.status);
    if (res.status === 303) return { attempts: statuses.length, statuses };
    await sleep(250);
  }
  throw new Error(`submit ${submissionId} never stored: ${statuses.join(',')}`);
}

/** Responses of the campaign in the database: count and duplicates by submission id. */
async function stored(uri: string, campaignId: string) {
  return withDb(uri, async () => {
    const docs = await mongoose.connection
      .collection('responses')
      .find({ campaignId: new mongoose.Types.ObjectId(campaignId) }, { projection: { submissionId: 1, answers: 1 } })
      .toArray();
    const ids = docs.map((d) => String(d.submissionId));
    return { count: docs.length, distinct: new Set(ids).size, ids: new Set(ids), docs };
  });
}

async function pgCluster(): Promise<{ version: string; name: string }> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  const [version, name] = stdout.trim().split('\n')[0].trim().split(/\s+/);
  return { version, name };
}

describe('fault: the cluster (HAProxy → 3 app instances → HAProxy → 2 FerretDB → PostgreSQL)', function () {
  this.timeout(240_000);
  const scratch = new Scratch();
  let cluster: Cluster;
  let dataDir: string;
  let campaign: Awaited<ReturnType<typeof seedCampaign>>;

  before(async () => {
    dataDir = await scratch.dir('wv-cluster-');
    cluster = await startCluster({ dataDir, database: 'wv_fault_cluster', fresh: true, env: { LOG_LEVEL: 'warn' } });
    scratch.onCleanup(() => cluster.stop());
    campaign = await seedCampaign(cluster.mongoUri);
  });
  after(() => scratch.cleanup());

  it('one respondent whose requests land on three different instances: consent, CSRF and the draft hold', async () => {
    // Directly on each instance in turn: welcome and consent on 1, autosave on 2, submit on 3.
    const [a, b, c] = cluster.apps.map((x) => x.url);
    const r = new Respondent(a, campaign.publicToken);
    await r.begin();
    const moved = (url: string) => Object.assign(Object.create(Object.getPrototypeOf(r)), r, { baseUrl: url }) as Respondent;
    expect((await moved(b).autosave({ q1: ANSWERS.q1 })).status).to.equal(200);
    const res = await moved(c).submit(ANSWERS, 'cluster-hop-1');
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const s = await stored(cluster.mongoUri, campaign.campaignId);
    expect(s.ids.has('cluster-hop-1')).to.equal(true);
  });

  it('a video answer across instances: uploaded on one, played back on another, submitted on a third — one file in the shared directory, its record in PostgreSQL', async () => {
    const video = await seedCampaign(cluster.mongoUri, { video: true });
    const { mp4 } = await makeMediaFixtures();
    const [a, b, c] = cluster.apps.map((x) => x.url);
    const r = new Respondent(a, video.publicToken);
    await r.begin();
    // Upload on instance 2 (the recording store is the file system under the shared DATA_DIR).
    const { body, contentType } = multipartBody(mp4, { filename: 'antwort.mp4', type: 'video/mp4' });
    const up = await fetch(`${b}/r/${video.publicToken}/media/q1`, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json', 'x-csrf-token': r.csrf, 'idempotency-key': 'cluster-video-0001', cookie: r.cookieHeader() },
      body: new Uint8Array(body),
    });
    const uploaded = (await up.json()) as { media: { id: string; size: number; url: string } };
    expect(up.status, JSON.stringify(uploaded)).to.equal(201);
    // Played back on instance 3 and on instance 1: the same bytes as stored.
    const played = await Promise.all(
      [c, a].map(async (url) => {
        const res = await fetch(`${url}${uploaded.media.url}`, { headers: { cookie: r.cookieHeader() } });
        expect(res.status, url).to.equal(200);
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    expect(played[0].length).to.equal(uploaded.media.size);
    expect(played[0].equals(played[1])).to.equal(true);
    // A retry of the same upload on instance 1 (the phone lost the answer): the same recording, not a second one.
    const again = await fetch(`${a}/r/${video.publicToken}/media/q1`, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json', 'x-csrf-token': r.csrf, 'idempotency-key': 'cluster-video-0001', cookie: r.cookieHeader() },
      body: new Uint8Array(body),
    });
    expect(again.status).to.equal(200);
    expect(((await again.json()) as { media: { id: string } }).media.id).to.equal(uploaded.media.id);
    // Submitted on instance 3: the response holds the recording.
    const moved = Object.assign(Object.create(Object.getPrototypeOf(r)), r, { baseUrl: c }) as Respondent;
    const { q1: _typed, ...rest } = ANSWERS;
    const sent = await moved.submit(rest, 'cluster-video-1');
    expect(sent.status, sent.text.slice(0, 300)).to.equal(303);
    const files = await filesIn(path.join(dataDir, 'media'));
    expect(files, 'one finished file, no partial one').to.have.length(1);
    const docs = await withDb(cluster.mongoUri, async () => ({
      media: await mongoose.connection.collection('media').find({ campaignId: new mongoose.Types.ObjectId(video.campaignId) }).toArray(),
      response: await mongoose.connection.collection('responses').findOne({ submissionId: 'cluster-video-1' }),
    }));
    expect(docs.media).to.have.length(1);
    expect(String(docs.media[0]._id)).to.equal(uploaded.media.id);
    expect(String((docs.response?.answers as Record<string, { mediaId?: string }>).q1.mediaId)).to.equal(uploaded.media.id);
  });

  it('an app instance SIGKILLed under load: the proxy routes around it, every submit is stored exactly once', async () => {
    const before = await stored(cluster.mongoUri, campaign.campaignId);
    const people = 24;
    let killedAt = 0;
    const results: Array<{ attempts: number; statuses: number[] }> = [];
    const visit = async (i: number) => {
      const r = new Respondent(cluster.url, campaign.publicToken);
      // A browser reloads a page that failed once; begin() itself is retried the same way.
      for (let t = 0; ; t++) {
        try {
          await r.begin();
          break;
        } catch (err) {
          if (t >= 20) throw err;
          await sleep(250);
        }
      }
      for (let k = 0; k < 3; k++) {
        const save = await r.autosave({ q1: `${ANSWERS.q1} (${i}.${k})` }).catch(() => ({ status: 0 }));
        // An autosave lost with its instance is repeated by the page's next autosave.
        if (save.status !== 200) await sleep(200);
      }
      results.push(await submitUntilStored(r, { ...ANSWERS, q4: `${ANSWERS.q4} #${i}` }, `cluster-load-${i}`, 60_000));
    };
    const visits = Array.from({ length: people }, (_, i) => sleep(i * 60).then(() => visit(i)));
    await sleep(700);
    killedAt = Date.now();
    await cluster.killApp(1);
    await Promise.all(visits);
    const after = await stored(cluster.mongoUri, campaign.campaignId);
    const mine = after.docs.filter((d) => String(d.submissionId).startsWith('cluster-load-'));
    expect(mine.length, 'stored responses').to.equal(people);
    expect(new Set(mine.map((d) => String(d.submissionId))).size, 'distinct submission ids').to.equal(people);
    for (const d of mine) {
      const i = Number(String(d.submissionId).replace('cluster-load-', ''));
      expect((d.answers as Record<string, { text: string }>).q4.text).to.equal(`${ANSWERS.q4} #${i}`);
    }
    expect(after.count).to.equal(before.count + people);
    const retried = results.filter((r) => r.attempts > 1).length;
    process.stdout.write(`      killed app 2 ${Date.now() - killedAt} ms before the last submit; submits that needed a second try: ${retried}/${people}\n`);
    await cluster.restartApp(1);
  });

  it('a FerretDB process SIGKILLed: every instance reaches the database through the other one within 5 s', async () => {
    // Traffic first, so every instance holds connections through both FerretDB processes.
    const warm = new Respondent(cluster.url, campaign.publicToken);
    await warm.begin();
    await cluster.killFerret(0);
    const ms = await Promise.all(
      cluster.apps.map((app) =>
        waitFor(
          async () => {
            const r = await fetch(`${app.url}/r/${campaign.publicToken}`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
            return r?.status === 200 && (await health(app.url)) === 200;
          },
          20_000,
          `app on :${app.port} serving again`,
        ),
      ),
    );
    const worst = Math.max(...ms);
    process.stdout.write(`      each instance serving again after ${ms.map((x) => `${x} ms`).join(', ')}\n`);
    expect(worst, 'ms until every instance serves pages from the database again').to.be.at.most(5000);
    const res = await submitUntilStored(warm, ANSWERS, 'cluster-after-ferret-kill', 10_000);
    expect(res.attempts).to.be.at.most(3);
  });

  it('PostgreSQL restarted: the first submit succeeds within 5 s of it being back, nothing is lost or doubled', async () => {
    const pg = await pgCluster();
    const r = new Respondent(cluster.url, campaign.publicToken);
    await r.begin();
    expect((await r.autosave({ q1: ANSWERS.q1 })).status).to.equal(200);
    await run('pg_ctlcluster', [pg.version, pg.name, 'stop', '-m', 'fast']);
    try {
      const down = await r.submit(ANSWERS, 'cluster-pg-restart', 15_000).catch(() => ({ status: 0 }));
      expect(down.status, 'submit while PostgreSQL is down').to.not.equal(303);
    } finally {
      await run('pg_ctlcluster', [pg.version, pg.name, 'start']);
    }
    const back = Date.now();
    await submitUntilStored(r, ANSWERS, 'cluster-pg-restart', 30_000);
    const ms = Date.now() - back;
    process.stdout.write(`      first stored submit ${ms} ms after PostgreSQL was back\n`);
    expect(ms).to.be.at.most(5000);
    const s = await stored(cluster.mongoUri, campaign.campaignId);
    expect(s.docs.filter((d) => d.submissionId === 'cluster-pg-restart')).to.have.length(1);
    expect(s.count).to.equal(s.distinct);
  });

  it('an analysis run whose instance is SIGKILLed is finished by another instance (lease)', async () => {
    const { startRun } = await import('../../src/analysis-runs/analysis-run.service.js');
    const { ResponseModel } = await import('../../src/responses/response.model.js');
    const runId = await withDb(cluster.mongoUri, async () => {
      // Enough answers that the engine is still at work when its instance dies.
      const now = new Date();
      const docs = Array.from({ length: 1500 }, (_, i) => ({
        _id: `cl_${campaign.campaignId}_${i}`,
        campaignId: new mongoose.Types.ObjectId(campaign.campaignId),
        lang: 'de',
        consent: { version: 'test', at: now },
        submittedAt: now,
        source: 'api',
        answers: Object.fromEntries(Object.entries(ANSWERS).map(([k, v]) => [k, { text: `${v} (${i})`, mode: 'text', updatedAt: now }])),
      }));
      await ResponseModel.insertMany(docs);
      const { run: view } = await startRun(new mongoose.Types.ObjectId(campaign.campaignId));
      return view.id;
    });
    const runDoc = () =>
      withDb(cluster.mongoUri, () => mongoose.connection.collection('analysis_runs').findOne({ _id: new mongoose.Types.ObjectId(runId) })) as Promise<{
        status: string;
        leaseOwner: string | null;
        attempts: number;
      } | null>;
    let owner = '';
    await waitFor(
      async () => {
        const d = await runDoc();
        owner = d?.status === 'running' ? String(d.leaseOwner) : '';
        return owner !== '';
      },
      30_000,
      'a runner claimed the run',
    );
    const pid = Number(owner.split(':')[1]);
    const victim = cluster.apps.findIndex((a) => a.child.pid === pid);
    expect(victim, `lease owner ${owner} is one of the instances`).to.be.at.least(0);
    await cluster.killApp(victim);
    await waitFor(async () => (await runDoc())?.status === 'done', 120_000, 'the run finished by another instance');
    const done = await runDoc();
    expect(done!.leaseOwner === null || !String(done!.leaseOwner).includes(`:${pid}:`)).to.equal(true);
    expect(done!.attempts).to.equal(2);
    await cluster.restartApp(victim);
  });
});
