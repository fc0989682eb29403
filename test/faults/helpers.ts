/**
 * Fault tests drive REAL processes: the app (`node --import tsx src/server.ts`, as `npm start`
 * runs dist/src/server.js) and FerretDB (our `ferretdb-wv` build, SQLite backend), and kill them.
 * Nothing here is mocked: what a test observes is what a respondent's browser would observe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { FERRETDB_BINARY } from '../../src/db/embedded/ferretdb-build.js';
import { findExecutable, goBinDir } from '../../src/db/embedded/locate.js';
import { freePort, spawnServer, type ServerProcess } from '../../src/db/embedded/process.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Temp folders and processes of one test file; `cleanup()` in `after`. */
export class Scratch {
  private dirs: string[] = [];
  private stops: Array<() => Promise<unknown>> = [];
  async dir(prefix = 'wv-fault-'): Promise<string> {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }
  onCleanup(fn: () => Promise<unknown>): void {
    this.stops.push(fn);
  }
  async cleanup(): Promise<void> {
    for (const fn of this.stops.reverse()) await fn().catch(() => undefined);
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}

export async function ferretBinary(): Promise<string> {
  const gobin = await goBinDir();
  const bin = (await findExecutable(FERRETDB_BINARY, [gobin])) ?? (await findExecutable('ferretdb', [gobin]));
  if (!bin) throw new Error(`no ${FERRETDB_BINARY}/ferretdb binary: run \`npx workplace-voice db install\` first`);
  return bin;
}

/** A FerretDB we control (as an external MONGODB_URI): same data dir and port across restarts. */
export class Ferret {
  private proc?: ServerProcess;
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}
  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/wv-fault`;
  }
  get pid(): number | undefined {
    return this.proc?.child.pid;
  }
  static async create(scratch: Scratch): Promise<Ferret> {
    const f = new Ferret(await scratch.dir('wv-fault-db-'), await freePort());
    scratch.onCleanup(() => f.stop());
    await f.start();
    return f;
  }
  async start(): Promise<void> {
    const bin = await ferretBinary();
    this.proc = await spawnServer(
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${this.dir}/?_txlock=immediate`, // as the launcher starts it
        `--listen-addr=127.0.0.1:${this.port}`,
        `--state-dir=${this.dir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { port: this.port, cwd: this.dir, readyTimeoutMs: 30_000 },
    );
  }
  /** SIGKILL: the database vanishes without a goodbye, as on a crash or a killed container. */
  async kill(): Promise<void> {
    const child = this.proc?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
  async stop(): Promise<void> {
    await this.proc?.stop(3000);
  }
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  url: string;
  logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  log(): string;
}

/** Starts the app as `npm start` would (production defaults), on 127.0.0.1 and a free port. */
export async function startApp(scratch: Scratch, env: Record<string, string>, opts: { waitHealthy?: boolean } = {}): Promise<AppProcess> {
  const port = await freePort();
  const logDir = await scratch.dir('wv-fault-log-');
  const logFile = path.join(logDir, 'app.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'server.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      // As in production: without SESSION_SECRET the app keeps one in DATA_DIR, so a restart
      // with the same DATA_DIR accepts the devices' CSRF tokens again.
      DATA_DIR: env.DATA_DIR ?? (await scratch.dir('wv-fault-data-')),
      ...env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  scratch.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const app: AppProcess = { child, port, url: `http://127.0.0.1:${port}`, logFile, exited, log: () => readFileSync(logFile, 'utf8') };
  if (opts.waitHealthy !== false) await waitFor(async () => (await health(app.url)) === 200, 60_000, `app on :${port} healthy`, () => app.log().slice(-2000));
  return app;
}

/** GET /healthz → status (0 when the connection is refused or times out). */
export async function health(url: string, timeoutMs = 4000): Promise<number> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** Whether a *new* TCP connection to the port is refused (a pooled keep-alive socket would not tell). */
export function refusesConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (refused: boolean) => {
      socket.destroy();
      resolve(refused);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(false));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string, detail?: () => string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return Date.now() - t0;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) counts as gone.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of the direct children of `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

export const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** The embedded FerretDB the app started: its pid and port (from its command line). */
export function embeddedDb(app: AppProcess): { pid: number; uri: string } {
  const pid = childPids(app.child.pid!).find((p) => /ferretdb/.test(cmdline(p)));
  if (!pid) throw new Error(`no embedded database below the app (pid ${app.child.pid}):\n${app.log().slice(-1500)}`);
  const port = /--listen-addr=127\.0\.0\.1:(\d+)/.exec(cmdline(pid))?.[1];
  return { pid, uri: `mongodb://127.0.0.1:${port}/workplace-voice` };
}

/** Runs `fn` with the test process connected to `uri` (fixtures, checks), then disconnects. */
export async function withDb<T>(uri: string, fn: () => Promise<T>): Promise<T> {
  const { connectDb } = await import('../../src/db/connection.js');
  await connectDb(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    return await fn();
  } finally {
    await mongoose.disconnect();
  }
}

/** A lead with an API token and an open campaign from the interview template. */
export async function seedCampaign(uri: string, opts: { video?: boolean } = {}): Promise<{ campaignId: string; publicToken: string; apiToken: string; leadId: string }> {
  const { createUser, createApiToken } = await import('../../src/auth/auth.service.js');
  const { createCampaign, changeStatus } = await import('../../src/campaigns/campaign.service.js');
  const { interviewTemplate } = await import('../../src/campaigns/interview-template.js');
  return withDb(uri, async () => {
    const lead = await createUser({ email: `lead-${randomBytes(4).toString('hex')}@example.org`, name: 'Fault Lead', role: 'lead', password: randomBytes(18).toString('base64url') });
    const { token } = await createApiToken(lead.id, 'faults');
    const template = interviewTemplate();
    if (opts.video) template.questions = template.questions.map((q) => ({ ...q, modes: ['text', 'video'] }));
    const draft = await createCampaign(template, { ownerId: lead.id });
    const campaign = await changeStatus(String(draft._id), 'open');
    return { campaignId: String(campaign._id), publicToken: String(campaign.publicToken), apiToken: token, leadId: String(lead.id) };
  });
}

export const ANSWERS = {
  q1: 'Vor allem per Mail und im Teams-Chat, Fax haben wir abgeschafft.',
  q2: 'Dass ich von überall arbeiten kann – auch im Zug.',
  q3: 'Zu viele Tools, und keiner weiß, wo was liegt.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche.',
};

export const SEGMENTS = { department: 'it', location: 'hamburg', role: 'employee' };

/** One respondent's browser: cookies, the page's CSRF token, the respondent routes. */
export class Respondent {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly baseUrl: string,
    readonly publicToken: string,
  ) {}
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(method: string, p: string, init: { body?: string; type?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), 'accept-language': 'de', ...init.headers };
    if (init.type) headers['content-type'] = init.type;
    const t0 = Date.now();
    const res = await fetch(`${this.baseUrl}${p}`, { method, headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
    const text = await res.text();
    for (const c of res.headers.getSetCookie()) {
      const m = /^([^=]+)=([^;]*)/.exec(c);
      if (m) this.cookies.set(m[1], m[2]);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? /data-csrf="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token.replace(/&#34;|&quot;/g, '"').replace(/&amp;/g, '&');
    return { status: res.status, headers: res.headers, text, ms: Date.now() - t0 };
  }
  /** GET the link, give consent (a signed cookie; the first autosave creates the draft). */
  async begin(): Promise<void> {
    const page = await this.request('GET', `/r/${this.publicToken}`);
    if (page.status !== 200) throw new Error(`GET /r → ${page.status}`);
    const start = await this.request('POST', `/r/${this.publicToken}/start`, {
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ _csrf: this.csrf, lang: 'de', consent: 'yes' }).toString(),
    });
    if (start.status !== 303) throw new Error(`POST /start → ${start.status}: ${start.text.slice(0, 300)}`);
    const answer = await this.request('GET', `/r/${this.publicToken}/answer?lang=de`);
    if (answer.status !== 200) throw new Error(`GET /answer → ${answer.status}`);
  }
  autosave(answers: Record<string, string>, timeoutMs?: number) {
    return this.request('POST', `/r/${this.publicToken}/autosave`, {
      type: 'application/json',
      headers: { accept: 'application/json', 'x-csrf-token': this.csrf },
      body: JSON.stringify({ answers }),
      timeoutMs,
    });
  }
  submit(answers: Record<string, string>, submissionId: string, timeoutMs?: number) {
    const form = new URLSearchParams({ _csrf: this.csrf, submissionId });
    for (const [k, v] of Object.entries(answers)) form.set(`answers[${k}]`, v);
    for (const [k, v] of Object.entries(SEGMENTS)) form.set(`segments[${k}]`, v);
    return this.request('POST', `/r/${this.publicToken}/submit`, { type: 'application/x-www-form-urlencoded', body: form.toString(), timeoutMs });
  }
}
