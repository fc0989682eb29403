/**
 * bench:export — the answers CSV export of a 100,000-answer campaign through the real app,
 * against a raw cursor-to-CSV dump measured in the same run.
 *
 *  1. One FerretDB (SQLite) in a temp dir. A lead, an API token, and a campaign of N synthetic
 *     answers (4 per respondent; bench/synthetic-campaign.ts, sentences of ../shared/data
 *     recombined, seeded), stored as the app stores responses; then the engine codes all answers
 *     (in this process: the runner refuses a 100,000-answer result, ~24 MB > 16 MB per document)
 *     and the finished run and its export code index are stored, so the export joins codes,
 *     themes and challenge types of 100,000 answers.
 *  2. Two servers, each in its own child process (bench/export-server.ts): `app` (createApp,
 *     production defaults) and `bare` (express + the Response model + one cursor → CSV lines).
 *  3. Rounds alternate app/bare; each downloads the whole CSV over HTTP into a counting sink
 *     (rows counted outside quotes), timing first byte and last byte. The server's RSS is sampled
 *     from /proc/<pid>/status every 20 ms: growth = peak during the export − RSS right before it
 *     (and the growth over the whole series against the RSS before the first export).
 *
 * Targets (issue 6): RSS growth < 100 MB; time ≤ 1.5 × the raw dump.
 * Usage: npm run bench:export [-- --answers 100000 --rounds 3 --no-write]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadInput } from '../src/analysis-runs/analysis-input.js';
import { AnalysisResultModel, AnalysisRunModel } from '../src/analysis-runs/analysis-run.model.js';
import { analyze } from '../src/analysis/index.js';
import { storeCodeIndex } from '../src/analysis-runs/code-index.js';
import { createApiToken, createUser } from '../src/auth/auth.service.js';
import { changeStatus, createCampaign } from '../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../src/campaigns/interview-template.js';
import { connectDb, disconnectDb } from '../src/db/connection.js';
import { ResponseModel } from '../src/responses/response.model.js';
import { startBenchDatabase } from './lib/bench-db.js';
import { fmt, machineInfo, repoRoot, upsertPerformanceSubsection } from './lib/report.js';
import { generateCampaign } from './synthetic-campaign.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const ANSWERS = opt('answers', 100_000);
const ROUNDS = opt('rounds', 3);
const WRITE = !args.includes('--no-write');
const SHARED_DATA = path.resolve(repoRoot, '..', 'shared', 'data', 'interviews-dev.jsonl');

const log = (s: string) => process.stdout.write(`${s}\n`);
const slug = (s: string) => {
  const k = s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(k) ? k.slice(0, 40) : `v_${k}`.slice(0, 40);
};

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface Server {
  child: ChildProcess;
  port: number;
  pid: number;
}

async function startServer(kind: 'app' | 'bare', uri: string): Promise<Server> {
  const child = fork(path.join(repoRoot, 'bench', 'export-server.ts'), [kind], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      // BENCH_CPU_PROF=<dir>: CPU profile of the app server; BENCH_APP_NODE_FLAGS: extra V8/Node flags for it.
      ...(process.env.BENCH_CPU_PROF && kind === 'app' ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      ...(process.env.BENCH_APP_NODE_FLAGS && kind === 'app' ? process.env.BENCH_APP_NODE_FLAGS.split(' ').filter(Boolean) : []),
    ],
    env: { ...process.env, BENCH_MONGODB_URI: uri, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port, pid: child.pid! };
}

async function stopServer(s: Server): Promise<void> {
  s.child.send('stop');
  await new Promise((resolve) => s.child.once('exit', resolve));
}

async function gc(s: Server): Promise<void> {
  s.child.send('gc');
  await new Promise((resolve) => s.child.once('message', resolve));
}

interface Download {
  ms: number;
  firstByteMs: number;
  bytes: number;
  rows: number;
  status: number;
  rssBefore: number;
  rssPeak: number;
}

/** Downloads `url`, counting bytes and CSV records (newlines outside quotes), sampling RSS. */
function download(s: Server, urlPath: string, headers: Record<string, string>): Promise<Download> {
  return new Promise((resolve, reject) => {
    const rssBefore = rssOf(s.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssOf(s.pid));
    }, 20);
    const t0 = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    let rows = 0;
    let quoted = false;
    let lastByte = -1;
    const req = http.get({ host: '127.0.0.1', port: s.port, path: urlPath, headers }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (!firstByteMs) firstByteMs = performance.now() - t0;
        bytes += chunk.length;
        if (chunk.length) lastByte = chunk[chunk.length - 1];
        for (let i = 0; i < chunk.length; i++) {
          const c = chunk[i];
          if (c === 0x22) quoted = !quoted;
          else if (c === 0x0a && !quoted) rows++;
        }
      });
      res.on('end', () => {
        // A last record without a line break (json2csv ends without one) still counts.
        if (bytes > 0 && lastByte !== 0x0a) rows++;
        clearInterval(sampler);
        rssPeak = Math.max(rssPeak, rssOf(s.pid));
        resolve({ ms: performance.now() - t0, firstByteMs, bytes, rows, status: res.statusCode ?? 0, rssBefore, rssPeak });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
  });
}

const MB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const startedAt = Date.now();
  log(`bench:export — ${fmt(ANSWERS)} answers, ${ROUNDS} rounds`);
  const db = await startBenchDatabase('wv-bench-export-');
  const uri = db.uri('wv_export_bench');
  const servers: Server[] = [];
  try {
    await connectDb(uri);
    const lead = await createUser({ email: `bench-export-${Date.now()}@example.org`, name: 'Bench Lead', role: 'lead', password: 'bench export passphrase' });
    const { token } = await createApiToken(lead.id, 'bench-export');

    // 1. The campaign: synthetic answers stored exactly as the app stores responses.
    let t = performance.now();
    const rows = generateCampaign(SHARED_DATA, ANSWERS, 11);
    // The shared data has many small departments: keep the 11 most common, the rest are "Other".
    const deptCounts = new Map<string, number>();
    for (const r of rows) deptCounts.set(r.segments.department, (deptCounts.get(r.segments.department) ?? 0) + 1);
    const top = new Set([...deptCounts].sort((a, b) => b[1] - a[1]).slice(0, 11).map(([d]) => d));
    for (const r of rows) if (!top.has(r.segments.department)) r.segments = { ...r.segments, department: 'Other' };
    const departments = [...new Set(rows.map((r) => r.segments.department))].sort();
    const locations = [...new Set(rows.map((r) => r.segments.location))].sort();
    const option = (v: string) => ({ key: slug(v), label: { de: v, en: v } });
    const input = campaignInputSchema.parse({
      ...interviewTemplate(),
      title: `Export bench (${ANSWERS} answers)`,
      segments: [
        { key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: departments.map(option) },
        { key: 'location', label: { de: 'Standort', en: 'Location' }, required: false, options: locations.map(option) },
      ],
    });
    const campaign = await changeStatus(String((await createCampaign(input, { ownerId: lead.id }))._id), 'open');
    const byRespondent = new Map<string, typeof rows>();
    for (const r of rows) {
      if (!byRespondent.has(r.respondent)) byRespondent.set(r.respondent, []);
      byRespondent.get(r.respondent)!.push(r);
    }
    const now = new Date();
    const docs = [...byRespondent].map(([respondent, list]) => ({
      _id: `s_${String(campaign._id)}_${respondent}`,
      campaignId: campaign._id,
      status: 'submitted',
      lang: list[0].lang === 'en' ? 'en' : 'de',
      consent: { version: 'bench', at: now },
      segments: { department: slug(list[0].segments.department), location: slug(list[0].segments.location) },
      answers: Object.fromEntries(list.map((a) => [a.question, { text: a.text, mode: 'text', updatedAt: now }])),
      submissionId: respondent,
      submittedAt: now,
      source: 'api',
    }));
    for (let i = 0; i < docs.length; i += 500) await ResponseModel.insertMany(docs.slice(i, i + 500), { ordered: false });
    const respondents = docs.length;
    log(`seeded ${fmt(respondents)} responses / ${fmt(rows.length)} answers in ${fmt((performance.now() - t) / 1000, 1)} s`);

    // 2. The codes of every answer. A run of 100,000 answers cannot go through the runner: its
    //    result is ~24 MB, above MongoDB's 16 MB document limit, and the runner refuses it. So the
    //    bench runs the same engine on the same input (loadInput) here and writes what a finished
    //    run leaves behind for the export: the run document, the result without its per-answer
    //    list, and the export code index (src/exports/code-index.ts) with all 100,000 answers.
    //    Smaller campaigns (≤ ~60,000 answers) take the runner path; the export code is the same.
    t = performance.now();
    const analysisInput = await loadInput(campaign);
    const result = analyze(analysisInput.answers, analysisInput.options);
    const runId = new mongoose.Types.ObjectId();
    await AnalysisRunModel.create({
      _id: runId,
      campaignId: campaign._id,
      activeKey: String(runId),
      status: 'done',
      stage: 'done',
      progress: 1,
      startedAt: new Date(),
      finishedAt: new Date(),
      responses: analysisInput.responses,
      answers: result.summary.answers,
      summary: result.summary,
    });
    await AnalysisResultModel.collection.insertOne({ _id: runId, campaignId: campaign._id, result: { ...result, answers: [] }, createdAt: new Date() });
    await storeCodeIndex(runId, campaign._id as mongoose.Types.ObjectId, result, { codebook: analysisInput.options.codebook });
    const analysisS = (performance.now() - t) / 1000;
    log(`engine on ${fmt(result.answers.length)} answers + run/index stored in ${fmt(analysisS, 1)} s`);
    await disconnectDb();

    // 3. Servers and rounds.
    const app = await startServer('app', uri);
    const bare = await startServer('bare', uri);
    servers.push(app, bare);
    const appUrl = `/lead/campaigns/${String(campaign._id)}/exports/answers.csv?lang=en`;
    const bareUrl = `/dump/${String(campaign._id)}`;
    const auth = { Authorization: `Bearer ${token}` };
    await new Promise((r) => setTimeout(r, 1000));
    await gc(app);
    await gc(bare);
    const appStartRss = rssOf(app.pid);
    const bareStartRss = rssOf(bare.pid);
    const appRuns: Download[] = [];
    const bareRuns: Download[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
      for (const which of order) {
        const d = which === 'app' ? await download(app, appUrl, auth) : await download(bare, bareUrl, {});
        if (d.status !== 200) throw new Error(`${which} answered ${d.status}`);
        (which === 'app' ? appRuns : bareRuns).push(d);
        log(
          `round ${round + 1} ${which.padEnd(4)}: ${fmt(d.ms)} ms (first byte ${fmt(d.firstByteMs)} ms), ${fmt(d.bytes / MB, 1)} MB, ${fmt(d.rows - 1)} rows, RSS ${fmt(d.rssBefore / MB)} → peak ${fmt(d.rssPeak / MB)} MB (+${fmt((d.rssPeak - d.rssBefore) / MB, 1)})`,
        );
      }
    }
    const appRows = appRuns[0].rows - 1;
    const bareRows = bareRuns[0].rows - 1;
    if (appRows !== rows.length || bareRows !== rows.length) throw new Error(`row counts: app ${appRows}, bare ${bareRows}, expected ${rows.length}`);

    const appMs = median(appRuns.map((d) => d.ms));
    const bareMs = median(bareRuns.map((d) => d.ms));
    const ratio = appMs / bareMs;
    const growthPerRun = appRuns.map((d) => (d.rssPeak - d.rssBefore) / MB);
    const growthSeries = (Math.max(...appRuns.map((d) => d.rssPeak)) - appStartRss) / MB;
    const bareGrowth = (Math.max(...bareRuns.map((d) => d.rssPeak)) - bareStartRss) / MB;
    const timeOk = ratio <= 1.5;
    const memOk = growthSeries < 100;
    log('');
    log(`app median ${fmt(appMs)} ms vs raw dump ${fmt(bareMs)} ms → ${fmt(ratio, 2)}× (target ≤ 1.5×: ${timeOk ? 'met' : 'MISSED'})`);
    log(`app RSS growth: per export ${growthPerRun.map((g) => `+${fmt(g, 1)}`).join(', ')} MB; over the series +${fmt(growthSeries, 1)} MB from ${fmt(appStartRss / MB)} MB (target < 100 MB: ${memOk ? 'met' : 'MISSED'}); raw dump +${fmt(bareGrowth, 1)} MB`);

    if (WRITE) {
      const body = [
        machineInfo(),
        `- Command: \`npm run bench:export\` (${fmt((Date.now() - startedAt) / 1000)} s in all); campaign: ${fmt(respondents)} respondents, ${fmt(rows.length)} answers (bench/synthetic-campaign.ts, seed 11), coded by the engine in the bench process (${fmt(analysisS, 1)} s; a 100,000-answer result is ~24 MB and the runner refuses results above MongoDB's 16 MB document limit, so the bench writes the finished run, the result without its per-answer list and the export code index itself); ${ROUNDS} rounds alternating app/raw; both servers in their own child processes, the client in a third.`,
        `- **App** \`GET /lead/campaigns/:id/exports/answers.csv\` (API token; createApp with production defaults; one mongoose cursor → rows joined with the run's export code index, small groups held back until the pass is complete → batches of rows → json2csv's StreamParser (@json2csv/plainjs) → ~64 KB writes → response): per round ${appRuns.map((d) => `${fmt(d.ms)} ms`).join(', ')}; ${fmt(appRuns[0].bytes / MB, 1)} MB, ${fmt(appRows)} rows, 15 columns (codes, themes, challenge type, features, emergent theme, segments with the small-group rule, formula protection).`,
        `- **Raw dump** (baseline, same run): express + the Response model, one cursor → one quoted CSV line per answer (6 columns, no auth, no analysis join, no anonymity, no formula protection, no json2csv): per round ${bareRuns.map((d) => `${fmt(d.ms)} ms`).join(', ')}; ${fmt(bareRuns[0].bytes / MB, 1)} MB.`,
        `- **Time**: median ${fmt(appMs)} ms vs ${fmt(bareMs)} ms = **${fmt(ratio, 2)}×** (target ≤ 1.5×: ${timeOk ? 'met' : '**missed**'}). First byte after ${fmt(median(appRuns.map((d) => d.firstByteMs)))} ms (app: campaign, run and export code index are read before the first row).`,
        `- **Server RSS growth** (VmRSS sampled every 20 ms): per export ${growthPerRun.map((g) => `+${fmt(g, 1)} MB`).join(', ')}; over the whole series **+${fmt(growthSeries, 1)} MB** above the ${fmt(appStartRss / MB)} MB before the first export (target < 100 MB: ${memOk ? 'met' : '**missed**'}). Raw dump: +${fmt(bareGrowth, 1)} MB. What the app holds during an export: the run's code table (each distinct code value once, 9 int32 cells per answer: ${fmt((rows.length * 36) / MB, 1)} MB for ${fmt(rows.length)} answers, and a map of the response ids), the segment population (shared objects), one cursor batch of 100 responses, 256 rows and up to 64 KB of CSV text; the rest of the growth is the young generation and garbage between collections.`,
      ].join('\n');
      upsertPerformanceSubsection('CSV export of 100,000 answers (bench:export)', body, undefined, {
        heading: '## Report and exports (issue 6, items 4 and 5)',
        intro: 'Benchmarks of the exports; scripts in `bench/export-*.ts`, all on 127.0.0.1.',
      });
      log('docs/PERFORMANCE.md updated');
    }
  } finally {
    for (const s of servers) await stopServer(s).catch(() => undefined);
    await disconnectDb().catch(() => undefined);
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:export failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
