/**
 * Issue 2 figure: from `npm start` to the first 200 on /healthz, FerretDB already built: ≤ 5 s.
 *
 *   npm run bench:startup [-- --runs 5 --at-commit HEAD --no-write]
 *
 * `--at-commit <rev>` measures a clean `git archive` export of that commit (built in a temp dir,
 * sharing node_modules) instead of the working tree — useful while others have work in progress.
 *
 * Builds dist/ first when it is missing or older than src/. Then, each run on a free port of
 * 127.0.0.1 with its own temp DATA_DIR (so the embedded FerretDB is started by the app):
 *  - `node dist/src/server.js` with a fresh data dir (`--runs` times) and with an existing one;
 *  - `npm start` itself with a fresh data dir (npm's own start-up included);
 *  - baseline: `node -e` with an empty http server answering 200 (the node start-up floor).
 * /healthz is polled every 50 ms; each server is stopped with SIGTERM, and afterwards no process
 * may still mention its data dir (`pgrep -f <dir>`: the FerretDB child must be gone too).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embedded/process.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';
import { fmt, machineInfo, repoRoot, upsertPerformanceSubsection } from './lib/report.js';

const LIMIT_MS = 5000;
const POLL_MS = 50;
const RUN_TIMEOUT_MS = 30_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const RUNS = Number(arg('runs', '5'));
const WRITE = !process.argv.includes('--no-write');

const AT_COMMIT = arg('at-commit', '');
let appRoot = repoRoot;
let SERVER_JS = path.join(appRoot, 'dist', 'src', 'server.js');

/** Exports `rev` into `dir` (git archive), links node_modules; returns the full commit id. */
function exportCommit(rev: string, dir: string): string {
  const commit = spawnSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  if (!commit) throw new Error(`unknown commit ${rev}`);
  const r = spawnSync('sh', ['-c', `git archive ${commit} | tar -x -C '${dir}'`], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('git archive failed');
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return commit;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm run build` when dist/src/server.js is missing or older than any file under src/. */
function ensureBuilt(): string {
  const stale = !existsSync(SERVER_JS) || statSync(SERVER_JS).mtimeMs < newestMtime(path.join(appRoot, 'src'));
  if (!stale) return 'dist/ was up to date';
  process.stdout.write('building dist/ (npm run build) …\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: appRoot, stdio: 'inherit' });
  if (!existsSync(SERVER_JS)) throw new Error('npm run build did not produce dist/src/server.js');
  // tsc still emits when it reports type errors (e.g. someone's work in progress): say so.
  return r.status === 0 ? 'dist/ rebuilt with `npm run build`' : `dist/ rebuilt with \`npm run build\` (which exited with ${r.status})`;
}

function get200(port: number, urlPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function pgrep(pattern: string): number[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0 && n !== process.pid);
}

interface RunResult {
  kind: string;
  ms: number;
  ok: boolean;
  /** Processes mentioning the data dir while the server was up (the app's FerretDB child). */
  dbProcsWhileUp: number;
  /** Processes still mentioning the data dir after the server exited (must be 0). */
  orphans: number;
  stopMs: number;
  exitCode: number | null;
  note: string;
}

/** Starts one server, polls until the first 200, stops it with SIGTERM, checks for orphans. */
async function timeRun(
  kind: string,
  command: string,
  args: string[],
  opts: { port: number; dataDir?: string; urlPath: string; group?: boolean; logFile: string },
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(opts.port), HOST: '127.0.0.1' };
  delete env.MONGODB_URI; // the embedded FerretDB is what is measured
  if (opts.dataDir) env.DATA_DIR = opts.dataDir;
  const fd = openSync(opts.logFile, 'a');
  const t0 = performance.now();
  const child: ChildProcess = spawn(command, args, { cwd: appRoot, env, stdio: ['ignore', fd, fd], detached: opts.group === true });
  closeSync(fd);
  let exitCode: number | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      exitCode = code ?? (signal ? 128 : null);
      resolve();
    }),
  );
  let ms = Number.NaN;
  while (!exited && performance.now() - t0 < RUN_TIMEOUT_MS) {
    if (await get200(opts.port, opts.urlPath)) {
      ms = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const dbProcsWhileUp = opts.dataDir ? pgrep(opts.dataDir).length : 0;
  const s0 = performance.now();
  const signal = () => {
    if (opts.group && child.pid) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
  };
  if (!exited) signal();
  const killer = setTimeout(() => {
    if (opts.group && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  }, 15_000);
  await exit;
  clearTimeout(killer);
  const stopMs = performance.now() - s0;
  let orphans = 0;
  if (opts.dataDir) {
    // The app stops FerretDB before it exits; give the OS a moment to reap it, then look.
    for (let i = 0; i < 20; i++) {
      orphans = pgrep(opts.dataDir).length;
      if (orphans === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const pid of pgrep(opts.dataDir)) process.kill(pid, 'SIGKILL'); // never leave one behind
  }
  const ok = Number.isFinite(ms);
  let note = '';
  if (!ok) note = `no 200 within ${RUN_TIMEOUT_MS / 1000} s: ${readFileSync(opts.logFile, 'utf8').slice(-500)}`;
  const result: RunResult = { kind, ms, ok, dbProcsWhileUp, orphans, stopMs, exitCode, note };
  process.stdout.write(
    `  ${kind}: ${ok ? `${fmt(ms)} ms to 200` : 'FAILED'}; stopped in ${fmt(stopMs)} ms (exit ${exitCode}); ` +
      (opts.dataDir ? `database processes while up ${dbProcsWhileUp}, left after stop ${orphans}` : '') +
      `${note ? `\n    ${note}` : ''}\n`,
  );
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<void> {
  const ferretBinary = await findExecutable('ferretdb', [await goBinDir()]);
  if (!ferretBinary) throw new Error('no ferretdb binary (PATH or ~/go/bin): the figure assumes FerretDB is already built');
  const machine = machineInfo(ferretBinary);
  process.stdout.write(`${machine}\n`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'wv-bench-startup-'));
  let source = 'the working tree';
  if (AT_COMMIT) {
    appRoot = path.join(tmp, 'checkout');
    mkdirSync(appRoot);
    const commit = exportCommit(AT_COMMIT, appRoot);
    SERVER_JS = path.join(appRoot, 'dist', 'src', 'server.js');
    source = `commit ${commit.slice(0, 12)} (\`git archive\` export, built in a temp dir)`;
  }
  let built: string;
  try {
    built = ensureBuilt();
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  process.stdout.write(`${source}: ${built}\n`);
  const results: RunResult[] = [];
  let engineLine = '';
  try {
    const floorScript = "require('http').createServer((q,s)=>{s.end('ok')}).listen(+process.env.PORT,'127.0.0.1')";
    process.stdout.write('baseline: node -e with an empty http server\n');
    for (let i = 0; i < RUNS; i++) {
      results.push(
        await timeRun('node -e (empty http server)', process.execPath, ['-e', floorScript], {
          port: await freePort(),
          urlPath: '/',
          logFile: path.join(tmp, `floor-${i}.log`),
        }),
      );
    }

    process.stdout.write('node dist/src/server.js, fresh DATA_DIR\n');
    for (let i = 0; i < RUNS; i++) {
      const dataDir = path.join(tmp, `fresh-${i}`);
      const logFile = path.join(tmp, `fresh-${i}.log`);
      results.push(await timeRun('node dist/src/server.js, fresh DATA_DIR', process.execPath, [SERVER_JS], { port: await freePort(), dataDir, urlPath: '/healthz', logFile }));
      if (!engineLine) {
        const line = readFileSync(logFile, 'utf8')
          .split('\n')
          .find((l) => l.includes('embedded database started'));
        if (line) engineLine = String((JSON.parse(line) as { msg?: string }).msg ?? '');
      }
    }

    // The same data dir again and again: FerretDB opens existing SQLite files, indexes exist.
    const existing = path.join(tmp, 'fresh-0');
    process.stdout.write(`node dist/src/server.js, existing DATA_DIR (${existing})\n`);
    for (let i = 0; i < RUNS; i++) {
      results.push(
        await timeRun('node dist/src/server.js, existing DATA_DIR', process.execPath, [SERVER_JS], {
          port: await freePort(),
          dataDir: existing,
          urlPath: '/healthz',
          logFile: path.join(tmp, `existing-${i}.log`),
        }),
      );
    }

    process.stdout.write('npm start, fresh DATA_DIR (stopped with SIGTERM to its process group)\n');
    const npmRuns = Math.max(3, Math.ceil(RUNS / 2));
    for (let i = 0; i < npmRuns; i++) {
      results.push(
        await timeRun('npm start, fresh DATA_DIR', 'npm', ['start', '--silent'], {
          port: await freePort(),
          dataDir: path.join(tmp, `npm-${i}`),
          urlPath: '/healthz',
          group: true,
          logFile: path.join(tmp, `npm-${i}.log`),
        }),
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const kinds = [...new Set(results.map((r) => r.kind))];
  const rows = kinds.map((kind) => {
    const rs = results.filter((r) => r.kind === kind);
    const times = rs.filter((r) => r.ok).map((r) => r.ms);
    const failed = rs.length - times.length;
    const app = kind !== 'node -e (empty http server)';
    return {
      kind,
      app,
      line:
        `| ${kind} | ${rs.length} | ${times.length ? fmt(median(times)) : '—'} | ${times.length ? fmt(Math.max(...times)) : '—'} | ` +
        `${rs.map((r) => (r.ok ? fmt(r.ms) : 'fail')).join(', ')} | ${fmt(median(rs.map((r) => r.stopMs)))} | ` +
        `${app ? `${fmt(rs.reduce((a, r) => a + r.dbProcsWhileUp, 0) / rs.length, 1)} / ${rs.reduce((a, r) => a + r.orphans, 0)}` : '—'} |` +
        (failed ? ` ${failed} failed` : ''),
    };
  });
  const appRuns = results.filter((r) => r.kind !== 'node -e (empty http server)');
  const worst = Math.max(...appRuns.map((r) => (r.ok ? r.ms : Number.POSITIVE_INFINITY)));
  const orphans = appRuns.reduce((a, r) => a + r.orphans, 0);
  const noDbProc = appRuns.filter((r) => r.dbProcsWhileUp === 0).length;
  const pass = worst <= LIMIT_MS && orphans === 0;
  const report = [
    machine,
    `- Command: \`npm run bench:startup${AT_COMMIT ? ` -- --at-commit ${AT_COMMIT}` : ''}\` (= \`tsx bench/startup.ts\`, --runs ${RUNS}); measured: ${source}; ${built}`,
    `- Engine: ${engineLine || 'see the app log'}`,
    '',
    `Time from spawning the process to the first 200 on /healthz (polled every ${POLL_MS} ms, so ±${POLL_MS} ms), \`HOST=127.0.0.1\`, a free \`PORT\`, \`DATA_DIR\` in a temp dir, no \`MONGODB_URI\` (the app starts its embedded FerretDB), default \`LOG_LEVEL\`. Each server is stopped with SIGTERM; afterwards \`pgrep -f <DATA_DIR>\` must find nothing (the FerretDB child is gone).`,
    '',
    '| run | n | median ms | max ms | each run, ms | median SIGTERM→exit ms | DB processes while up (avg) / left after stop (total) |',
    '|---|---:|---:|---:|---|---:|---|',
    ...rows.map((r) => r.line),
    '',
    `**${pass ? 'PASS' : 'FAIL'}**: slowest app start ${Number.isFinite(worst) ? `${fmt(worst)} ms` : 'failed'} (target ≤ ${fmt(LIMIT_MS)} ms); ${orphans} processes left behind after SIGTERM${noDbProc ? `; in ${noDbProc} runs no database process was seen while the app was up` : ''}.`,
  ].join('\n');
  process.stdout.write(`\n${report}\n`);
  if (WRITE) {
    upsertPerformanceSubsection('Startup to first healthy response', report);
    process.stdout.write('\nwritten to docs/PERFORMANCE.md\n');
  }
  process.exitCode = pass ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
