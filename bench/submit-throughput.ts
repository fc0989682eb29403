/**
 * Issue 2 figure: respondent submission throughput with autocannon (50 connections, 20 s) must be
 * ≥ 70 % of a bare express + mongoose handler inserting the same document into the same database,
 * both measured in the same run.
 *
 *   npm run bench:submit [-- --duration 20 --connections 50 --warmup 3 --log-level warn --no-form --no-write]
 *
 * One FerretDB (the launcher's `ferretdb` candidate, SQLite, temp dir) serves every target; each
 * target gets its own fresh database and runs in its own child process on 127.0.0.1:0:
 *  - B `bare`: express.json() + one mongoose model, `Model.create()` per request (the baseline);
 *  - A `app-api`: the real createApp, POST /api/v1/campaigns/:id/responses (complete response,
 *    unique submissionId per request → 201);
 *  - A' `app-form`: the real createApp, POST /r/:token/submit (the web form) — every request needs
 *    its own consented draft, so drafts are created beforehand and each request uses a fresh
 *    resume cookie (→ 303 to /thanks).
 * At the end every target's database is checked: each 2xx/303 created exactly one response.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { startBenchDatabase, type BenchDatabase } from './lib/bench-db.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { fmt, machineInfo, repoRoot, upsertPerformanceSubsection } from './lib/report.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';

const TARGET_RATIO = 0.7;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const DURATION = Number(arg('duration', '20'));
const CONNECTIONS = Number(arg('connections', '50'));
const WARMUP = Number(arg('warmup', '3'));
const LOG_LEVEL = arg('log-level', 'warn');
const WITH_FORM = !process.argv.includes('--no-form');
const WRITE = !process.argv.includes('--no-write');

const ANSWERS = {
  q1: 'Vor allem per Mail und im Teams-Chat, Fax haben wir abgeschafft. Abstimmungen laufen oft noch über Telefon.',
  q2: 'Dass ich von überall arbeiten kann – auch im Zug 🚆 – und alle Infos an einem Ort finde.',
  q3: 'Zu viele Tools, und keiner weiß, wo was liegt. Dazu kommt, dass nicht alle Kollegen mitziehen.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche, personalisiert und schnell, auf jedem Gerät.',
};
const SEGMENTS = { department: 'it', location: 'hamburg', role: 'employee' };

interface Target {
  port: number;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Forks bench/lib/submit-target.ts (`app` or `bare`) and waits for its port. */
async function startTarget(kind: 'app' | 'bare', uri: string, logFile: string): Promise<Target> {
  const fd = openSync(logFile, 'a');
  const child = fork(path.join(repoRoot, 'bench', 'lib', 'submit-target.ts'), [kind], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_MONGODB_URI: uri, BENCH_LOG_LEVEL: LOG_LEVEL },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} target did not start within 30 s (log: ${logFile})`)), 30_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve((m as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} target exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
  return {
    port,
    child,
    logFile,
    stop: async () => {
      if (child.exitCode === null) {
        child.send('stop');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }
    },
  };
}

interface Ledger {
  issued: Set<string>;
  ok: Set<string>;
  bad: Map<number, number>;
}

interface PhaseResult {
  name: string;
  result: LoadResult;
  rps: number;
  okCount: number;
  /** Errors (incl. timeouts) of the warm-up and the measurement together. */
  errors: number;
}

/**
 * One measured phase (after a short warm-up on the same target). `makeRequest` builds the next
 * request and returns the id that identifies the response it creates.
 */
async function measure(
  name: string,
  port: number,
  ledger: Ledger,
  build: () => { id: string; req: LoadRequest },
  isOk: (status: number, headers: Record<string, string | string[]>) => boolean,
): Promise<PhaseResult> {
  const request: LoadRequest = {
    setupRequest: (req, context) => {
      const next = build();
      ledger.issued.add(next.id);
      context.id = next.id;
      return { ...req, ...next.req };
    },
    onResponse: (status, _body, context, headers) => {
      if (isOk(status, headers)) ledger.ok.add(String(context.id));
      else ledger.bad.set(status, (ledger.bad.get(status) ?? 0) + 1);
    },
  };
  const url = `http://127.0.0.1:${port}`;
  let warmupErrors = 0;
  if (WARMUP > 0) {
    process.stdout.write(`  ${name}: warm-up ${WARMUP} s …\n`);
    const warm = await runLoad({ url, connections: CONNECTIONS, duration: WARMUP, requests: [request] });
    warmupErrors = warm.errors;
    // Stop early instead of measuring how fast the app says no (e.g. 401 once /api/v1 needs a login).
    if (ledger.bad.size > 0) {
      throw new Error(`${name}: the warm-up got failures by status ${JSON.stringify(Object.fromEntries(ledger.bad))}; expected only successes`);
    }
  }
  const okBefore = ledger.ok.size;
  process.stdout.write(`  ${name}: measuring ${DURATION} s with ${CONNECTIONS} connections …\n`);
  const result = await runLoad({ url, connections: CONNECTIONS, duration: DURATION, requests: [request] });
  const okCount = ledger.ok.size - okBefore;
  process.stdout.write(
    `  ${name}: ${fmt(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}\n`,
  );
  return { name, result, rps: result.requests.average, okCount, errors: warmupErrors + result.errors };
}

const statuses = (r: LoadResult) =>
  Object.entries(r.statusCodeStats ?? {})
    .map(([code, v]) => `${code}: ${fmt(v.count)}`)
    .join(', ') || '—';

interface Check {
  ok: boolean;
  text: string;
}

/**
 * Every answered request created exactly one stored response: the stored submission ids contain
 * every id that got a success, nothing that was never sent, and the only extras are requests
 * still in flight when autocannon stopped (at most one per connection).
 */
async function checkLedger(name: string, ledger: Ledger, storedIds: string[], phase: PhaseResult): Promise<Check> {
  const stored = new Set(storedIds);
  const missing = [...ledger.ok].filter((id) => !stored.has(id)).length;
  const unknown = storedIds.filter((id) => !ledger.issued.has(id)).length;
  const duplicates = storedIds.length - stored.size;
  const extra = [...stored].filter((id) => !ledger.ok.has(id)).length;
  const badTotal = [...ledger.bad.values()].reduce((a, b) => a + b, 0);
  // Each phase (warm-up and measurement) can leave one request per connection in flight.
  const maxInFlight = CONNECTIONS * (WARMUP > 0 ? 2 : 1);
  // autocannon counts a timeout as an error and drops the connection; the server may still store it.
  const consistent = missing === 0 && unknown === 0 && duplicates === 0 && extra <= maxInFlight + phase.errors;
  const ok = consistent && badTotal === 0 && phase.errors === 0;
  const bad = badTotal ? `, failures by status ${JSON.stringify(Object.fromEntries(ledger.bad))}` : ', 0 failures';
  return {
    ok,
    text:
      `${name}: ${storedIds.length} stored = ${ledger.ok.size} successful responses + ${extra} requests in flight when autocannon stopped ` +
      `or timed out (≤ ${maxInFlight} + ${phase.errors}); ${missing} missing, ${duplicates} duplicates, ${unknown} never sent${bad}, ` +
      `${phase.errors} errors/timeouts (warm-up included) → ${!consistent ? 'MISMATCH' : ok ? 'OK' : 'stored data consistent, but requests failed'}`,
  };
}

async function withDb<T>(uri: string, fn: () => Promise<T>): Promise<T> {
  await mongoose.connect(uri, { retryWrites: false, serverSelectionTimeoutMS: 5000 });
  try {
    return await fn();
  } finally {
    await mongoose.disconnect();
  }
}

function newLedger(): Ledger {
  return { issued: new Set(), ok: new Set(), bad: new Map() };
}

async function main(): Promise<void> {
  const ferretBinary = await findExecutable('ferretdb', [await goBinDir()]);
  const machine = machineInfo(ferretBinary ?? undefined);
  process.stdout.write(`${machine}\n`);
  // The app's own modules (models, services) are loaded only now: they register mongoose models.
  const { openTemplateCampaign } = await import('../test/helpers/fixtures.js');
  const { ResponseModel } = await import('../src/responses/response.model.js');
  const { startDraft } = await import('../src/responses/response.service.js');

  const db: BenchDatabase = await startBenchDatabase('wv-bench-submit-');
  process.stdout.write(`database: ${db.engine}, ${db.uri('…')}\n`);
  const logDir = db.tmpDir;
  const runTag = randomBytes(4).toString('hex');
  const phases: PhaseResult[] = [];
  const checks: Check[] = [];
  let drafts = 0;
  let draftsUsed = 0;
  let draftSeconds = 0;
  let form: PhaseResult | undefined;
  try {
    // ---- B: bare express + mongoose baseline --------------------------------------------------
    const bareUri = db.uri('bench_bare');
    const bareCampaignId = new mongoose.Types.ObjectId().toString();
    const bareLedger = newLedger();
    let n = 0;
    const apiBody = (id: string) => JSON.stringify({ submissionId: id, lang: 'de', consent: true, answers: ANSWERS, segments: SEGMENTS });
    const apiRequest = (campaignId: string, prefix: string) => () => {
      const id = `${prefix}-${runTag}-${++n}`;
      return {
        id,
        req: { method: 'POST', path: `/api/v1/campaigns/${campaignId}/responses`, headers: { 'content-type': 'application/json' }, body: apiBody(id) },
      };
    };
    const created = (status: number) => status === 201;

    const bare = await startTarget('bare', bareUri, path.join(logDir, 'bare.log'));
    try {
      phases.push(await measure('B bare express + mongoose', bare.port, bareLedger, apiRequest(bareCampaignId, 'bare'), created));
    } finally {
      await bare.stop();
    }
    const bareIds = await withDb(bareUri, async () =>
      (await mongoose.connection.db!.collection('responses').find({}, { projection: { submissionId: 1 } }).toArray()).map((d) => String(d.submissionId)),
    );
    checks.push(await checkLedger('B', bareLedger, bareIds, phases[0]));

    // ---- A: the real app, JSON API ------------------------------------------------------------
    const apiUri = db.uri('bench_app_api');
    const apiCampaignId = await withDb(apiUri, async () => {
      await ResponseModel.init();
      return String((await openTemplateCampaign())._id);
    });
    const apiLedger = newLedger();
    const appApi = await startTarget('app', apiUri, path.join(logDir, 'app-api.log'));
    try {
      phases.push(await measure('A app POST /api/v1/campaigns/:id/responses', appApi.port, apiLedger, apiRequest(apiCampaignId, 'api'), created));
    } finally {
      await appApi.stop();
    }
    const apiIds = await withDb(apiUri, async () =>
      (await ResponseModel.find({ campaignId: apiCampaignId, status: 'submitted' }, { submissionId: 1 }).lean()).map((d) => String(d.submissionId)),
    );
    checks.push(await checkLedger('A (API)', apiLedger, apiIds, phases[1]));

    // ---- A': the real app, web form submit ----------------------------------------------------
    if (WITH_FORM) {
      const formUri = db.uri('bench_app_form');
      // Enough drafts for the API path's rate plus half again (the form path does more work per
      // request); running out shows up as 404 failures in the check below.
      drafts = Math.ceil((phases[1].okCount / DURATION) * (DURATION + WARMUP) * 1.5) + 2 * CONNECTIONS;
      const tokens: string[] = [];
      const t0 = performance.now();
      const formCampaign = await withDb(formUri, async () => {
        await ResponseModel.init();
        const campaign = await openTemplateCampaign();
        process.stdout.write(`  creating ${drafts} consented drafts (the service's startDraft, 8 at a time) …\n`);
        for (let i = 0; i < drafts; i += 8) {
          const batch = Array.from({ length: Math.min(8, drafts - i) }, () => randomBytes(16).toString('base64url'));
          await Promise.all(batch.map((t) => startDraft(campaign, t, 'de')));
          tokens.push(...batch);
        }
        return campaign;
      });
      draftSeconds = (performance.now() - t0) / 1000;
      const formLedger = newLedger();
      const formPath = `/r/${formCampaign.publicToken}/submit`;
      const formBody = (id: string) =>
        new URLSearchParams({
          submissionId: id,
          ...Object.fromEntries(Object.entries(ANSWERS).map(([k, v]) => [`answers[${k}]`, v])),
          ...Object.fromEntries(Object.entries(SEGMENTS).map(([k, v]) => [`segments[${k}]`, v])),
        }).toString();
      const formRequest = () => {
        const token = tokens[draftsUsed++] ?? randomBytes(16).toString('base64url'); // exhausted → 404, counted as failure
        const id = `form-${runTag}-${draftsUsed}`;
        return {
          id,
          req: {
            method: 'POST',
            path: formPath,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `wv_resume=${token}` },
            body: formBody(id),
          },
        };
      };
      const thanks = (status: number, headers: Record<string, string | string[]>) =>
        status === 303 && String(headers.location ?? headers.Location ?? '').endsWith('/thanks');
      const appForm = await startTarget('app', formUri, path.join(logDir, 'app-form.log'));
      try {
        form = await measure('A\' app POST /r/:token/submit (web form)', appForm.port, formLedger, formRequest, thanks);
        phases.push(form);
      } finally {
        await appForm.stop();
      }
      const formIds = await withDb(formUri, async () =>
        (await ResponseModel.find({ campaignId: formCampaign._id, status: 'submitted' }, { submissionId: 1 }).lean()).map((d) => String(d.submissionId)),
      );
      checks.push(await checkLedger("A' (web form)", formLedger, formIds, form));
    }
  } finally {
    await db.stop();
  }

  const [b, a] = phases;
  const ratio = a.rps / b.rps;
  const formRatio = form ? form.rps / b.rps : undefined;
  const allChecksOk = checks.every((c) => c.ok);
  const pass = ratio >= TARGET_RATIO && allChecksOk;
  const row = (p: PhaseResult) =>
    `| ${p.name} | ${fmt(p.rps)} | ${p.result.latency.p50} | ${p.result.latency.p99} | ${fmt(p.result.requests.total)} | ${statuses(p.result)} | ${p.result.errors} (${p.result.timeouts}) | ${p === b ? '—' : `${fmt((p.rps / b.rps) * 100, 1)} %`} |`;
  const table = [
    '| target | req/s (mean) | p50 ms | p99 ms | responses | status codes | errors (of which timeouts) | of baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...phases.map(row),
  ].join('\n');
  const failedChecks = checks.filter((c) => !c.ok).map((c) => c.text.split(':')[0]);
  const verdict = `**${pass ? 'PASS' : 'FAIL'}**: the app's submission throughput is ${fmt(ratio * 100, 1)} % of the bare handler (target ≥ ${TARGET_RATIO * 100} %)${allChecksOk ? '' : `; failed requests or a stored-data mismatch in: ${failedChecks.join(', ')} (see below)`}.`;
  const formNote = form
    ? `The web-form path (${fmt((formRatio ?? 0) * 100, 1)} % of the baseline; 303 to /thanks counts as success) used ${fmt(Math.min(draftsUsed, drafts))} of ${fmt(drafts)} drafts created beforehand in ${fmt(draftSeconds, 1)} s through the service's \`startDraft\`, i.e. the same code as \`POST /r/:token/start\` (one fresh \`wv_resume\` cookie per request, because a device submits once).`
    : 'The web-form path was skipped (--no-form).';

  const report = [
    machine,
    `- Command: \`npm run bench:submit\` (= \`tsx bench/submit-throughput.ts\`; options used: --duration ${DURATION} --connections ${CONNECTIONS} --warmup ${WARMUP} --log-level ${LOG_LEVEL})`,
    '',
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per target after a ${WARMUP} s warm-up, one FerretDB for the whole run, a fresh database per target, each server in its own child process (\`NODE_ENV=production\`, app logger at \`LOG_LEVEL=${LOG_LEVEL}\` as in production), load generator in the parent; everything on 127.0.0.1 of the same machine, so the load generator, the server and FerretDB share its CPUs.`,
    '',
    '- **B (baseline)**: express + `express.json()` + one mongoose model with the same fields and indexes as `Response`; `Model.create()` per request, 201 with the document.',
    '- **A (the app)**: `createApp()` — pino-http, body parsers, locals/i18n, zod validation, campaign lookup, idempotent upsert keyed by the submission id (`POST /api/v1/campaigns/:id/responses`, complete four-answer response with segments, a unique `submissionId` per request → 201).',
    "- **A' (web form)**: `createApp()`, `POST /r/:token/submit` (form-encoded, like the respondent's browser).",
    '',
    table,
    '',
    verdict,
    '',
    formNote,
    '',
    'Stored-response check (each success created exactly one response, nothing else was stored; autocannon request timeout 10 s):',
    '',
    ...checks.map((c) => `- ${c.text}`),
  ].join('\n');
  process.stdout.write(`\n${report}\n`);
  if (WRITE) {
    upsertPerformanceSubsection('Respondent submission throughput', report);
    process.stdout.write('\nwritten to docs/PERFORMANCE.md\n');
  }
  process.exitCode = pass ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
