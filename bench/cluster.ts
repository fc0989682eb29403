/**
 * Issue 18 figures: the cluster of `npm run cluster` (deploy/cluster.ts) under load, through the
 * proxy, against the same topology with ONE app instance, in the same run:
 *
 *   npm run bench:cluster [-- --duration 30 --connections 100 --paced 600 --paced-duration 60
 *                             --warmup 5 --no-write]
 *
 * Phases, each on a fresh PostgreSQL database (FerretDB's PostgreSQL backend, active + spare):
 *  1. 1 app instance behind HAProxy: `--connections` respondents back to back (a respondent's
 *     whole visit per cycle, as bench/load.ts makes it: welcome, consent, form, 3 autosaves,
 *     submit), for `--duration` s → submits/s;
 *  2. the same with 3 instances;
 *  3. 3 instances, `--paced` respondents at once, each sending one request a second (a person
 *     typing: the page autosaves every few seconds) for `--paced-duration` s → p99, errors.
 * Every connection comes from its own loopback address (the proxy forwards it; the app trusts
 * the proxy), as distinct respondents would. After each phase the responses and drafts are
 * counted in the database (bench/load.ts countWeb: lost, duplicated, wrong answers).
 * CPU seconds per process group during each measured window show where the time goes
 * (the machine has 2 CPUs: 3 instances cannot be faster than 1 by much — the point is where the
 * bottleneck moves).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from '../deploy/cluster.js';
import { seedCampaign } from '../test/faults/helpers.js';
import { countWeb, latencyRow, Stats, visit, type Count, type Ledger } from './load.js';
import { runLoad, runStaggered } from './lib/load.js';
import { fmt, machineInfo, upsertPerformanceSubsection } from './lib/report.js';
import { SCALE_OUT_SECTION } from './lib/timed-app.js';
import { findExecutable, goBinDir } from '../src/db/embedded/locate.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const DURATION = Number(arg('duration', '30'));
const CONNECTIONS = Number(arg('connections', '100'));
const PACED = Number(arg('paced', '600'));
const PACED_DURATION = Number(arg('paced-duration', '60'));
const WARMUP = Number(arg('warmup', '5'));
const WRITE = !process.argv.includes('--no-write');
const P99_TARGET_MS = 200;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** utime+stime (s) of a process and, for grouping, its command name. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
/** CPU seconds per group: app instances, FerretDB, PostgreSQL, HAProxy, this load generator. */
function cpuSnapshot(cluster: Cluster): Record<string, number> {
  const sum = (pids: number[]) => pids.reduce((a, p) => a + cpuSeconds(p), 0);
  return {
    'app instances': sum(cluster.apps.map((a) => a.child.pid ?? 0)),
    FerretDB: sum(cluster.ferrets.map((f) => f.proc.child.pid ?? 0)),
    PostgreSQL: sum(pidsOf('postgres')),
    HAProxy: sum(pidsOf('haproxy')),
    'load generator': process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  };
}

interface PhaseResult {
  name: string;
  instances: number;
  connections: number;
  seconds: number;
  submitsPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  submitP99: number;
  errors: number;
  bad: string;
  count: Count;
  cpu: Record<string, number>;
}

async function phase(name: string, instances: number, connections: number, seconds: number, paced?: number): Promise<PhaseResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wv-bench-cluster-'));
  const cluster = await startCluster({ instances, dataDir, database: 'wv_bench_cluster', fresh: true, env: { LOG_LEVEL: 'warn' } });
  try {
    const campaign = await seedCampaign(cluster.mongoUri);
    const ledger: Ledger = { devices: new Map(), next: 0 };
    const stats = new Stats();
    const stage = { measuring: false };
    const requests = visit(campaign.publicToken, ledger, stats, stage);
    const opts = { url: cluster.url, connections, timeout: 30, distinctSources: true, requests };
    const go = (duration: number) => (paced ? runStaggered({ ...opts, connectionRate: paced, duration }) : runLoad({ ...opts, duration }));
    if (WARMUP > 0) {
      log(`  ${name}: warm-up ${WARMUP} s …`);
      await go(WARMUP);
    }
    stage.measuring = true;
    const submittedBefore = [...ledger.devices.values()].filter((d) => d.submitted).length;
    const cpu0 = cpuSnapshot(cluster);
    log(`  ${name}: ${connections} connections for ${seconds} s${paced ? `, ${paced} request/s each` : ''} …`);
    const result = await go(seconds);
    const cpu1 = cpuSnapshot(cluster);
    const submitted = [...ledger.devices.values()].filter((d) => d.submitted).length - submittedBefore;
    const cpu = Object.fromEntries(Object.keys(cpu1).map((k) => [k, cpu1[k] - cpu0[k]]));
    const all = [...stats.latencies.values()].flat();
    const row = latencyRow(all);
    const submitRow = latencyRow(stats.latencies.get('submit') ?? []);
    const count = await countWeb(cluster.mongoUri, campaign.campaignId, ledger);
    const out: PhaseResult = {
      name,
      instances,
      connections,
      seconds,
      submitsPerSecond: submitted / seconds,
      requestsPerSecond: result.requests.average,
      p50: row.p50,
      p99: row.p99,
      submitP99: submitRow.p99,
      errors: result.errors + result.timeouts + stats.badTotal(),
      bad: JSON.stringify(Object.fromEntries(stats.bad)),
      count,
      cpu,
    };
    log(`  ${name}: ${fmt(out.submitsPerSecond, 1)} submits/s, ${fmt(out.requestsPerSecond)} req/s, p50 ${fmt(out.p50, 1)} ms, p99 ${fmt(out.p99, 1)} ms, errors ${out.errors} ${out.bad}; ${count.text}`);
    log(`  CPU s: ${Object.entries(cpu).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}`);
    return out;
  } finally {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const ferret = await findExecutable('ferretdb-wv', [await goBinDir()]);
  const machine = machineInfo(ferret ?? undefined);
  log(machine);
  const one = await phase('1 instance', 1, CONNECTIONS, DURATION);
  const three = await phase('3 instances', 3, CONNECTIONS, DURATION);
  const paced = await phase(`3 instances, ${PACED} paced respondents`, 3, PACED, PACED_DURATION, 1);
  const ratio = three.submitsPerSecond / one.submitsPerSecond;
  const cpuCols = Object.keys(one.cpu);
  const pacedOk = paced.errors === 0 && paced.count.lost === 0 && paced.count.duplicates === 0 && paced.p99 <= P99_TARGET_MS;
  const report = [
    machine,
    `- Command: \`npm run bench:cluster\` — \`npm run cluster\`'s topology (HAProxy → app instances → HAProxy → FerretDB active + spare → the machine's PostgreSQL 15), a fresh database per phase; autocannon in this process, every connection from its own loopback address; a cycle is a respondent's whole visit (welcome, consent, form, 3 autosaves, submit).`,
    '',
    '| phase | connections | s | submits/s | req/s | p50 ms | p99 ms | submit p99 ms | errors | lost | duplicated |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[one, three, paced].map(
      (p) => `| ${p.name} | ${p.connections} | ${p.seconds} | ${fmt(p.submitsPerSecond, 1)} | ${fmt(p.requestsPerSecond)} | ${fmt(p.p50, 1)} | ${fmt(p.p99, 1)} | ${fmt(p.submitP99, 1)} | ${p.errors} | ${p.count.lost} | ${p.count.duplicates} |`,
    ),
    '',
    'CPU seconds used during each measured window (2 CPUs = at most 2 s per second):',
    '',
    `| phase | ${cpuCols.join(' | ')} |`,
    `|---|${cpuCols.map(() => '---:').join('|')}|`,
    ...[one, three, paced].map((p) => `| ${p.name} | ${cpuCols.map((k) => fmt(p.cpu[k], 1)).join(' | ')} |`),
    '',
    `3 instances ÷ 1 instance, submits/s: **${fmt(ratio, 2)}×**.`,
    `${PACED} paced respondents for ${PACED_DURATION} s through the proxy: p99 ${fmt(paced.p99, 1)} ms, ${paced.errors} errors, ${paced.count.lost} lost, ${paced.count.duplicates} duplicated → target (0 errors/lost/duplicated, p99 ≤ ${P99_TARGET_MS} ms) **${pacedOk ? 'met' : 'missed'}**.`,
    '',
    'Counted in the database after each phase:',
    '',
    ...[one, three, paced].map((p) => `- ${p.name}: ${p.count.text}`),
  ].join('\n');
  log(`\n${report}`);
  if (WRITE) {
    upsertPerformanceSubsection('Through the proxy: 3 instances vs 1 (`npm run bench:cluster`)', report, undefined, SCALE_OUT_SECTION);
    log('\nwritten to docs/PERFORMANCE.md');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
