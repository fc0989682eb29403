/**
 * Issue 18 figure: the lead's page listing a campaign's responses (first page) at 50,000
 * responses, on the embedded FerretDB/SQLite and on FerretDB with its PostgreSQL backend (the
 * cluster's database), with the query plans FerretDB reports.
 *
 *   npm run bench:lead-pages [-- --respondents 50000 --requests 5 --no-write]
 *
 * Each backend gets a fresh database holding one campaign of `--respondents` responses (4 answers
 * each: bench/dashboard-fixture.ts, the documents the app itself stores) plus a second campaign of
 * a tenth of that size (a listing must not pay for other campaigns' responses, or does it?). The
 * app runs in this process (createApp over supertest, a signed-in lead) and serves
 * GET /lead/campaigns/:id/responses one request at a time; server time = request in → `finish`.
 * The query plan: `explain` of the page's two queries (find with sort + limit, and the count) —
 * FerretDB says whether it pushed the filter, the sort and the limit down to SQL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { connectDb } from '../src/db/connection.js';
import { freePort, spawnServer } from '../src/db/embedded/process.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';
import { ResponseModel } from '../src/responses/response.model.js';
import { percentile, seedSyntheticCampaign } from './dashboard-fixture.js';
import { fmt, machineInfo, upsertPerformanceSubsection } from './lib/report.js';
import { SCALE_OUT_SECTION, timedLeadApp } from './lib/timed-app.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const RESPONDENTS = Number(arg('respondents', '50000'));
const REQUESTS = Number(arg('requests', '5'));
const WRITE = !process.argv.includes('--no-write');
const log = (s: string) => process.stdout.write(`${s}\n`);
const PG_DB = 'wv_bench_lead_pages';

interface Plan {
  filterPushdown: boolean;
  sortPushdown: boolean;
  limitPushdown: boolean;
  node: string;
}
function planOf(explained: Record<string, unknown>): Plan {
  const qp = JSON.stringify(explained.queryPlanner ?? {});
  const node = /"Node Type":"([^"]+)"/.exec(qp)?.[1] ?? /detail=([^"\]]+)/.exec(qp)?.[1] ?? '?';
  return { filterPushdown: explained.filterPushdown === true, sortPushdown: explained.sortPushdown === true, limitPushdown: explained.limitPushdown === true, node };
}

async function measure(backend: string, uri: string) {
  await connectDb(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const { lead, lastMs } = await timedLeadApp();
    const t0 = performance.now();
    const { campaign } = await seedSyntheticCampaign(lead.user.id, RESPONDENTS * 4, 7);
    await seedSyntheticCampaign(lead.user.id, Math.round(RESPONDENTS / 10) * 4, 8);
    const total = await ResponseModel.estimatedDocumentCount();
    log(`${backend}: seeded ${fmt(total)} responses in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const id = String(campaign._id);
    const once = async (url: string) => {
      const res = await lead.get(url).set('Accept-Language', 'en');
      if (res.status !== 200) throw new Error(`${url} → ${res.status}`);
      return lastMs();
    };
    const sample = async (url: string) => {
      const xs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) xs.push(await once(url));
      return percentile(xs, 50);
    };
    // Cold: nothing of this campaign read yet (its order is read once, then kept per instance).
    const cold = await once(`/lead/campaigns/${id}/responses`);
    const first = await sample(`/lead/campaigns/${id}/responses`);
    const later = await sample(`/lead/campaigns/${id}/responses?page=100`);
    const campaignPage = await sample(`/lead/campaigns/${id}`);
    // Baseline in the same run: the queries the list page made before (find + sort + skip + limit, and countDocuments).
    const b0 = performance.now();
    await Promise.all([
      ResponseModel.find({ campaignId: campaign._id }).sort({ submittedAt: -1, _id: -1 }).skip(0).limit(25).lean(),
      ResponseModel.countDocuments({ campaignId: campaign._id }),
    ]);
    const oldQueries = performance.now() - b0;
    const filter = { campaignId: campaign._id };
    const find = planOf((await ResponseModel.collection.find(filter).sort({ submittedAt: -1, _id: -1 }).limit(25).explain()) as Record<string, unknown>);
    const count = planOf((await mongoose.connection.db!.command({ explain: { count: 'responses', query: filter } })) as Record<string, unknown>);
    const ids = planOf((await ResponseModel.collection.find(filter, { projection: { _id: 1, submittedAt: 1 } }).explain()) as Record<string, unknown>);
    log(`${backend}: list cold ${fmt(cold)} ms, again p50 ${fmt(first)} ms, page 100 p50 ${fmt(later)} ms, campaign page p50 ${fmt(campaignPage)} ms; old queries ${fmt(oldQueries)} ms; ids ${JSON.stringify(ids)}; old find ${JSON.stringify(find)}; count ${JSON.stringify(count)}`);
    return { backend, total, cold, first, later, campaignPage, oldQueries, ids, find, count };
  } finally {
    await mongoose.disconnect();
  }
}

async function main(): Promise<void> {
  const bin = await findExecutable('ferretdb-wv', [await goBinDir()]);
  if (!bin) throw new Error('no ferretdb-wv: npx workplace-voice db install');
  const machine = machineInfo(bin);
  log(machine);
  const rows = [];
  for (const backend of ['SQLite (embedded default)', 'PostgreSQL 15 (cluster)']) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wv-bench-leadpages-'));
    const port = await freePort();
    const pg = backend.startsWith('PostgreSQL');
    if (pg) {
      const psql = (sql: string) => execFileSync('psql', ['postgres://postgres@127.0.0.1:5432/postgres', '-tAc', sql], { stdio: 'ignore' });
      psql(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
      psql(`CREATE DATABASE ${PG_DB}`);
    }
    const handler = pg ? ['--handler=postgresql', `--postgresql-url=postgres://postgres@127.0.0.1:5432/${PG_DB}`] : ['--handler=sqlite', `--sqlite-url=file:${dir}/?_txlock=immediate`];
    const proc = await spawnServer(bin, [...handler, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${dir}`, '--debug-addr=-', '--telemetry=disable', '--log-level=warn'], { port, readyTimeoutMs: 30_000 });
    try {
      rows.push(await measure(backend, `mongodb://127.0.0.1:${port}/bench_lead_pages`));
    } finally {
      await proc.stop(5000);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const report = [
    machine,
    `- Command: \`npm run bench:lead-pages\` — one campaign of ${fmt(RESPONDENTS)} responses (4 answers each) + one of ${fmt(RESPONDENTS / 10)}, per backend a fresh database; the app in-process, a signed-in lead, ${REQUESTS} requests per row; server time.`,
    '',
    '| backend | responses stored | list, first view (cold) ms | list again p50 ms | page 100 p50 ms | campaign page p50 ms | baseline: the old list queries (find+sort+limit, count) ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.backend} | ${fmt(r.total)} | ${fmt(r.cold)} | ${fmt(r.first)} | ${fmt(r.later)} | ${fmt(r.campaignPage)} | ${fmt(r.oldQueries)} |`),
    '',
    'Query plans FerretDB reports (`explain`): filter / sort / limit pushed down to SQL, and the plan node.',
    '',
    '| backend | the order read now (campaign filter, `_id` + `submittedAt`) | the old list query (find+sort+limit) | the old count |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${yes(r.ids.filterPushdown)} / – / –, ${r.ids.node} | ${yes(r.find.filterPushdown)} / ${yes(r.find.sortPushdown)} / ${yes(r.find.limitPushdown)}, ${r.find.node} | ${yes(r.count.filterPushdown)}, ${r.count.node} |`,
    ),
  ].join('\n');
  log(`\n${report}`);
  if (WRITE) {
    upsertPerformanceSubsection('Lead pages at 50,000 responses: SQLite vs PostgreSQL (`npm run bench:lead-pages`)', report, undefined, SCALE_OUT_SECTION);
    log('\nwritten to docs/PERFORMANCE.md');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
