/**
 * `npm run cluster` — the scale-out topology on one machine, to try and to measure (issue 18):
 *
 *                         ┌─ app :A1 ─┐                 ┌─ FerretDB :F1 ─┐
 *   browser ─ HAProxy :P ─┼─ app :A2 ─┼─ HAProxy :D ────┤                ├── PostgreSQL (one database)
 *             (HTTP, checks /healthz)  └─ app :A3 ─┘    (TCP, checks the port) └─ FerretDB :F2 ─┘
 *
 * - PostgreSQL: the server already running (default postgres://postgres@127.0.0.1:5432/), one
 *   database created for the cluster when missing. FerretDB 1.24 (our `ferretdb-wv` build) with its
 *   PostgreSQL backend is stateless: several processes share the one database.
 * - HAProxy (Debian's package) listens twice: HTTP in front of the app instances (round robin,
 *   `GET /healthz` every second, a failed instance out after 3 checks) and TCP in front of the
 *   FerretDB processes, so an app whose FerretDB dies reconnects through the other one.
 * - The app instances share SESSION_SECRET (sessions, CSRF, consent and resume cookies are then
 *   valid on every instance) and DATA_DIR (recordings: the file-system media store, since GridFS is
 *   not what FerretDB is good at), trust the proxy's X-Forwarded-For, and run every job (analysis
 *   runs, schedule, reminders, retention) — exactly once through the database's leases and claims.
 *
 *   npm run cluster [-- --instances 3 --ferrets 2 --port 8080 --pg postgres://postgres@127.0.0.1:5432/
 *                       --database workplace_voice_cluster --data-dir ./data-cluster]
 *
 * Ctrl-C (or SIGTERM) stops everything. test/faults/cluster.test.ts and bench/cluster.ts use
 * startCluster() below.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FERRETDB_BINARY } from '../src/db/embedded/ferretdb-build.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';
import { freePort, spawnServer, type ServerProcess } from '../src/db/embedded/process.js';

const run = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ClusterOptions {
  instances?: number;
  ferrets?: number;
  /** Port of the HTTP front (0: a free one). */
  port?: number;
  /** PostgreSQL server URL without the database name. */
  pg?: string;
  /** The PostgreSQL database FerretDB keeps its data in (created when missing). */
  database?: string;
  /** Drop and re-create that database first (tests and benches start empty). */
  fresh?: boolean;
  /** Shared data directory of the instances (recordings, logs). */
  dataDir: string;
  /** Extra environment of every app instance (rate limits, log level …). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface AppInstance {
  index: number;
  port: number;
  url: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<unknown>;
}

export interface Cluster {
  /** The proxy: what browsers use. */
  url: string;
  /** What the app instances use as MONGODB_URI (through the proxy's TCP front). */
  mongoUri: string;
  /** PostgreSQL database URL FerretDB stores into. */
  pgUrl: string;
  apps: AppInstance[];
  ferrets: Array<{ port: number; proc: ServerProcess }>;
  /** SIGKILL one app instance (as a crash or the OOM killer would). */
  killApp(index: number): Promise<void>;
  /** SIGKILL one FerretDB process. */
  killFerret(index: number): Promise<void>;
  /** Starts a killed app instance again on its port. */
  restartApp(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function haproxyBinary(): Promise<string | null> {
  return findExecutable('haproxy', ['/usr/sbin', '/usr/local/sbin']);
}

async function ferretBinary(): Promise<string> {
  const bin = (await findExecutable(FERRETDB_BINARY, [await goBinDir()])) ?? (await findExecutable('ferretdb', [await goBinDir()]));
  if (!bin) throw new Error(`no ${FERRETDB_BINARY} binary: run \`npx workplace-voice db install\` first`);
  return bin;
}

/** PostgreSQL database URL: server URL + database name. */
function pgDatabaseUrl(server: string, database: string): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the database when missing (psql against the server's `postgres` database). */
async function ensurePgDatabase(server: string, database: string, fresh: boolean): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name must be lower-case letters, digits and _: ${database}`);
  const admin = pgDatabaseUrl(server, 'postgres');
  const psql = (sql: string) => run('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-tAc', sql]).then((r) => r.stdout.trim());
  if (fresh) await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if ((await psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`)) !== '1') await psql(`CREATE DATABASE ${database}`);
}

function haproxyConfig(o: { front: number; dbFront: number; apps: number[]; ferrets: number[] }): string {
  return [
    'global',
    '  maxconn 4000',
    'defaults',
    '  timeout connect 2s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout tunnel 1h',
    '  retries 2',
    'frontend web',
    '  mode http',
    `  bind 127.0.0.1:${o.front}`,
    '  option forwardfor',
    '  default_backend apps',
    'backend apps',
    '  mode http',
    '  balance roundrobin',
    // A request that found its instance gone is sent to another one (GET and POST alike: the app's
    // submits are idempotent by submission id, so a retried submit never stores twice).
    '  option redispatch',
    '  retry-on conn-failure empty-response',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    // Out after 3 failed checks 1 s apart; a check may take 4 s: an instance that is merely busy
    // (a saturating load, an analysis) must not be taken out — that would only move its load onto
    // the others. A dead instance refuses connections, and those requests are redispatched at once.
    '  timeout check 4s',
    '  default-server inter 1s fall 3 rise 2',
    ...o.apps.map((p, i) => `  server app${i + 1} 127.0.0.1:${p} check`),
    'frontend db',
    '  mode tcp',
    `  bind 127.0.0.1:${o.dbFront}`,
    '  default_backend ferrets',
    'backend ferrets',
    '  mode tcp',
    // Active/passive, not balanced: FerretDB 1.24's PostgreSQL backend caches the collection
    // catalogue per process, so two processes writing one database at once do not see each
    // other's new collections (tried: a campaign created through one was invisible through the
    // other). The spare loads the catalogue on its first client connection — after the first has
    // gone — and gives its clients back when the first is up again.
    '  default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions',
    ...o.ferrets.map((p, i) => `  server ferret${i + 1} 127.0.0.1:${p} check${i > 0 ? ' backup' : ''}`),
    '',
  ].join('\n');
}

async function waitHealthy(url: string, timeoutMs: number, what: string, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not healthy within ${timeoutMs} ms:\n${tail()}`);
}

/** The app from its sources (through tsx, as the fault tests run it): a stale dist/ can never be what is tried. */
function appCommand(): string[] {
  return ['--import', 'tsx', path.join(repoRoot, 'src', 'server.ts')];
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => undefined);
  const instances = opts.instances ?? 3;
  const ferretCount = opts.ferrets ?? 2;
  const pgServer = opts.pg ?? 'postgres://postgres@127.0.0.1:5432/';
  const database = opts.database ?? 'workplace_voice_cluster';
  const haproxy = await haproxyBinary();
  if (!haproxy) throw new Error('HAProxy is not installed: apt-get install haproxy');
  mkdirSync(path.join(opts.dataDir, 'logs'), { recursive: true });
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    await ensurePgDatabase(pgServer, database, opts.fresh ?? false);
    const pgUrl = pgDatabaseUrl(pgServer, database);
    log(`PostgreSQL database ${database} ready`);

    const bin = await ferretBinary();
    const ferrets: Cluster['ferrets'] = [];
    for (let i = 0; i < ferretCount; i++) {
      const port = await freePort();
      const stateDir = path.join(opts.dataDir, `ferret${i + 1}`);
      mkdirSync(stateDir, { recursive: true });
      const proc = await spawnServer(
        bin,
        ['--handler=postgresql', `--postgresql-url=${pgUrl}`, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${stateDir}`, '--debug-addr=-', '--telemetry=disable', '--log-level=warn'],
        { port, readyTimeoutMs: 30_000 },
      );
      stops.push(() => proc.stop(3000));
      ferrets.push({ port, proc });
      log(`FerretDB ${i + 1} (PostgreSQL backend) on 127.0.0.1:${port}`);
    }

    const appPorts = await Promise.all(Array.from({ length: instances }, () => freePort()));
    const front = opts.port || (await freePort());
    const dbFront = await freePort();
    const cfgFile = path.join(opts.dataDir, 'haproxy.cfg');
    writeFileSync(cfgFile, haproxyConfig({ front, dbFront, apps: appPorts, ferrets: ferrets.map((f) => f.port) }));
    const proxy = await spawnServer(haproxy, ['-f', cfgFile, '-db'], { port: dbFront, readyTimeoutMs: 10_000 });
    stops.push(() => proxy.stop(2000));
    log(`HAProxy: http://127.0.0.1:${front} (apps), 127.0.0.1:${dbFront} (FerretDB)`);

    const mongoUri = `mongodb://127.0.0.1:${dbFront}/workplace-voice`;
    const secretFile = path.join(opts.dataDir, 'cluster-session-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const sessionSecret = readFileSync(secretFile, 'utf8').trim();

    const apps: AppInstance[] = [];
    const startApp = async (index: number): Promise<AppInstance> => {
      const port = appPorts[index];
      const logFile = path.join(opts.dataDir, 'logs', `app${index + 1}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(process.execPath, appCommand(), {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          MONGODB_URI: mongoUri,
          DATA_DIR: opts.dataDir,
          SESSION_SECRET: sessionSecret,
          TRUST_PROXY: 'loopback',
          PUBLIC_BASE_URL: `http://127.0.0.1:${front}`,
          ...opts.env,
        },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const app = { index, port, url: `http://127.0.0.1:${port}`, child, logFile, exited };
      await waitHealthy(app.url, 60_000, `app ${index + 1}`, () => readFileSync(logFile, 'utf8').slice(-2000));
      log(`app ${index + 1} on 127.0.0.1:${port}`);
      return app;
    };
    const kill = async (app: AppInstance) => {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        app.child.kill('SIGKILL');
        await app.exited;
      }
    };
    // One after another: the first creates the indexes, the others find them.
    for (let i = 0; i < instances; i++) apps.push(await startApp(i));
    stops.push(async () => {
      for (const a of apps) {
        if (a.child.exitCode === null && a.child.signalCode === null) {
          a.child.kill('SIGTERM');
          await Promise.race([a.exited, new Promise((r) => setTimeout(r, 12_000))]);
        }
        await kill(a);
      }
    });
    const url = `http://127.0.0.1:${front}`;
    await waitHealthy(url, 15_000, 'the proxy', () => '');
    return {
      url,
      mongoUri,
      pgUrl,
      apps,
      ferrets,
      killApp: (i) => kill(apps[i]),
      killFerret: async (i) => {
        const child = ferrets[i].proc.child;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      },
      restartApp: async (i) => {
        await kill(apps[i]);
        apps[i] = await startApp(i);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const cluster = await startCluster({
    instances: Number(arg(argv, 'instances') ?? 3),
    ferrets: Number(arg(argv, 'ferrets') ?? 2),
    port: Number(arg(argv, 'port') ?? 8080),
    pg: arg(argv, 'pg'),
    database: arg(argv, 'database'),
    dataDir: path.resolve(arg(argv, 'data-dir') ?? path.join(repoRoot, 'data-cluster')),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\nWorkplace Voice cluster: ${cluster.url}  (first visit: create the admin account; Ctrl-C stops everything)\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping …\n');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
