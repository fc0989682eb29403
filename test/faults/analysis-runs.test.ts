import { expect } from 'chai';
import mongoose from 'mongoose';
import { ANSWERS, Ferret, Respondent, SEGMENTS, Scratch, seedCampaign, sleep, startApp, waitFor, withDb, type AppProcess } from './helpers.js';

const EN = {
  q1: 'Mostly e-mail and chat; we stopped using the fax machine.',
  q2: 'Working from anywhere and finding everything in one place.',
  q3: 'Too many tools, and nobody knows where anything is.',
  q4: 'One dashboard with everything I need today, on any device.',
};
const WORDS = ['Teams', 'Mail', 'Wiki', 'SharePoint', 'Telefon', 'Jira', 'Slack', 'Intranet', 'Chat', 'Drucker'];

async function insertResponses(uri: string, campaignId: string, n: number): Promise<void> {
  const { ResponseModel } = await import('../../src/responses/response.model.js');
  await withDb(uri, async () => {
    const now = new Date();
    const docs = Array.from({ length: n }, (_, i) => ({
      _id: `s_${campaignId}_fault-${i}`,
      campaignId: new mongoose.Types.ObjectId(campaignId),
      lang: i % 2 ? 'en' : 'de',
      consent: { version: 'test', at: now },
      submittedAt: now,
      source: 'api',
      answers: Object.fromEntries(Object.entries(i % 2 ? EN : ANSWERS).map(([k, v]) => [k, { text: `${v} ${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} #${i}`, mode: 'text', updatedAt: now }])),
    }));
    for (let i = 0; i < docs.length; i += 500) await ResponseModel.insertMany(docs.slice(i, i + 500));
  });
}

async function queueRun(uri: string, campaignId: string): Promise<string> {
  const { startRun } = await import('../../src/analysis-runs/analysis-run.service.js');
  return withDb(uri, async () => (await startRun(new mongoose.Types.ObjectId(campaignId))).run.id);
}

interface RunDoc {
  status: string;
  stage: string;
  attempts: number;
  leaseOwner: string | null;
  answers?: number;
}
async function readRun(uri: string, runId: string): Promise<RunDoc | null> {
  const { AnalysisRunModel } = await import('../../src/analysis-runs/analysis-run.model.js');
  return withDb(uri, () => AnalysisRunModel.findById(runId).lean<RunDoc>());
}

const doneLines = (app: AppProcess, runId: string) => app.log().split('\n').filter((l) => l.includes('"msg":"analysis run done"') && l.includes(runId)).length;

describe('fault: analysis runs with app processes dying and sharing a database', function () {
  const scratch = new Scratch();
  let db: Ferret;
  before(async () => {
    db = await Ferret.create(scratch);
  });
  after(() => scratch.cleanup());

  it('the app is SIGKILLed during a run: after a restart the run is picked up again (its lease expired) and finishes', async () => {
    const c = await seedCampaign(db.uri);
    await insertResponses(db.uri, c.campaignId, 1500);
    const app = await startApp(scratch, { MONGODB_URI: db.uri });
    const runId = await queueRun(db.uri, c.campaignId);
    // Kill the app while the engine is working on the run (not before it claimed it, not after).
    const { AnalysisRunModel } = await import('../../src/analysis-runs/analysis-run.model.js');
    let seen: RunDoc | null = null;
    await withDb(db.uri, () =>
      waitFor(
        async () => {
          seen = await AnalysisRunModel.findById(runId).lean<RunDoc>();
          return seen?.status === 'running' && ['prepare', 'language', 'train', 'coding', 'clustering'].includes(seen.stage);
        },
        60_000,
        'the run to be running in the engine',
      ),
    );
    app.child.kill('SIGKILL');
    await app.exited;
    const orphaned = await readRun(db.uri, runId);
    expect(orphaned).to.include({ status: 'running', attempts: 1 });
    expect(orphaned!.leaseOwner).to.be.a('string');

    const restarted = await startApp(scratch, { MONGODB_URI: db.uri });
    const t0 = Date.now();
    // The lease (30 s) must run out first; then the new instance claims attempt 2 and finishes.
    let run: RunDoc | null = null;
    await waitFor(
      async () => {
        run = await readRun(db.uri, runId);
        return run?.status === 'done' || run?.status === 'failed';
      },
      120_000,
      'the run to finish after the restart',
      () => restarted.log().slice(-1500),
    );
    process.stdout.write(`      run finished ${Date.now() - t0} ms after the restart (lease 30 s)\n`);
    expect(run).to.include({ status: 'done', attempts: 2, leaseOwner: null });
    expect(run!.answers).to.equal(6000);
    const { AnalysisResultModel } = await import('../../src/analysis-runs/analysis-run.model.js');
    const result = await withDb(db.uri, () => AnalysisResultModel.findById(runId, { _id: 1 }).lean());
    expect(result).to.not.equal(null);
    expect(doneLines(restarted, runId)).to.equal(1);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).to.equal(0);
  });

  it('two app instances on one database: both serve respondents, and each queued run is executed exactly once', async () => {
    // Several instances share SESSION_SECRET (README), so a device's CSRF token is valid on both.
    const shared = { MONGODB_URI: db.uri, SESSION_SECRET: 'two-instances-share-this-secret-0123456789' };
    const [a, b] = await Promise.all([startApp(scratch, shared), startApp(scratch, shared)]);
    const campaigns: Array<Awaited<ReturnType<typeof seedCampaign>>> = [];
    for (let i = 0; i < 4; i++) campaigns.push(await seedCampaign(db.uri));

    // Both serve: a device starts on A and finishes on B (stateless instances), and API submits
    // alternate between them.
    const r = new Respondent(a.url, campaigns[0].publicToken);
    await r.begin();
    expect((await r.autosave({ q1: ANSWERS.q1 })).status).to.equal(200);
    const onB = Object.assign(Object.create(Object.getPrototypeOf(r)) as Respondent, r, { baseUrl: b.url });
    expect((await onB.submit(ANSWERS, 'two-instances-1')).status).to.equal(303);
    let n = 0;
    for (const c of campaigns) {
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const target = (n + i) % 2 ? a : b;
          const res = await fetch(`${target.url}/api/v1/campaigns/${c.campaignId}/responses`, {
            method: 'POST',
            headers: { authorization: `Bearer ${c.apiToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({ submissionId: `two-instances-${i}`, lang: i % 2 ? 'en' : 'de', consent: true, answers: i % 2 ? EN : ANSWERS, segments: SEGMENTS }),
          });
          const text = await res.text();
          expect(res.status, text).to.equal(201);
        }),
      );
      n++;
    }

    // Queue one run per campaign at the same moment: both instances poll and race for them.
    const { startRun } = await import('../../src/analysis-runs/analysis-run.service.js');
    const runIds = await withDb(db.uri, () => Promise.all(campaigns.map(async (c) => (await startRun(new mongoose.Types.ObjectId(c.campaignId))).run.id)));
    const runs = new Map<string, RunDoc | null>();
    await waitFor(
      async () => {
        for (const id of runIds) runs.set(id, await readRun(db.uri, id));
        return [...runs.values()].every((x) => x?.status === 'done' || x?.status === 'failed');
      },
      120_000,
      'all runs to finish',
    );
    for (const id of runIds) {
      expect(runs.get(id), id).to.include({ status: 'done', attempts: 1 });
      // Executed once: exactly one instance reports it done, and no instance lost a lease.
      expect(doneLines(a, id) + doneLines(b, id), `"analysis run done" lines for ${id}`).to.equal(1);
    }
    expect(a.log() + b.log()).to.not.contain('lease lost');
    const byA = runIds.filter((id) => doneLines(a, id) === 1).length;
    process.stdout.write(`      ${runIds.length} runs: ${byA} executed by instance A, ${runIds.length - byA} by B\n`);
    // Both still serve.
    for (const app of [a, b]) expect((await fetch(`${app.url}/healthz`)).status).to.equal(200);
    await sleep(0);
  });
});
