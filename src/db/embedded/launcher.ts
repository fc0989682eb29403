import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildFerretDb, FERRETDB_BINARY, FERRETDB_VERSION, isCurrentBuild } from './ferretdb-build.js';
import { findExecutable, goBinDir } from './locate.js';
import { freePort, spawnServer, type ServerProcess } from './process.js';

/** A database the app started itself; `stop()` ends it. */
export interface EmbeddedDatabase {
  engine: string;
  uri: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface LaunchContext {
  /** Root data directory; each engine uses its own subfolder. */
  dataDir: string;
  readyTimeoutMs: number;
  log: (msg: string) => void;
}

/**
 * One way of getting a database. `start` resolves to null when the engine is not available
 * on this machine (so the next one is tried) and throws when it is available but broken.
 */
export interface EngineCandidate {
  name: string;
  /** What a person can do to make this option available (for the final error message). */
  howToEnable: string;
  start(ctx: LaunchContext): Promise<EmbeddedDatabase | null>;
}

export class NoEmbeddedDatabaseError extends Error {
  constructor(readonly attempts: Array<{ name: string; reason: string }>, candidates: EngineCandidate[]) {
    super(
      [
        'No database available. Set MONGODB_URI to a MongoDB (6+) or FerretDB server, or make one of these available:',
        ...candidates.map((c, i) => `  ${i + 1}. ${c.name}: ${c.howToEnable}`),
        'What was tried:',
        ...attempts.map((a) => `  - ${a.name}: ${a.reason}`),
      ].join('\n'),
    );
    this.name = 'NoEmbeddedDatabaseError';
  }
}

/**
 * Starts a database process and keeps it running: when it exits while the app still needs it
 * (killed, crashed), it is started again on the same port with the same data — the app's
 * connection recovers by itself — retrying with a growing pause (0.2 s … 10 s). `stop()` ends it.
 */
export async function supervised(start: () => Promise<ServerProcess>, log: (msg: string) => void): Promise<{ stop(): Promise<void> }> {
  let current = await start();
  let stopping = false;
  const watch = (proc: ServerProcess) =>
    proc.child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`the embedded database exited unexpectedly (${signal ?? `exit code ${code}`}); starting it again`);
      const retry = async (delayMs: number): Promise<void> => {
        await new Promise((r) => setTimeout(r, delayMs));
        if (stopping) return;
        try {
          const next = await start();
          if (stopping) return void (await next.stop());
          current = next;
          watch(next);
          log('the embedded database is running again');
        } catch (err) {
          log(`restarting the embedded database failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); trying again`);
          await retry(Math.min(delayMs * 2, 10_000));
        }
      };
      void retry(200);
    });
  watch(current);
  return {
    stop: async () => {
      stopping = true;
      await current.stop();
    },
  };
}

/** Tries the candidates in order and returns the first database that starts. */
export async function startEmbeddedDatabase(
  ctx: LaunchContext,
  candidates: EngineCandidate[] = defaultCandidates(),
): Promise<EmbeddedDatabase> {
  await mkdir(ctx.dataDir, { recursive: true });
  const attempts: Array<{ name: string; reason: string }> = [];
  for (const candidate of candidates) {
    try {
      const db = await candidate.start(ctx);
      if (db) return db;
      attempts.push({ name: candidate.name, reason: 'not available' });
    } catch (err) {
      attempts.push({ name: candidate.name, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  throw new NoEmbeddedDatabaseError(attempts, candidates);
}

export interface CandidateDeps {
  findExecutable: (name: string, extraDirs?: string[]) => Promise<string | null>;
  goBinDir: () => Promise<string>;
  /** Loads mongodb-memory-server-core (an optional dependency); null when not installed. */
  loadMemoryServer: () => Promise<MemoryServerModule | null>;
  buildFerretDb: (log: (m: string) => void) => Promise<string>;
  /** False for a `ferretdb-wv` built by an older version of this code (see FERRETDB_BUILD_ID). */
  isCurrentBuild: (binary: string) => Promise<boolean>;
}

export interface MemoryServerModule {
  MongoMemoryServer: {
    create(opts: { instance: { dbPath: string; ip: string; port: number; storageEngine: string } }): Promise<{
      getUri(): string;
      stop(opts?: { doCleanup?: boolean }): Promise<boolean>;
    }>;
  };
}

const realDeps: CandidateDeps = {
  findExecutable,
  goBinDir,
  loadMemoryServer: async () => {
    try {
      // Optional dependency typed structurally above: the app must not require it to compile.
      return (await import('mongodb-memory-server-core' as string)) as MemoryServerModule;
    } catch {
      return null;
    }
  },
  buildFerretDb,
  isCurrentBuild,
};

/** The design's order: mongod → ferretdb → mongodb-memory-server → build FerretDB with Go. */
export function defaultCandidates(deps: CandidateDeps = realDeps): EngineCandidate[] {
  const startFerret = async (binary: string, ctx: LaunchContext): Promise<EmbeddedDatabase> => {
    const dir = path.join(ctx.dataDir, 'ferretdb');
    const stateDir = path.join(ctx.dataDir, 'ferretdb-state');
    await mkdir(dir, { recursive: true });
    await mkdir(stateDir, { recursive: true });
    const port = await freePort();
    const server = await supervised(
      () =>
        spawnServer(
          binary,
          [
            '--handler=sqlite',
            // BEGIN IMMEDIATE for FerretDB's write transactions: concurrent writers then wait
            // (its busy_timeout is 10 s) instead of failing with SQLITE_BUSY when a deferred
            // transaction cannot upgrade to a write lock (seen under load as 500s on autosave).
            `--sqlite-url=file:${dir}/?_txlock=immediate`,
            `--listen-addr=127.0.0.1:${port}`,
            `--state-dir=${stateDir}`,
            '--debug-addr=-',
            '--telemetry=disable',
            '--log-level=warn',
          ],
          { port, cwd: stateDir, readyTimeoutMs: ctx.readyTimeoutMs },
        ),
      ctx.log,
    );
    return { engine: `ferretdb (${binary}, SQLite)`, uri: `mongodb://127.0.0.1:${port}/workplace-voice`, dataDir: dir, stop: () => server.stop() };
  };

  return [
    {
      name: 'mongod',
      howToEnable: 'install MongoDB so that `mongod` is on the PATH',
      async start(ctx) {
        const mongod = await deps.findExecutable('mongod');
        if (!mongod) return null;
        const dir = path.join(ctx.dataDir, 'mongod');
        await mkdir(dir, { recursive: true });
        const port = await freePort();
        const server = await supervised(
          () => spawnServer(mongod, ['--dbpath', dir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'], { port, readyTimeoutMs: ctx.readyTimeoutMs }),
          ctx.log,
        );
        return { engine: `mongod (${mongod})`, uri: `mongodb://127.0.0.1:${port}/workplace-voice`, dataDir: dir, stop: () => server.stop() };
      },
    },
    {
      name: 'ferretdb',
      howToEnable: `put a \`${FERRETDB_BINARY}\` or \`ferretdb\` ${FERRETDB_VERSION} binary on the PATH or in Go's bin directory (~/go/bin)`,
      async start(ctx) {
        // Prefer our build (with the _id index fix, see ferretdb-build.ts); a stock binary works too.
        const gobin = await deps.goBinDir();
        const ours = await deps.findExecutable(FERRETDB_BINARY, [gobin]);
        if (ours) {
          // An older build still works (it lacks later fixes); rebuilding takes minutes, so the
          // app starts with it and says how to update instead of building at start.
          if (!(await deps.isCurrentBuild(ours))) ctx.log(`${ours} is an older build of ours; \`npx workplace-voice db install\` rebuilds it with the current fixes`);
          return startFerret(ours, ctx);
        }
        const stock = await deps.findExecutable('ferretdb', [gobin]);
        if (stock) ctx.log(`using a stock ferretdb (${stock}); \`npx workplace-voice db install\` builds ${FERRETDB_BINARY}, whose _id lookups use the index`);
        return stock ? startFerret(stock, ctx) : null;
      },
    },
    {
      name: 'mongodb-memory-server',
      howToEnable: 'have internet access once, so mongodb-memory-server can download MongoDB (cached afterwards)',
      async start(ctx) {
        const mod = await deps.loadMemoryServer();
        if (!mod) return null;
        const dir = path.join(ctx.dataDir, 'mongodb-memory-server');
        await mkdir(dir, { recursive: true });
        const port = await freePort();
        const server = await mod.MongoMemoryServer.create({ instance: { dbPath: dir, ip: '127.0.0.1', port, storageEngine: 'wiredTiger' } });
        return {
          engine: 'mongodb-memory-server',
          uri: new URL('workplace-voice', server.getUri()).toString(),
          dataDir: dir,
          stop: async () => {
            await server.stop({ doCleanup: false });
          },
        };
      },
    },
    {
      name: 'FerretDB built with Go',
      howToEnable: `install Go (with access to its module proxy); FerretDB ${FERRETDB_VERSION} is then built once into ~/go/bin`,
      async start(ctx) {
        const go = await deps.findExecutable('go', ['/usr/local/go/bin']);
        if (!go) return null;
        const binary = await deps.buildFerretDb(ctx.log);
        return startFerret(binary, ctx);
      },
    },
  ];
}
