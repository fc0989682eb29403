/**
 * Issue 2 figure: respondent submission throughput with autocannon (50 connections, 20 s) must be
 * ≥ 70 % of a bare express + mongoose handler inserting the same document into the same database,
 * both measured in the same run. Issue 4 figure: the same with all protections on, still ≥ 70 %.
 *
 *   npm run bench:submit [-- --duration 20 --connections 50 --warmup 3 --log-level warn
 *                            --nat-duration 10 --max-devices 4000 --cpu-prof --no-web --no-write]
 *
 * One FerretDB (the launcher's `ferretdb` candidate, SQLite, temp dir) serves every target; each
 * target gets its own fresh database and runs in its own child process (bench/lib/submit-target.ts)
 * on 127.0.0.1:0, the load generator (autocannon) in this process:
 *  - B1, B2 `bare`: express.json() + the app's Response model, `create()` per request (the
 *    baseline), measured right before and right after A; the ratios use their mean (the machine is
 *    shared and its load drifts);
 *  - A `app`, API: POST /api/v1/campaigns/:id/responses with `Authorization: Bearer <token>` of the
 *    lead who owns the campaign, a unique submissionId per request → 201;
 *  - A' `app`, web: POST /r/:token/submit as a browser sends it. N devices are prepared over HTTP
 *    beforehand (GET /r/:token → `wv_resume` + `wv_csrf` cookies and the page's `_csrf` token;
 *    POST /r/:token/start with consent), and the requests cycle through them, each with its own
 *    cookies, token and submission id → 303 to /thanks. A device that comes round again (pool
 *    exhausted) is an idempotent repeat, counted apart from the first submits ("created").
 *  - A'' (optional, --nat-duration): the web path again, but every request from ONE client address
 *    (an office behind NAT), to show the respondent slow-down at its default setting.
 * Every connection of B, A and A' (and every prepared device) connects from its own loopback
 * address (127.x.y.z) and reconnects from a new one after 500 requests, so the per-address
 * respondent slow-down (default 600 requests per address and minute) is on but sees what it would
 * see with distinct respondents. At the end the databases are counted: every success stored
 * exactly once, nothing lost, nothing duplicated, nothing stored that was not sent.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startBenchDatabase, type BenchDatabase } from './lib/bench-db.js';
import { freshSourceAddress, runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
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
const NAT_DURATION = Number(arg('nat-duration', '10'));
// Enough devices that every measured submit is a device's first (a respondent submits once); repeats
// (the pool coming round again) are still handled and counted apart if the pool runs out.
const MAX_DEVICES = Number(arg('max-devices', '15000'));
const WITH_WEB = !process.argv.includes('--no-web');
const WRITE = !process.argv.includes('--no-write');
const CPU_PROF = process.argv.includes('--cpu-prof');
/**
 * Requests per connection before it reconnects from a new source address (< the slow-down's 600
 * per address and minute). autocannon drops the answer of the request that triggers a reconnect
 * (it never reaches onResponse), so such requests count as "sent, not answered" below.
 */
const PER_ADDRESS = 500;
const PREP_CONCURRENCY = 16;
/** autocannon's request timeout: longer than any server-side wait, so every request ends with a status. */
const TIMEOUT_S = 30;

const ANSWERS = {
  q1: 'Vor allem per Mail und im Teams-Chat, Fax haben wir abgeschafft. Abstimmungen laufen oft noch über Telefon.',
  q2: 'Dass ich von überall arbeiten kann – auch im Zug 🚆 – und alle Infos an einem Ort finde.',
  q3: 'Zu viele Tools, und keiner weiß, wo was liegt. Dazu kommt, dass nicht alle Kollegen mitziehen.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche, personalisiert und schnell, auf jedem Gerät.',
};
const SEGMENTS = { department: 'it', location: 'hamburg', role: 'employee' };

// ---- load average while the benchmark runs --------------------------------------------------
const loadSamples: number[] = [];
const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 2000);
loadTimer.unref();
const loadSummary = () => {
  if (!loadSamples.length) return 'not sampled';
  const mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
  return `1-min load average sampled every 2 s: min ${fmt(Math.min(...loadSamples), 1)}, mean ${fmt(mean, 1)}, max ${fmt(Math.max(...loadSamples), 1)} (${loadSamples.length} samples)`;
};

// ---- CPU time per process (from /proc), to see where a request's time goes ----------------------
const CLK_TCK = 100;
function cpuMsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
  } catch {
    return Number.NaN;
  }
}
let ferretPid: number | undefined;
function findFerretPid(dir: string): number | undefined {
  const r = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((x) => Number(x.trim()))
    .find((n) => n > 0 && n !== process.pid && /ferretdb/.test(readFileSync(`/proc/${n}/cmdline`, 'utf8')));
}
interface CpuSnapshot {
  db: number;
  server: number;
  load: number;
}
function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  const u = process.cpuUsage();
  return { db: cpuMsOf(ferretPid), server: cpuMsOf(serverPid), load: (u.user + u.system) / 1000 };
}

// ---- target processes -------------------------------------------------------------------------
interface Ready {
  port: number;
  apiToken?: string;
  campaignId?: string;
  publicToken?: string;
  config?: Record<string, unknown>;
}

interface Target extends Ready {
  child: ChildProcess;
  logFile: string;
  /** Database operations (collection.method → count) since the previous call. */
  ops(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const profDir = path.join(os.tmpdir(), `wv-bench-cpuprof-${new Date().toISOString().replace(/[:.]/g, '-')}`);

/** Forks bench/lib/submit-target.ts (`app` or `bare`) and waits for its port. */
async function startTarget(kind: 'app' | 'bare', uri: string, logFile: string, profile = false): Promise<Target> {
  const fd = openSync(logFile, 'a');
  const execArgv = ['--import', 'tsx'];
  // The target profiles the measured window itself (lib/submit-target.ts, nextProfileWindow).
  if (profile) mkdirSync(profDir, { recursive: true });
  const child = fork(path.join(repoRoot, 'bench', 'lib', 'submit-target.ts'), [kind], {
    cwd: repoRoot,
    execArgv,
    env: { ...process.env, NODE_ENV: 'production', BENCH_MONGODB_URI: uri, BENCH_LOG_LEVEL: LOG_LEVEL, ...(profile ? { BENCH_CPU_PROFILE_DIR: profDir } : {}) },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} target did not start within 60 s (log: ${logFile})`)), 60_000);
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && 'port' in m) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m as Ready);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} target exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
  return {
    ...ready,
    child,
    logFile,
    ops: () =>
      new Promise((resolve) => {
        const onMessage = (m: unknown) => {
          if (m && typeof m === 'object' && 'ops' in m) {
            child.off('message', onMessage);
            resolve((m as { ops: Record<string, number> }).ops);
          }
        };
        child.on('message', onMessage);
        child.send('ops');
      }),
    stop: async () => {
      if (child.exitCode === null) {
        child.send('stop');
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
    },
  };
}

// ---- measuring --------------------------------------------------------------------------------
interface PhaseResult {
  name: string;
  result: LoadResult;
  rps: number;
  /** First-time successes during the measured phase (responses created). */
  created: number;
  /** Successes that were repeats (web: a device that had already submitted). */
  repeats: number;
  /** Failures by status during warm-up and measurement. */
  bad: Map<number, number>;
  /** autocannon errors (incl. timeouts) of the warm-up and the measurement together. */
  errors: number;
  /** Requests built and sent without an answer reaching us (in flight at the end, timed out, or dropped by a reconnect), warm-up included. */
  unanswered: number;
  /** Database operations per stored submission during the measurement (mongoose debug hook). */
  opsPerRequest?: string;
  /** CPU milliseconds per answered request: FerretDB, the server process, the load generator. */
  cpuPerRequest?: string;
  note?: string;
}

/** What one request phase needs: the next request, and how its answer counts. */
interface Workload {
  next(context: Record<string, unknown>): LoadRequest;
  /** 'created' | 'repeat' | 'bad' for a response. */
  classify(status: number, headers: Record<string, string | string[]>, context: Record<string, unknown>): 'created' | 'repeat' | 'bad';
}

interface Counters {
  created: number;
  repeats: number;
  bad: Map<number, number>;
  sent: number;
  answered: number;
}

function loadRequest(w: Workload, counters: Counters): LoadRequest {
  return {
    setupRequest: (req, context) => {
      counters.sent++;
      return { ...req, ...w.next(context) };
    },
    onResponse: (status, _body, context, headers) => {
      counters.answered++;
      const kind = w.classify(status, headers, context);
      if (kind === 'created') counters.created++;
      else if (kind === 'repeat') counters.repeats++;
      else counters.bad.set(status, (counters.bad.get(status) ?? 0) + 1);
    },
  };
}

/**
 * Operations per submission: every submit inserts exactly one document into `responses`, so the
 * counts are divided by the inserts (requests still in flight at either end of the phase cancel out).
 */
const opsText = (ops: Record<string, number>) => {
  const inserts = ops['responses.insertOne'] ?? 0;
  const total = Object.values(ops).reduce((a, b) => a + b, 0);
  const parts = Object.entries(ops)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(v / Math.max(inserts, 1), 2)}`);
  return `${fmt(total / Math.max(inserts, 1), 2)} (${parts.join(', ') || '—'})`;
};

/**
 * A warm-up (same workload, not counted in the figures) and then the measured run.
 * `between` runs after the warm-up (e.g. to top up the web path's devices).
 */
async function measure(
  name: string,
  target: Target,
  w: Workload,
  opts: { distinctSources: boolean; duration?: number; warmup?: number; between?: (warm: { answered: number; seconds: number }) => Promise<string | undefined> },
): Promise<PhaseResult> {
  const url = `http://127.0.0.1:${target.port}`;
  const loadOpts = { url, connections: CONNECTIONS, timeout: TIMEOUT_S, distinctSources: opts.distinctSources, reconnectRate: opts.distinctSources ? PER_ADDRESS : undefined };
  const warmup = opts.warmup ?? WARMUP;
  const duration = opts.duration ?? DURATION;
  const counters: Counters = { created: 0, repeats: 0, bad: new Map<number, number>(), sent: 0, answered: 0 };
  let warmErrors = 0;
  let note: string | undefined;
  if (warmup > 0) {
    process.stdout.write(`  ${name}: warm-up ${warmup} s …\n`);
    const warm = await runLoad({ ...loadOpts, duration: warmup, requests: [loadRequest(w, counters)] });
    warmErrors = warm.errors;
    // Stop early instead of measuring how fast the app says no (401, 403, 404 …).
    if (counters.bad.size > 0) {
      throw new Error(`${name}: the warm-up got failures by status ${JSON.stringify(Object.fromEntries(counters.bad))}; expected only successes (log: ${target.logFile})`);
    }
    // All answered submits count (first or repeat): a small initial pool runs out during the warm-up.
    note = await opts.between?.({ answered: counters.created + counters.repeats, seconds: warmup });
  }
  const warmCreated = counters.created;
  const warmRepeats = counters.repeats;
  await target.ops(); // reset the operation counter
  process.stdout.write(`  ${name}: measuring ${duration} s with ${CONNECTIONS} connections …\n`);
  const loadBefore = os.loadavg()[0];
  const cpu0 = cpuSnapshot(target.child.pid);
  const result = await runLoad({ ...loadOpts, duration, requests: [loadRequest(w, counters)] });
  const cpu1 = cpuSnapshot(target.child.pid);
  const ops = await target.ops();
  const per = (k: keyof CpuSnapshot) => fmt((cpu1[k] - cpu0[k]) / Math.max(result.requests.total, 1), 2);
  const cpuPerRequest = `FerretDB ${per('db')}, server ${per('server')}, load generator ${per('load')}`;
  const created = counters.created - warmCreated;
  const repeats = counters.repeats - warmRepeats;
  const phase: PhaseResult = {
    name,
    result,
    rps: result.requests.average,
    created,
    repeats,
    bad: counters.bad,
    errors: warmErrors + result.errors,
    unanswered: counters.sent - counters.answered,
    opsPerRequest: opsText(ops),
    cpuPerRequest,
    note,
  };
  process.stdout.write(
    `  ${name}: ${fmt(phase.rps)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${fmt(created)} created, ${fmt(repeats)} repeats, ` +
      `failures ${JSON.stringify(Object.fromEntries(counters.bad))}, errors ${result.errors}, timeouts ${result.timeouts}; ` +
      `DB ops per submission ${phase.opsPerRequest}; CPU ms per request ${cpuPerRequest}; 1-min load ${fmt(loadBefore, 1)} → ${fmt(os.loadavg()[0], 1)}\n`,
  );
  return phase;
}

const statuses = (r: LoadResult) =>
  Object.entries(r.statusCodeStats ?? {})
    .map(([code, v]) => `${code}: ${fmt(v.count)}`)
    .join(', ') || '—';

interface Check {
  ok: boolean;
  text: string;
}

/** Waits until the number of documents in `collections` stops changing (requests still in the server). */
async function quiesce(conn: mongoose.Connection, collections: string[]): Promise<void> {
  // Unchanged for 3 s in a row (a slow delete can take more than a second under load).
  let last = '';
  let stable = 0;
  for (let i = 0; i < 90 && stable < 3; i++) {
    const counts = await Promise.all(collections.map((c) => conn.db!.collection(c).countDocuments({})));
    const now = counts.join(',');
    stable = now === last ? stable + 1 : 0;
    last = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Lets the server finish what autocannon left in flight before it is stopped. */
async function quiesceUri(uri: string, collections: string[]): Promise<void> {
  const conn = await openConn(uri);
  try {
    await quiesce(conn, collections);
  } finally {
    await conn.close();
  }
}

async function openConn(uri: string): Promise<mongoose.Connection> {
  return mongoose.createConnection(uri, { retryWrites: false, serverSelectionTimeoutMS: 5000 }).asPromise();
}

// ---- API-shaped targets (B and A) ---------------------------------------------------------------
function apiWorkload(campaignId: string, prefix: string, ledger: { issued: Set<string>; ok: Set<string> }, authorization?: string): Workload {
  let n = 0;
  const runTag = randomBytes(4).toString('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  return {
    next: (context) => {
      const id = `${prefix}-${runTag}-${++n}`;
      ledger.issued.add(id);
      context.id = id;
      return {
        method: 'POST',
        path: `/api/v1/campaigns/${campaignId}/responses`,
        headers,
        body: JSON.stringify({ submissionId: id, lang: 'de', consent: true, answers: ANSWERS, segments: SEGMENTS }),
      };
    },
    classify: (status, _h, context) => {
      if (status !== 201) return 'bad';
      ledger.ok.add(String(context.id));
      return 'created';
    },
  };
}

/**
 * Every 201 stored exactly once: the stored submission ids contain every id that got a 201, none
 * that was never sent, none twice, each under `_id = s_<campaign>_<submissionId>`; the only
 * extras are requests still in flight when autocannon stopped a phase (≤ 1 per connection).
 */
async function checkApi(name: string, uri: string, campaignId: string, ledger: { issued: Set<string>; ok: Set<string> }, phase: PhaseResult): Promise<Check> {
  const conn = await openConn(uri);
  let docs: { _id: string; submissionId?: string; campaignId: unknown }[];
  try {
    await quiesce(conn, ['responses']);
    docs = await conn.db!.collection<{ _id: string; submissionId?: string; campaignId: unknown }>('responses').find({}, { projection: { submissionId: 1, campaignId: 1 } }).toArray();
  } finally {
    await conn.close();
  }
  const ids = docs.map((d) => String(d.submissionId));
  const stored = new Set(ids);
  const missing = [...ledger.ok].filter((id) => !stored.has(id)).length;
  const unknown = ids.filter((id) => !ledger.issued.has(id)).length;
  const duplicates = ids.length - stored.size;
  const wrongKey = docs.filter((d) => d._id !== `s_${campaignId}_${d.submissionId}` || String(d.campaignId) !== campaignId).length;
  const extra = [...stored].filter((id) => !ledger.ok.has(id)).length;
  return finishCheck(name, { stored: docs.length, successes: ledger.ok.size, extra, missing, duplicates, unknown, wrongKey }, phase);
}

function finishCheck(
  name: string,
  c: { stored: number; successes: number; extra: number; missing: number; duplicates: number; unknown: number; wrongKey: number; more?: string },
  ...phases: PhaseResult[]
): Check {
  const bad = new Map<number, number>();
  for (const p of phases) for (const [k, v] of p.bad) bad.set(k, (bad.get(k) ?? 0) + v);
  const badTotal = [...bad.values()].reduce((a, b) => a + b, 0);
  const errors = phases.reduce((a, p) => a + p.errors, 0);
  const unanswered = phases.reduce((a, p) => a + p.unanswered, 0);
  const consistent = c.missing === 0 && c.unknown === 0 && c.duplicates === 0 && c.wrongKey === 0 && c.extra <= unanswered;
  const ok = consistent && badTotal === 0 && errors === 0;
  return {
    ok,
    text:
      `${name}: ${fmt(c.stored)} stored = ${fmt(c.successes)} answered successes + ${c.extra} sent whose answer never reached the load generator ` +
      `(≤ ${unanswered} sent without an answer: in flight when a phase ended, timed out, or cut by a reconnect); ${c.missing} lost, ${c.duplicates} duplicated, ${c.unknown} never sent, ${c.wrongKey} under a wrong key` +
      `${c.more ? `, ${c.more}` : ''}; ${badTotal ? `non-2xx/3xx ${JSON.stringify(Object.fromEntries(bad))}` : '0 non-2xx/3xx'}, ${errors} errors/timeouts (warm-up included) → ` +
      `${!consistent ? 'MISMATCH' : ok ? 'OK' : 'stored data consistent, but requests failed'}`,
  };
}

// ---- the web path (A' and A'') ------------------------------------------------------------------
interface Device {
  index: number;
  key: string;
  submissionId: string;
  headers: Record<string, string>;
  body: string;
  submitted: boolean;
}

function httpRequest(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string; localAddress: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: opts.headers, localAddress: opts.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const cookieValue = (setCookie: string[] | undefined, name: string) =>
  setCookie?.map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find((v) => v !== undefined);

/** One respondent's device, as a browser: open the link, give consent. Own client address. */
async function prepareDevice(port: number, publicToken: string, index: number, runTag: string): Promise<Device> {
  const localAddress = freshSourceAddress();
  const base = `/r/${publicToken}`;
  const page = await httpRequest(port, { method: 'GET', path: base, headers: { 'accept-language': 'de' }, localAddress });
  const resume = cookieValue(page.headers['set-cookie'], 'wv_resume');
  const csrfCookie = cookieValue(page.headers['set-cookie'], 'wv_csrf');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !resume || !csrfCookie || !csrf) {
    throw new Error(`device ${index}: GET ${base} → ${page.status}, cookies ${JSON.stringify(page.headers['set-cookie'])}, token ${csrf ? 'found' : 'missing'}`);
  }
  // The token is HTML-escaped in the page (it is base64url-ish, but be exact).
  const token = csrf.replace(/&#34;|&quot;/g, '"').replace(/&amp;/g, '&');
  const cookie = `wv_resume=${resume}; wv_csrf=${csrfCookie}`;
  const start = await httpRequest(port, {
    method: 'POST',
    path: `${base}/start`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, lang: 'de', consent: 'yes' }).toString(),
    localAddress,
  });
  if (start.status !== 303 || !String(start.headers.location ?? '').startsWith(`${base}/answer`)) {
    throw new Error(`device ${index}: POST ${base}/start → ${start.status} ${start.headers.location ?? ''} ${start.body.slice(0, 300)}`);
  }
  const consent = cookieValue(start.headers['set-cookie'], 'wv_consent');
  if (!consent) throw new Error(`device ${index}: POST ${base}/start set no consent cookie`);
  const submissionId = `web-${runTag}-${index}`;
  return {
    index,
    key: `d_${createHash('sha256').update(decodeURIComponent(resume)).digest('base64url')}`,
    submissionId,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookie}; wv_consent=${consent}` },
    body: new URLSearchParams({
      _csrf: token,
      submissionId,
      ...Object.fromEntries(Object.entries(ANSWERS).map(([k, v]) => [`answers[${k}]`, v])),
      ...Object.fromEntries(Object.entries(SEGMENTS).map(([k, v]) => [`segments[${k}]`, v])),
      // As the answer page sends it: every question of the template allows video, and the page
      // has a `recorded[q]` field per video question (empty: no recording saved).
      ...Object.fromEntries(Object.keys(ANSWERS).map((k) => [`recorded[${k}]`, ''])),
    }).toString(),
    submitted: false,
  };
}

class DevicePool {
  readonly devices: Device[] = [];
  cursor = 0;
  prepSeconds = 0;
  private readonly runTag = randomBytes(4).toString('hex');

  constructor(
    private readonly port: number,
    private readonly publicToken: string,
  ) {}

  /** Prepares devices until there are `total`, PREP_CONCURRENCY at a time. */
  async fill(total: number): Promise<void> {
    const t0 = performance.now();
    let next = this.devices.length;
    const prepared: Device[] = [];
    const worker = async () => {
      while (next < total) {
        const i = next++;
        prepared.push(await prepareDevice(this.port, this.publicToken, i, this.runTag));
      }
    };
    await Promise.all(Array.from({ length: PREP_CONCURRENCY }, worker));
    this.devices.push(...prepared.sort((a, b) => a.index - b.index));
    this.prepSeconds += (performance.now() - t0) / 1000;
  }

  /** The next device's submit; after the last device it starts again from the first (repeats). */
  workload(publicToken: string): Workload {
    const thanks = `/r/${publicToken}/thanks`;
    return {
      next: (context) => {
        const device = this.devices[this.cursor++ % this.devices.length];
        context.device = device.index;
        return { method: 'POST', path: `/r/${publicToken}/submit`, headers: device.headers, body: device.body };
      },
      classify: (status, headers, context) => {
        if (status !== 303 || String(headers.location ?? headers.Location ?? '') !== thanks) return 'bad';
        const device = this.devices[Number(context.device)];
        if (device.submitted) return 'repeat';
        device.submitted = true;
        return 'created';
      },
    };
  }
}

/**
 * Counted in the database after the web phases: each device has at most one response, under its
 * own key `d_<sha256(resume cookie)>` with its own submission id — never two, and no draft left
 * next to it once the background draft cleanup has run; every device answered 303 has its
 * response. A device that only consented has nothing stored (consent is a signed cookie; a draft
 * appears with the first autosave, which these devices do not send).
 */
async function checkWeb(name: string, uri: string, campaignId: string, pool: DevicePool, phases: PhaseResult[]): Promise<Check> {
  const conn = await openConn(uri);
  let responses: { _id: string; submissionId?: string; campaignId: unknown }[];
  let drafts: { _id: string }[];
  try {
    await quiesce(conn, ['responses', 'drafts']);
    responses = await conn.db!.collection<{ _id: string; submissionId?: string; campaignId: unknown }>('responses').find({}, { projection: { submissionId: 1, campaignId: 1 } }).toArray();
    drafts = await conn.db!.collection<{ _id: string }>('drafts').find({}, { projection: { _id: 1 } }).toArray();
  } finally {
    await conn.close();
  }
  const byKey = new Map(pool.devices.map((d) => [d.key, d]));
  const responseKeys = new Set(responses.map((r) => r._id));
  const draftKeys = new Set(drafts.map((d) => d._id));
  const answered = pool.devices.filter((d) => d.submitted);
  const missing = answered.filter((d) => !responseKeys.has(d.key)).length;
  const unknown = responses.filter((r) => !byKey.has(r._id)).length;
  const submissionIds = responses.map((r) => String(r.submissionId));
  const duplicates = submissionIds.length - new Set(submissionIds).size;
  const wrongKey = responses.filter((r) => byKey.get(r._id) && (byKey.get(r._id)!.submissionId !== r.submissionId || String(r.campaignId) !== campaignId)).length;
  const both = pool.devices.filter((d) => responseKeys.has(d.key) && draftKeys.has(d.key)).length;
  // Stored but not answered with a 303: in flight when a phase ended.
  const extra = responses.filter((r) => byKey.has(r._id) && !byKey.get(r._id)!.submitted && !draftKeys.has(r._id)).length;
  const consentOnly = pool.devices.filter((d) => !responseKeys.has(d.key) && !draftKeys.has(d.key)).length;
  const check = finishCheck(
    name,
    {
      stored: responses.length,
      successes: answered.length,
      extra,
      missing,
      duplicates,
      unknown,
      wrongKey,
      more: `${fmt(drafts.length)} drafts of ${fmt(pool.devices.length)} devices, ${both} devices with a draft and a response, ${fmt(consentOnly)} consented devices with nothing stored (never submitted)`,
    },
    ...phases,
  );
  if (both) {
    // Not a lost or doubled response: the background draft cleanup did not delete these drafts.
    return { ok: false, text: check.text.replace(/→ (.*)$/, `→ $1; ${both} drafts left next to their stored response (the background draft cleanup did not run — see the server log)`) };
  }
  return check;
}

/** Copies the servers' logs out of the temp dir (removed with the database); counts warnings and errors. */
function keepLogs(dir: string): string {
  const out = path.join(os.tmpdir(), `wv-bench-submit-logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });
  const parts: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    copyFileSync(path.join(dir, name), path.join(out, name));
    const lines = readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean);
    const levels = lines.map((l) => {
      try {
        return Number((JSON.parse(l) as { level?: number }).level ?? 0);
      } catch {
        return 0;
      }
    });
    parts.push(`${name}: ${levels.filter((l) => l >= 50).length} errors, ${levels.filter((l) => l === 40).length} warnings`);
  }
  return `${parts.join('; ')} (kept in ${out})`;
}

// ---- main ---------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const ferretBinary = await findExecutable('ferretdb', [await goBinDir()]);
  const machine = machineInfo(ferretBinary ?? undefined);
  process.stdout.write(`${machine}\n`);
  const startedAt = new Date();

  const db: BenchDatabase = await startBenchDatabase('wv-bench-submit-');
  ferretPid = findFerretPid(db.tmpDir);
  process.stdout.write(`database: ${db.engine}, ${db.uri('…')} (pid ${ferretPid ?? '?'})\n`);
  const logDir = db.tmpDir;
  const phases: PhaseResult[] = [];
  const checks: Check[] = [];
  const bases: PhaseResult[] = [];
  let a: PhaseResult | undefined;
  let web: PhaseResult | undefined;
  let nat: PhaseResult | undefined;
  let pool: DevicePool | undefined;
  let appConfig: Record<string, unknown> | undefined;
  let draftsAtStart = 0;
  let keptLogs = '';
  try {
    // ---- B: bare express + mongoose baseline, measured before AND after A ---------------------
    // The machine is shared: its load drifts within a minute. A is compared with the mean of the
    // two baseline runs that bracket it (B1 right before, B2 right after).
    const runBare = async (label: string, dbName: string): Promise<PhaseResult> => {
      const bareUri = db.uri(dbName);
      const bareCampaignId = new mongoose.Types.ObjectId().toString();
      const bareLedger = { issued: new Set<string>(), ok: new Set<string>() };
      const bare = await startTarget('bare', bareUri, path.join(logDir, `${dbName}.log`));
      let phase: PhaseResult;
      try {
        phase = await measure(`${label} bare express + mongoose`, bare, apiWorkload(bareCampaignId, 'bare', bareLedger), { distinctSources: true });
        phases.push(phase);
        await quiesceUri(bareUri, ['responses']);
      } finally {
        await bare.stop();
      }
      checks.push(await checkApi(label, bareUri, bareCampaignId, bareLedger, phase));
      return phase;
    };
    bases.push(await runBare('B1', 'bench_bare_1'));

    // ---- A: the real app, JSON API with a Bearer token ----------------------------------------
    const apiUri = db.uri('bench_app_api');
    const apiLedger = { issued: new Set<string>(), ok: new Set<string>() };
    const appApi = await startTarget('app', apiUri, path.join(logDir, 'app-api.log'), CPU_PROF);
    appConfig = appApi.config;
    try {
      a = await measure(
        'A app POST /api/v1/campaigns/:id/responses',
        appApi,
        apiWorkload(appApi.campaignId!, 'api', apiLedger, `Bearer ${appApi.apiToken}`),
        { distinctSources: true },
      );
      phases.push(a);
      await quiesceUri(apiUri, ['responses']);
    } finally {
      await appApi.stop();
    }
    checks.push(await checkApi('A (API)', apiUri, appApi.campaignId!, apiLedger, a));
    bases.push(await runBare('B2', 'bench_bare_2'));

    // ---- A' (and A''): the real app, the respondent's web form ---------------------------------
    if (WITH_WEB) {
      const webUri = db.uri('bench_app_web');
      const appWeb = await startTarget('app', webUri, path.join(logDir, 'app-web.log'), CPU_PROF);
      const webPhases: PhaseResult[] = [];
      try {
        const publicToken = appWeb.publicToken!;
        pool = new DevicePool(appWeb.port, publicToken);
        const initial = Math.min(MAX_DEVICES, 4 * CONNECTIONS + 100);
        process.stdout.write(`  preparing ${initial} devices over HTTP (GET /r/:token, POST /r/:token/start; ${PREP_CONCURRENCY} at a time) …\n`);
        await pool.fill(initial);
        const p = pool;
        web = await measure("A' app POST /r/:token/submit (web form)", appWeb, pool.workload(publicToken), {
          distinctSources: true,
          // Enough devices for the measured run at twice the warm-up's rate (the warm-up is the
          // cold, slowest part: a smaller pool ran out and turned half the run into repeats), and for A''.
          between: async (warm) => {
            const rate = warm.answered / warm.seconds;
            const natNeed = NAT_DURATION > 0 ? Math.ceil(Math.min(rate * NAT_DURATION, 600 + 30 * NAT_DURATION)) + CONNECTIONS : 0;
            const want = Math.min(MAX_DEVICES, p.cursor + Math.ceil(rate * DURATION * 2) + 2 * CONNECTIONS + natNeed);
            if (want > p.devices.length) {
              process.stdout.write(`  warm-up rate ${fmt(rate)}/s: preparing ${want - p.devices.length} more devices …\n`);
              await p.fill(want);
            }
            const conn = await openConn(webUri);
            try {
              draftsAtStart = await conn.db!.collection('drafts').countDocuments({});
            } finally {
              await conn.close();
            }
            return undefined;
          },
        });
        phases.push(web);
        webPhases.push(web);
        if (NAT_DURATION > 0) {
          nat = await measure("A'' web form, all requests from ONE client address", appWeb, pool.workload(publicToken), {
            distinctSources: false,
            duration: NAT_DURATION,
            warmup: 0,
          });
          phases.push(nat);
          webPhases.push(nat);
        }
        await quiesceUri(webUri, ['responses', 'drafts']);
      } finally {
        await appWeb.stop();
      }
      checks.push(await checkWeb("A' + A'' (web)", webUri, appWeb.campaignId!, pool, webPhases));
    }
  } finally {
    keptLogs = keepLogs(logDir);
    await db.stop();
  }
  clearInterval(loadTimer);

  const baseRps = bases.reduce((sum, p) => sum + p.rps, 0) / bases.length;
  const ratio = a!.rps / baseRps;
  const webRatio = web ? web.rps / baseRps : undefined;
  const allChecksOk = checks.every((c) => c.ok);
  const apiPass = ratio >= TARGET_RATIO;
  const webPass = webRatio === undefined || webRatio >= TARGET_RATIO;
  const pass = apiPass && webPass && allChecksOk;
  const row = (p: PhaseResult) =>
    `| ${p.name} | ${fmt(p.rps)} | ${p.result.latency.p50} | ${p.result.latency.p99} | ${fmt(p.result.requests.total)} | ${fmt(p.created)} / ${fmt(p.repeats)} | ${statuses(p.result)} | ${p.result.errors} (${p.result.timeouts}) | ${bases.includes(p) ? '—' : `${fmt((p.rps / baseRps) * 100, 1)} %`} | ${p.opsPerRequest ?? '—'} | ${p.cpuPerRequest ?? '—'} |`;
  const table = [
    '| target | req/s (mean) | p50 ms | p99 ms | responses | created / repeats | status codes | errors (timeouts) | of baseline | DB operations per submission (mongoose) | CPU ms per request |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|',
    ...phases.map(row),
  ].join('\n');
  const pct = (x: number) => `${fmt(x * 100, 1)} %`;
  const failedChecks = checks.filter((c) => !c.ok).map((c) => c.text.split(':')[0]);
  const verdict =
    `**${apiPass ? 'PASS' : 'FAIL'}** (API path): ${pct(ratio)} of the bare handler; ` +
    `**${webRatio === undefined ? 'n/a' : webPass ? 'PASS' : 'FAIL'}** (web path): ${webRatio === undefined ? 'skipped' : pct(webRatio)} of the bare handler (target ≥ ${TARGET_RATIO * 100} % for both)` +
    `${allChecksOk ? '; stored-data check OK' : `; failed requests or a stored-data mismatch in: ${failedChecks.join(', ')} (see below)`}.`;
  const cfg = appConfig ?? {};
  const webNote =
    web && pool
      ? `Web path: ${fmt(pool.devices.length)} devices prepared over HTTP in ${fmt(pool.prepSeconds, 1)} s (${PREP_CONCURRENCY} at a time, each from its own address; sized from the warm-up's rate, at most --max-devices ${MAX_DEVICES}); ${fmt(draftsAtStart)} drafts were waiting in the \`drafts\` collection when the measurement started. Repeats are submits of a device that had already submitted (the pool came round again): 303 as well, nothing stored.` +
        (nat ? ` A'' sends everything from 127.0.0.1 over kept-alive connections, like an office behind one NAT address: after ${String(cfg.respondentRatePerMinute ?? '?')} requests per minute the default slow-down delays each further request (+20 ms per request, ≤ 2 s); it is not part of the ratio.` : '')
      : 'The web path was skipped (--no-web).';

  const report = [
    machine,
    `- Run: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} → ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; ${loadSummary()}; FerretDB, the servers and the load generator share the machine's CPUs (other sessions were working on the machine as well)`,
    `- Command: \`npm run bench:submit\` (= \`tsx bench/submit-throughput.ts\`; options used: --duration ${DURATION} --connections ${CONNECTIONS} --warmup ${WARMUP} --log-level ${LOG_LEVEL} --nat-duration ${NAT_DURATION} --max-devices ${MAX_DEVICES}${CPU_PROF ? ' --cpu-prof' : ''})`,
    '',
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per target after a ${WARMUP} s warm-up, one FerretDB for the whole run, a fresh database per target, each server in its own child process (\`NODE_ENV=production\`), load generator in the parent; everything on 127.0.0.1. Each connection comes from its own loopback address (127.x.y.z) and reconnects from a new one every ${PER_ADDRESS} requests, as distinct respondents would.`,
    '',
    '- **B1, B2 (baseline, measured right before and right after A)**: express + `express.json()` + the app\'s `Response` mongoose model (collection `responses`, string `_id` = `s_<campaign>_<submissionId>`, indexes `{campaignId: 1}` and `{campaignId: 1, submittedAt: -1}`); `create()` per request, 201 with the document. No validation, no auth, no logging.',
    `- **A (the app, API)**: \`createApp()\` built as \`src/server.ts\` builds it, from \`loadConfig()\` defaults — **all protections on**: helmet (CSP etc.), pino-http at \`LOG_LEVEL=${String(cfg.logLevel ?? LOG_LEVEL)}\` as in production, sessions (connect-mongo; not touched by these paths), the auth guard (\`Authorization: Bearer <token>\` of a lead who owns the campaign, token→user cached 10 s), the campaign access guard (cached 2 s), CSRF (Bearer requests are exempt by design), the login limit (${String(cfg.loginRateLimit ?? '?')}/15 min) and the respondent slow-down (${String(cfg.respondentRatePerMinute ?? '?')} per address and minute), \`trust proxy\` ${JSON.stringify(cfg.trustProxy ?? false)}. \`POST /api/v1/campaigns/:id/responses\`, four answers and three segments, a unique \`submissionId\` per request → 201.`,
    "- **A' (the app, web form)**: the same app, `POST /r/:token/submit` form-encoded as the answer page sends it (four answers, three segments, an empty `recorded[q]` per video question) with the device's `wv_resume`, `wv_csrf` and `wv_consent` cookies (consent: HMAC-signed, bound to the resume cookie; the device consented with POST /r/:token/start and has not autosaved, so it has no draft) and its `_csrf` token (checked: HMAC bound to the resume cookie) → 303 to /thanks; the respondent slow-down applies.",
    '',
    table,
    '',
    `Baseline = mean of B1 and B2 = ${fmt(baseRps)} req/s; "of baseline" is relative to that.`,
    '',
    'DB operations per submission: what the server sent to the database during the measured phase (mongoose debug hook in the server process, per `collection.method`), divided by the inserts into `responses` (one per stored submission). CPU ms per request: user + system CPU time (`/proc/<pid>/stat`) of the FerretDB process, the server process and the load generator during the measured phase, divided by the responses received.',
    '',
    verdict,
    '',
    webNote,
    '',
    `Stored-data check, counted in each target's database after its run, once the counts had stopped changing (autocannon request timeout ${TIMEOUT_S} s):`,
    '',
    ...checks.map((c) => `- ${c.text}`),
    `- Server logs (level ${LOG_LEVEL}): ${keptLogs.replace(/ \(kept in .*\)$/, '')}`,
  ].join('\n');
  process.stdout.write(`server logs: ${keptLogs}\n`);
  process.stdout.write(`\n${report}\n`);
  if (CPU_PROF) process.stdout.write(`\nCPU profiles of the app targets, measured window only (app-<pid>-measured-1.cpuprofile): ${profDir}\n`);
  if (WRITE) {
    upsertPerformanceSubsection('Respondent submission throughput', report);
    const date = startedAt.toISOString().slice(0, 10);
    upsertPerformanceSubsection(
      'Issue 4 figure: submission benchmark with all protections on',
      `Submission benchmark re-run with all protections on (helmet, CSRF, auth, rate limits at their defaults, \`LOG_LEVEL=${LOG_LEVEL}\`), ${date}, same run as above: ` +
        `API path **${pct(ratio)}**, web path **${webRatio === undefined ? 'not run' : pct(webRatio)}** of the bare baseline — target ≥ 70 %: **${pass ? 'PASS' : 'FAIL'}**` +
        `${apiPass && !webPass ? ' (the API path passes, the web path does not)' : ''}.`,
    );
    process.stdout.write('\nwritten to docs/PERFORMANCE.md\n');
  }
  process.exitCode = pass ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
