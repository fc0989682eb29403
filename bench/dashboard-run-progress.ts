/**
 * Issue 6 figure: a 10,000-answer campaign analysed end to end through the app, with progress
 * events at least once per second and `/healthz` answering within 50 ms during the run.
 *
 *   npm run bench:run-progress [-- --answers 10000 --healthz-every 100 --no-write]
 *
 * One FerretDB (SQLite, temp dir); the app listens on 127.0.0.1 (createApp, as src/server.ts
 * builds it) with its analysis runner polling in the same process, as in production. A lead
 * signs in over HTTP, starts the analysis with the runs page's POST, follows the run's progress
 * as server-sent events (what the progress bar uses) and, in parallel, GETs /healthz every
 * 100 ms. Baseline in the same run: /healthz with the app idle before the run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createRunner } from '../src/analysis-runs/runner.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';
import { createLogger } from '../src/shared/logger.js';
import { makeUser, testApp } from '../test/helpers/app.js';
import { percentile, seedSyntheticCampaign } from './dashboard-fixture.js';
import { startBenchDatabase } from './lib/bench-db.js';
import { fmt, machineInfo, upsertPerformanceSubsection, runMain } from './lib/report.js';
import { connectDb } from '../src/db/connection.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const ANSWERS = Number(arg('answers', '10000'));
const HEALTHZ_EVERY = Number(arg('healthz-every', '100'));
const WRITE = !process.argv.includes('--no-write');
const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny cookie jar over fetch: enough to sign in and send the session cookie. */
class Browser {
  private jar = new Map<string, string>();
  constructor(private base: string) {}
  cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), Cookie: this.cookie() } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function main() {
  const db = await startBenchDatabase('wv-bench-progress-');
  const runner = createRunner({ instanceId: 'bench-progress', logger: createLogger('warn') });
  let server: http.Server | undefined;
  try {
    await connectDb(db.uri('bench_progress'));
    const app = testApp({ logger: createLogger('warn') });
    server = http.createServer(app);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runner.start(500);

    const user = await makeUser('lead');
    const b = new Browser(base);
    const login = await b.fetch('/login');
    const form = new URLSearchParams({ email: user.email, password: user.password, _csrf: csrfOf(await login.text()) });
    const signed = await b.fetch('/login', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (signed.status !== 303) throw new Error(`sign-in failed: ${signed.status}`);
    const csrf = csrfOf(await (await b.fetch('/account')).text());

    log(`seeding ${ANSWERS} answers …`);
    const { campaign, respondents, answers } = await seedSyntheticCampaign(user.id, ANSWERS, 11);
    const id = String(campaign._id);

    const healthz = async (): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.text();
      if (res.status !== 200) throw new Error(`/healthz ${res.status}`);
      return performance.now() - t0;
    };
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) {
      idle.push(await healthz());
      await sleep(HEALTHZ_EVERY);
    }

    log('starting the analysis through the app …');
    const tStart = performance.now();
    const started = await b.fetch(`/lead/campaigns/${id}/analysis`, { method: 'POST', headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
    if (started.status !== 202) throw new Error(`start: ${started.status} ${await started.text()}`);
    const runId = ((await started.json()) as { run: { id: string } }).run.id;

    const events: Array<{ at: number; percent: number; stage: string; status: string }> = [];
    // /healthz every 100 ms until the run ends.
    let running = true;
    const during: number[] = [];
    const slowAt: Array<{ ms: number; stage: string }> = [];
    const prober = (async () => {
      while (running) {
        const s = performance.now();
        const ms = await healthz();
        during.push(ms);
        // Which stage was running (the last progress event before the probe started).
        if (ms > 50) slowAt.push({ ms, stage: [...events].reverse().find((e) => e.at <= s)?.stage ?? 'start' });
        await sleep(Math.max(0, HEALTHZ_EVERY - (performance.now() - s)));
      }
    })();

    // Progress as the browser's EventSource gets it (the stream ends with `event: end`;
    // a stream that ends earlier is reopened, as EventSource does).
    let status = '';
    while (status !== 'done' && status !== 'failed') {
      const res = await b.fetch(`/lead/campaigns/${id}/analysis/runs/${runId}/progress`, { headers: { Accept: 'text/event-stream' } });
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          if (!block.startsWith('event: progress')) continue;
          const data = JSON.parse(/data: (.*)/.exec(block)![1]) as { percent: number; stage: string; status: string };
          events.push({ at: performance.now(), ...data });
          status = data.status;
        }
      }
    }
    const tEnd = performance.now();
    // Keep probing for 3 s after the run is done: the dashboard data of the run is built in the
    // background then (src/dashboard/dashboard.data.ts warmRunData), in this same process.
    const doneAt = during.length;
    await sleep(3000);
    running = false;
    await prober;
    const after = during.splice(doneAt);

    const gaps = events.slice(1).map((e, i) => e.at - events[i].at);
    const firstGap = events.length ? events[0].at - tStart : NaN;
    const maxGap = Math.max(firstGap, ...gaps);
    const distinct = new Set(events.map((e) => `${e.stage}:${e.percent}`)).size;
    const stages = [...new Set(events.map((e) => e.stage))];
    const slow = during.filter((x) => x > 50).length;
    const durationS = (tEnd - tStart) / 1000;
    const lines = [
      `run ${status} in ${fmt(durationS, 1)} s (${respondents} respondents, ${answers} answers); final ${events.at(-1)?.percent} %`,
      `progress events: ${events.length} (${distinct} distinct stage/percent values), stages ${stages.join(' → ')}`,
      `gap between progress events: first ${fmt(firstGap, 0)} ms, p50 ${fmt(percentile(gaps, 50), 0)} ms, p95 ${fmt(percentile(gaps, 95), 0)} ms, max ${fmt(maxGap, 0)} ms`,
      `/healthz idle (baseline): n=${idle.length} p50 ${fmt(percentile(idle, 50), 1)} ms p95 ${fmt(percentile(idle, 95), 1)} ms max ${fmt(Math.max(...idle), 1)} ms`,
      `/healthz in the 3 s after the run (dashboard data built in the background): n=${after.length} p50 ${fmt(percentile(after, 50), 1)} ms p95 ${fmt(percentile(after, 95), 1)} ms max ${fmt(Math.max(...after), 1)} ms`,
      `/healthz during the run: n=${during.length} p50 ${fmt(percentile(during, 50), 1)} ms p95 ${fmt(percentile(during, 95), 1)} ms max ${fmt(Math.max(...during), 1)} ms; over 50 ms: ${slow}${slowAt.length ? ` (${slowAt.map((x) => `${fmt(x.ms, 0)} ms in ${x.stage}`).join(', ')})` : ''}`,
    ];
    lines.forEach(log);
    // A run that did not finish proves nothing about either target.
    const finished = status === 'done';
    const okEvents = finished && maxGap <= 1000;
    const okHealth = finished && Math.max(...during) <= 50;
    log(`targets: progress at least once per second ${okEvents ? 'met' : 'MISSED'}; /healthz within 50 ms ${okHealth ? 'met' : `MISSED (${slow} of ${during.length} over 50 ms)`}`);
    if (WRITE) {
      const bin = await goBinDir();
      const ferret = (await findExecutable('ferretdb-wv', [bin])) ?? (await findExecutable('ferretdb', [bin])) ?? undefined;
      const body = [
        machineInfo(ferret),
        `- Command: \`npm run bench:run-progress\`: the app on 127.0.0.1 with its runner in the same process (as \`npm start\`), a lead signed in over HTTP starts the analysis (POST), follows it as server-sent events and GETs /healthz every ${HEALTHZ_EVERY} ms meanwhile.`,
        '',
        ...lines.map((l) => `- ${l}`),
        '',
        `Targets: progress events at least once per second — **${okEvents ? 'met' : 'missed'}** (max gap ${fmt(maxGap, 0)} ms, including the time to the first event); /healthz within 50 ms during the run — **${okHealth ? 'met' : 'missed'}** (max ${fmt(Math.max(...during), 1)} ms; idle baseline max ${fmt(Math.max(...idle), 1)} ms).`,
      ].join('\n');
      upsertPerformanceSubsection('Analysis run progress (bench:run-progress)', body, undefined, {
        heading: '## Dashboard and analysis runs (issue 6)',
        intro: 'Benchmarks of the dashboard and the analysis runs (issue 6); scripts in `bench/dashboard-*.ts`, all on 127.0.0.1.',
      });
      log('written to docs/PERFORMANCE.md');
    }
  } finally {
    await runner.stop(5000).catch(() => undefined);
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await mongoose.disconnect().catch(() => undefined);
    await db.stop();
  }
}

runMain(main);
