/**
 * Issue 7 figure: 200 concurrent respondents autosaving and submitting for 60 s on the embedded
 * database → 0 errors, 0 lost, 0 duplicated responses (counted in the database afterwards), p99
 * reported; the bare baseline measured in the same run for a ratio.
 *
 *   npm run bench:load [-- --duration 60 --connections 200 --warmup 5 --paced-rate 1
 *                          --paced-duration 60 --log-level warn --note "…" --no-write --one-address]
 *
 * --one-address: every connection comes from 127.0.0.1 instead of its own loopback address — a
 *   whole office behind one NAT address (issue 18, item 4: the respondent slow-down must key on the
 *   device, not hold up the office).
 *
 * One FerretDB (the launcher's `ferretdb` candidate: what `npm start` starts without MONGODB_URI;
 * SQLite, temp dir). Each target runs in its own child process (bench/lib/submit-target.ts) with
 * its own fresh database; autocannon runs here. Every connection comes from its own loopback
 * address (127.x.y.z), as distinct respondents would, so the per-address respondent slow-down is on
 * at its default and sees what it would see in production.
 *
 *  - B  bare baseline: express.json() + the app's Response model, one insert per request
 *       (POST /api/v1/campaigns/:id/responses), 200 connections, no pause between requests.
 *  - A  the app, a respondent's whole visit per cycle, as a browser makes it, 200 connections with
 *       no pause (each connection is one respondent after another):
 *       GET /r/:token (welcome; device + CSRF cookies) → POST /r/:token/start (consent, 303) →
 *       GET /r/:token/answer (the form) → 3 × POST /r/:token/autosave (JSON, X-CSRF-Token, each
 *       adds an answer) → POST /r/:token/submit (form, 303 /thanks).
 *  - A~ the same visit, paced: each connection sends `--paced-rate` requests per second (a person
 *       typing: the page autosaves every few seconds), 200 respondents at once. The connections
 *       start in 20 groups spread over one second (lib/load.ts runStaggered): autocannon alone
 *       would fire every paced connection in the same millisecond of each second.
 * After each target: wait until the stored counts stop changing, then count in its database —
 * every 303 submit stored exactly once with the answers sent, every 200 autosave of a device that
 * did not submit present in its draft, no draft left behind a stored response, nothing unknown.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { startBenchDatabase } from './lib/bench-db.js';
import { runLoad, runStaggered, type LoadRequest, type LoadResult } from './lib/load.js';
import { fmt, machineInfo, repoRoot, upsertPerformanceSubsection } from './lib/report.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const DURATION = Number(arg('duration', '60'));
const CONNECTIONS = Number(arg('connections', '200'));
const WARMUP = Number(arg('warmup', '5'));
const PACED_RATE = Number(arg('paced-rate', '1'));
const PACED_DURATION = Number(arg('paced-duration', '60'));
const LOG_LEVEL = arg('log-level', 'warn');
const WRITE = !process.argv.includes('--no-write');
const ONE_ADDRESS = process.argv.includes('--one-address');
const TIMEOUT_S = 30;
const P99_TARGET_MS = 200;

const ANSWERS: Record<string, string> = {
  q1: 'Vor allem per Mail und im Teams-Chat, Fax haben wir abgeschafft. Abstimmungen laufen oft noch über Telefon.',
  q2: 'Dass ich von überall arbeiten kann – auch im Zug 🚆 – und alle Infos an einem Ort finde.',
  q3: 'Zu viele Tools, und keiner weiß, wo was liegt. Dazu kommt, dass nicht alle Kollegen mitziehen.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche, personalisiert und schnell, auf jedem Gerät.',
};
const SEGMENTS = { department: 'it', location: 'hamburg', role: 'employee' };
const answerFor = (q: string, device: number) => `${ANSWERS[q]} [#${device}]`;

// ---- load average while the benchmark runs ------------------------------------------------------
const loadSamples: number[] = [];
const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 2000);
loadTimer.unref();
const meanLoad = () => (loadSamples.length ? loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length : os.loadavg()[0]);
const busy = () => meanLoad() > os.availableParallelism() * 1.5;
/** Free text for the report, e.g. what else ran on the machine (`--note "…"`). */
const NOTE = arg('note', '');
function loadSummary(): string {
  if (!loadSamples.length) return 'not sampled';
  const mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
  return `1-min load average sampled every 2 s: min ${fmt(Math.min(...loadSamples), 1)}, mean ${fmt(mean, 1)}, max ${fmt(Math.max(...loadSamples), 1)}`;
}

// ---- target processes (bench/lib/submit-target.ts) ----------------------------------------------
interface Target {
  port: number;
  apiToken?: string;
  campaignId?: string;
  publicToken?: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

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
  const ready = await new Promise<Omit<Target, 'child' | 'logFile' | 'stop'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} target did not start within 60 s (log: ${logFile})`)), 60_000);
    child.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && 'port' in m) {
        clearTimeout(timer);
        resolve(m as Target);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} target exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
  return {
    ...ready,
    child,
    logFile,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send('stop');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

// ---- per-request bookkeeping ---------------------------------------------------------------------
type Kind = 'welcome' | 'start' | 'form' | 'autosave' | 'submit' | 'insert';
const EXPECTED: Record<Kind, number> = { welcome: 200, start: 303, form: 200, autosave: 200, submit: 303, insert: 201 };

export class Stats {
  latencies = new Map<Kind, number[]>();
  bad = new Map<string, number>();
  answered = 0;
  sent = 0;
  record(kind: Kind, status: number, ms: number): boolean {
    this.answered++;
    const list = this.latencies.get(kind) ?? [];
    list.push(ms);
    this.latencies.set(kind, list);
    if (status !== EXPECTED[kind]) {
      const k = `${kind} ${status}`;
      this.bad.set(k, (this.bad.get(k) ?? 0) + 1);
      return false;
    }
    return true;
  }
  badTotal(): number {
    return [...this.bad.values()].reduce((a, b) => a + b, 0);
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
export function latencyRow(list: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...list].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN };
}

const header = (h: Record<string, string | string[]>, name: string): string[] => {
  const k = Object.keys(h).find((x) => x.toLowerCase() === name);
  const v = k === undefined ? undefined : h[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const cookieFrom = (h: Record<string, string | string[]>, name: string) =>
  header(h, 'set-cookie')
    .map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1])
    .find((v) => v !== undefined);

// ---- the respondent's visit -----------------------------------------------------------------------
interface Device {
  n: number;
  resume: string;
  key: string;
  okAutosaves: number;
  submitted: boolean;
  submissionId: string;
}
export interface Ledger {
  devices: Map<string, Device>;
  next: number;
}

/** One autocannon request per step of the visit; the context (reset by autocannon per cycle) is the device. */
export function visit(publicToken: string, ledger: Ledger, stats: Stats, stage: { measuring: boolean }): LoadRequest[] {
  const base = `/r/${publicToken}`;
  type Ctx = { device?: Device; cookie?: string; csrf?: string; failed?: boolean; t0?: number; kind?: Kind };
  const step = (kind: Kind, build: (c: Ctx) => LoadRequest | null, after?: (c: Ctx, status: number, body: string, h: Record<string, string | string[]>) => void): LoadRequest => ({
    setupRequest: (req, context) => {
      const c = context as Ctx;
      // An earlier step of this visit failed or timed out (no device yet): skip to the next visitor.
      if (c.failed || (kind !== 'welcome' && !c.device)) return null;
      const r = build(c);
      if (!r) return null;
      stats.sent++;
      c.t0 = performance.now();
      c.kind = kind;
      return { ...req, ...r };
    },
    onResponse: (status, body, context, headers) => {
      const c = context as Ctx;
      const ms = performance.now() - (c.t0 ?? performance.now());
      const ok = stage.measuring ? stats.record(kind, status, ms) : status === EXPECTED[kind];
      if (!stage.measuring && !ok) stats.bad.set(`warm-up ${kind} ${status}`, (stats.bad.get(`warm-up ${kind} ${status}`) ?? 0) + 1);
      if (!ok) {
        c.failed = true;
        return;
      }
      after?.(c, status, body, headers);
    },
  });
  const autosave = (i: number) =>
    step(
      'autosave',
      (c) => ({
        method: 'POST',
        path: `${base}/autosave`,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': c.csrf!, cookie: c.cookie! },
        body: JSON.stringify({ answers: { [`q${i}`]: answerFor(`q${i}`, c.device!.n) }, ...(i === 1 ? { segments: SEGMENTS } : {}) }),
      }),
      (c) => {
        c.device!.okAutosaves = Math.max(c.device!.okAutosaves, i);
      },
    );
  return [
    step(
      'welcome',
      () => ({ method: 'GET', path: base, headers: { 'accept-language': 'de' } }),
      (c, _s, body, h) => {
        const resume = cookieFrom(h, 'wv_resume');
        const csrfCookie = cookieFrom(h, 'wv_csrf');
        const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
        if (!resume || !csrfCookie || !token) {
          c.failed = true;
          stats.bad.set('welcome without cookies/token', (stats.bad.get('welcome without cookies/token') ?? 0) + 1);
          return;
        }
        const n = ++ledger.next;
        c.device = { n, resume, key: `d_${createHash('sha256').update(resume).digest('base64url')}`, okAutosaves: 0, submitted: false, submissionId: `load-${n}-${randomBytes(6).toString('hex')}` };
        ledger.devices.set(c.device.key, c.device);
        c.cookie = `wv_resume=${resume}; wv_csrf=${csrfCookie}`;
        c.csrf = token.replace(/&#34;|&quot;/g, '"').replace(/&amp;/g, '&');
      },
    ),
    step(
      'start',
      (c) => ({
        method: 'POST',
        path: `${base}/start`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie! },
        body: new URLSearchParams({ _csrf: c.csrf!, lang: 'de', consent: 'yes' }).toString(),
      }),
      (c, _s, _body, h) => {
        // Consent is a signed device cookie; the first autosave creates the draft with it.
        const consent = cookieFrom(h, 'wv_consent');
        if (consent) c.cookie = `${c.cookie!}; wv_consent=${consent}`;
      },
    ),
    step('form', (c) => ({ method: 'GET', path: `${base}/answer?lang=de`, headers: { cookie: c.cookie!, 'accept-language': 'de' } })),
    autosave(1),
    autosave(2),
    autosave(3),
    step(
      'submit',
      (c) => {
        const form = new URLSearchParams({ _csrf: c.csrf!, submissionId: c.device!.submissionId });
        for (const q of Object.keys(ANSWERS)) form.set(`answers[${q}]`, answerFor(q, c.device!.n));
        for (const [k, v] of Object.entries(SEGMENTS)) form.set(`segments[${k}]`, v);
        // As the answer page sends it: one `recorded[q]` field per video question, empty.
        for (const q of Object.keys(ANSWERS)) form.set(`recorded[${q}]`, '');
        return { method: 'POST', path: `${base}/submit`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie! }, body: form.toString() };
      },
      (c) => {
        c.device!.submitted = true;
      },
    ),
  ];
}

/** The baseline's request: one insert. */
function insertRequest(campaignId: string, issued: Set<string>, ok: Set<string>, stats: Stats, stage: { measuring: boolean }): LoadRequest {
  let n = 0;
  const tag = randomBytes(4).toString('hex');
  return {
    setupRequest: (req, context) => {
      const id = `bare-${tag}-${++n}`;
      issued.add(id);
      context.id = id;
      context.t0 = performance.now();
      stats.sent++;
      return {
        ...req,
        method: 'POST',
        path: `/api/v1/campaigns/${campaignId}/responses`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ submissionId: id, lang: 'de', consent: true, answers: ANSWERS, segments: SEGMENTS }),
      };
    },
    onResponse: (status, _body, context) => {
      const ms = performance.now() - Number(context.t0);
      const good = stage.measuring ? stats.record('insert', status, ms) : status === 201;
      if (good) ok.add(String(context.id));
    },
  };
}

// ---- counting in the database -------------------------------------------------------------------
async function openConn(uri: string): Promise<mongoose.Connection> {
  return mongoose.createConnection(uri, { retryWrites: false, serverSelectionTimeoutMS: 5000 }).asPromise();
}

async function quiesce(conn: mongoose.Connection, collections: string[]): Promise<void> {
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

export interface Count {
  ok: boolean;
  text: string;
  lost: number;
  duplicates: number;
}

export async function countWeb(uri: string, campaignId: string, ledger: Ledger): Promise<Count> {
  const conn = await openConn(uri);
  try {
    await quiesce(conn, ['responses', 'drafts']);
    type Doc = { _id: string; campaignId: unknown; submissionId?: string; answers?: Record<string, { text: string }> };
    const responses = await conn.db!.collection<Doc>('responses').find({}).toArray();
    const drafts = await conn.db!.collection<Doc>('drafts').find({}).toArray();
    const draftByKey = new Map(drafts.map((d) => [d._id, d]));
    const responseKeys = new Set(responses.map((r) => r._id));
    const devices = [...ledger.devices.values()];
    const submitted = devices.filter((d) => d.submitted);
    const lost = submitted.filter((d) => !responseKeys.has(d.key)).length;
    const sids = responses.map((r) => String(r.submissionId));
    const duplicates = sids.length - new Set(sids).size;
    const unknown = responses.filter((r) => !ledger.devices.has(r._id)).length;
    const wrong = responses.filter((r) => {
      const d = ledger.devices.get(r._id);
      if (!d || r.submissionId !== d.submissionId || String(r.campaignId) !== campaignId) return true;
      return Object.keys(ANSWERS).some((q) => r.answers?.[q]?.text !== answerFor(q, d.n));
    }).length;
    // Stored although the 303 never reached us: the visit was cut when a phase ended.
    const extra = responses.filter((r) => ledger.devices.get(r._id) && !ledger.devices.get(r._id)!.submitted).length;
    const draftLeft = submitted.filter((d) => draftByKey.has(d.key)).length;
    // Every autosave answered 200 on a device that has not submitted is in its draft.
    const autosaveLost = devices.filter((d) => {
      if (d.submitted || responseKeys.has(d.key) || d.okAutosaves === 0) return false;
      const draft = draftByKey.get(d.key);
      if (!draft) return true;
      for (let i = 1; i <= d.okAutosaves; i++) if (draft.answers?.[`q${i}`]?.text !== answerFor(`q${i}`, d.n)) return true;
      return false;
    }).length;
    const ok = lost === 0 && duplicates === 0 && unknown === 0 && wrong === 0 && draftLeft === 0 && autosaveLost === 0;
    return {
      ok,
      lost,
      duplicates,
      text:
        `${fmt(devices.length)} visits began (welcome page answered), ${fmt(submitted.length)} submits answered 303; stored: ${fmt(responses.length)} responses ` +
        `(${extra} of them from visits whose 303 had not arrived when the phase ended), ${fmt(drafts.length)} drafts. ` +
        `**${lost} lost, ${duplicates} duplicated**, ${unknown} unknown, ${wrong} with other answers than sent, ${draftLeft} drafts left next to a response, ${autosaveLost} autosaves lost → ${ok ? 'OK' : 'MISMATCH'}`,
    };
  } finally {
    await conn.close();
  }
}

async function countBare(uri: string, issued: Set<string>, ok: Set<string>): Promise<Count> {
  const conn = await openConn(uri);
  try {
    await quiesce(conn, ['responses']);
    const docs = await conn.db!.collection<{ submissionId?: string }>('responses').find({}, { projection: { submissionId: 1 } }).toArray();
    const ids = docs.map((d) => String(d.submissionId));
    const stored = new Set(ids);
    const lost = [...ok].filter((id) => !stored.has(id)).length;
    const duplicates = ids.length - stored.size;
    const unknown = ids.filter((id) => !issued.has(id)).length;
    const good = lost === 0 && duplicates === 0 && unknown === 0;
    return { ok: good, lost, duplicates, text: `${fmt(ok.size)} inserts answered 201, ${fmt(docs.length)} stored: **${lost} lost, ${duplicates} duplicated**, ${unknown} unknown → ${good ? 'OK' : 'MISMATCH'}` };
  } finally {
    await conn.close();
  }
}

// ---- phases ---------------------------------------------------------------------------------------
interface Phase {
  name: string;
  result: LoadResult;
  stats: Stats;
  count: Count;
  paced?: number;
}

async function phase(name: string, port: number, requests: (stage: { measuring: boolean }, stats: Stats) => LoadRequest[], paced?: number, duration = DURATION) {
  const stats = new Stats();
  const stage = { measuring: false };
  const reqs = requests(stage, stats);
  const opts = { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, timeout: TIMEOUT_S, distinctSources: !ONE_ADDRESS, requests: reqs, connectionRate: paced };
  if (WARMUP > 0) {
    process.stdout.write(`  ${name}: warm-up ${WARMUP} s …\n`);
    await (paced ? runStaggered({ ...opts, connectionRate: paced, duration: WARMUP }) : runLoad({ ...opts, duration: WARMUP }));
  }
  stage.measuring = true;
  process.stdout.write(`  ${name}: ${CONNECTIONS} connections for ${duration} s${paced ? `, ${paced} request/s each` : ''} …\n`);
  const result = paced ? await runStaggered({ ...opts, connectionRate: paced, duration }) : await runLoad({ ...opts, duration });
  process.stdout.write(
    `  ${name}: ${fmt(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors}, timeouts ${result.timeouts}, bad ${JSON.stringify(Object.fromEntries(stats.bad))}\n`,
  );
  return { result, stats };
}

function keepLogs(dir: string): string {
  const out = path.join(os.tmpdir(), `wv-bench-load-logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });
  const parts: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    copyFileSync(path.join(dir, name), path.join(out, name));
    const levels = readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
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

async function main(): Promise<void> {
  const ferretBinary = await findExecutable('ferretdb-wv', [await goBinDir()]);
  const machine = machineInfo(ferretBinary ?? undefined);
  process.stdout.write(`${machine}\n`);
  const startedAt = new Date();
  const db = await startBenchDatabase('wv-bench-load-');
  process.stdout.write(`database: ${db.engine}\n`);
  const phases: Phase[] = [];
  let logs = '';
  try {
    // B: the bare baseline.
    {
      const uri = db.uri('load_bare');
      const t = await startTarget('bare', uri, path.join(db.tmpDir, 'bare.log'));
      const campaignId = new mongoose.Types.ObjectId().toString();
      const issued = new Set<string>();
      const ok = new Set<string>();
      try {
        const { result, stats } = await phase('B bare express + mongoose insert', t.port, (stage, stats) => [insertRequest(campaignId, issued, ok, stats, stage)]);
        phases.push({ name: 'B bare baseline: POST insert', result, stats, count: await countBare(uri, issued, ok) });
      } finally {
        await t.stop();
      }
    }
    // A and A~: the app, whole respondent visits.
    for (const paced of [undefined, PACED_RATE > 0 ? PACED_RATE : null]) {
      if (paced === null) continue;
      const uri = db.uri(paced ? 'load_app_paced' : 'load_app');
      const t = await startTarget('app', uri, path.join(db.tmpDir, paced ? 'app-paced.log' : 'app.log'));
      const ledger: Ledger = { devices: new Map(), next: 0 };
      const label = paced ? `A~ app, respondent visits paced at ${paced} request/s per respondent` : 'A app, respondent visits back to back';
      try {
        const { result, stats } = await phase(label, t.port, (stage, stats) => visit(t.publicToken!, ledger, stats, stage), paced, paced ? PACED_DURATION : DURATION);
        phases.push({ name: label, result, stats, count: await countWeb(uri, t.campaignId!, ledger), paced });
      } finally {
        await t.stop();
      }
    }
  } finally {
    logs = keepLogs(db.tmpDir);
    await db.stop();
  }
  clearInterval(loadTimer);

  const base = phases[0];
  const app = phases[1];
  const rows: string[] = [];
  for (const p of phases) {
    const all = latencyRow([...p.stats.latencies.values()].flat());
    const errors = p.result.errors + p.result.timeouts + p.stats.badTotal();
    rows.push(
      `| ${p.name} | ${fmt(p.result.requests.average)} | ${fmt(all.p50, 1)} | **${fmt(all.p99, 1)}** | ${fmt(all.max, 0)} | ${fmt(all.n)} | ${errors} | ${p.count.lost} | ${p.count.duplicates} |`,
    );
  }
  const kindRows: string[] = [];
  for (const p of phases.slice(1)) {
    for (const [kind, list] of p.stats.latencies) {
      const r = latencyRow(list);
      kindRows.push(`| ${p.paced ? 'A~' : 'A'} | ${kind} | ${fmt(r.n)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.max, 0)} |`);
    }
  }
  const appAll = latencyRow([...app.stats.latencies.values()].flat());
  const baseAll = latencyRow([...base.stats.latencies.values()].flat());
  const paced = phases.find((p) => p.paced);
  const pacedAll = paced ? latencyRow([...paced.stats.latencies.values()].flat()) : undefined;
  const zero = (p: Phase) => p.result.errors + p.result.timeouts + p.stats.badTotal() === 0 && p.count.ok;
  const verdict = [
    `- Errors / lost / duplicates: ${phases.map((p) => `${p.name.split(' ')[0]} ${zero(p) ? '**0 / 0 / 0**' : `**${p.result.errors + p.result.timeouts + p.stats.badTotal()} / ${p.count.lost} / ${p.count.duplicates}**`}`).join('; ')} → ${phases.every(zero) ? 'PASS' : 'FAIL'}`,
    `- p99 (target ≤ ${P99_TARGET_MS} ms): A back to back **${fmt(appAll.p99, 1)} ms** → ${appAll.p99 <= P99_TARGET_MS ? 'PASS' : 'FAIL'}` +
      (pacedAll ? `; A~ paced **${fmt(pacedAll.p99, 1)} ms** → ${pacedAll.p99 <= P99_TARGET_MS ? 'PASS' : 'FAIL'}` : ''),
    `- Ratio to the bare baseline (same run): throughput A/B = ${fmt((app.result.requests.average / base.result.requests.average) * 100, 1)} %; p99 A/B = ${fmt(appAll.p99 / baseAll.p99, 2)}×`,
  ].join('\n');
  const report = [
    machine,
    `- Run: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} → ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; ${loadSummary()}. FerretDB, the server and the load generator share the machine's ${os.availableParallelism()} CPUs${busy() ? `; **the machine was busy with other work during the run** (mean 1-min load ${fmt(meanLoad(), 1)} on ${os.availableParallelism()} CPUs, before this benchmark's own share): latencies include waiting for a CPU` : ''}. ${NOTE}`,
    `- Command: \`npm run bench:load\` (options: --duration ${DURATION} --connections ${CONNECTIONS} --warmup ${WARMUP} --paced-rate ${PACED_RATE} --paced-duration ${PACED_DURATION} --log-level ${LOG_LEVEL})`,
    '',
    `${CONNECTIONS} autocannon connections, one per respondent, ${ONE_ADDRESS ? 'ALL from 127.0.0.1 (one office behind NAT, --one-address)' : 'each from its own loopback address'}; ${DURATION} s measured after a ${WARMUP} s warm-up; one FerretDB (embedded default, SQLite) with a fresh database per target; servers in child processes with \`NODE_ENV=production\`, all protections on at their defaults (helmet, CSRF, respondent slow-down), \`LOG_LEVEL=${LOG_LEVEL}\`. A visit: welcome page → consent (303) → answer form → 3 autosaves (JSON) → submit (303); autocannon starts the next visitor on the connection right away (A) or after 1/${PACED_RATE} s per request (A~: ${CONNECTIONS} people typing at once, ${fmt(CONNECTIONS * PACED_RATE)} requests/s offered; the connections start in 20 groups spread evenly over a second, since autocannon alone fires every paced connection in the same millisecond).`,
    '',
    '| target | req/s | p50 ms | p99 ms | max ms | requests | errors (non-expected status, socket errors, timeouts) | lost | duplicated |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Latency per step of the visit (ms, measured in the load generator):',
    '',
    '| phase | step | requests | p50 | p99 | max |',
    '|---|---|---:|---:|---:|---:|',
    ...kindRows,
    '',
    verdict,
    '',
    'Counted in each database after its phase, once the counts had stopped changing:',
    '',
    ...phases.map((p) => `- ${p.name}: ${p.count.text}`),
    `- Server logs (level ${LOG_LEVEL}): ${logs.replace(/ \(kept in .*\)$/, '')}`,
  ].join('\n');
  process.stdout.write(`\n${report}\n\nserver logs: ${logs}\n`);
  if (WRITE) {
    upsertPerformanceSubsection('Load: 200 concurrent respondents for 60 s (`npm run bench:load`)', report, undefined, {
      heading: '## Reliability (issue 7)',
      intro: 'Load and recovery figures; scripts in `bench/` and `test/faults/`, all on 127.0.0.1.',
    });
    process.stdout.write('\nwritten to docs/PERFORMANCE.md\n');
  }
  process.exitCode = phases.every(zero) ? 0 : 1;
}

// Run only as a script: bench/cluster.ts imports the visit and the counting from here.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  });
}
