/**
 * Speed bench for the analysis engine (issues 3 and 13): synthetic campaigns of 1k, 10k and 100k answers
 * (bench/synthetic-campaign.ts), `analyze()` timed on one core, peak RSS recorded, plus a
 * scikit-learn pipeline (TfidfVectorizer + one-vs-rest LogisticRegression fit/predict + KMeans per
 * question) on the same answers in the same run — or, without python3-sklearn, the TypeScript
 * baseline of bench/baseline-model.ts.
 *
 *   npm run bench:analysis [-- --sizes 1000,10000,100000] [--json out.json] [--unique]
 *
 * --unique appends a distinct token to every answer (" zq<n>x"), so no two answers are equal: the
 * engine analyses word-for-word repeats once, and this variant shows the speed without that help.
 *
 * Each measurement runs in its own child process so peak RSS of one size cannot leak into the
 * next, pinned to CPU 0 with taskset when available ("one core" includes V8's GC helper threads
 * and BLAS threads), with OMP/OpenBLAS limited to one thread. Children time only the analysis
 * itself: generating and parsing the input is outside the clock (but inside the peak RSS, for
 * both sides alike). Every child has a timeout, so the bench always ends.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnalysisAnswer, AnalyzeOptions } from '../src/analysis/types.js';
import { codebookSizes, DEFAULT_CODEBOOK, DEFAULT_DATA, sklearnAvailable } from './analysis-baseline.js';
import { kmeansSparse, predictOneVsRest, predictProba, Tfidf, trainLogReg, trainOneVsRest } from './baseline-model.js';
import { generateCampaign, type SyntheticAnswer } from './synthetic-campaign.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const SEED = 20240611;
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
/** Issue 13: analyze on 10,000 and 100,000 answers within 0.6× the scikit-learn pipeline's time in the same run. */
const TARGET_RATIO = 0.6;
const TARGET_SIZES = new Set([10_000, 100_000]);
const PEAK_LIMIT = 1024 ** 3;

interface Measurement {
  seconds: number;
  maxRssBytes: number;
  /** RSS after loading the input, before the clock starts (engine/TS children only). */
  rssBeforeBytes?: number;
  detail?: string;
}

type Outcome = Measurement | { error: string };

function readAnswers(file: string): SyntheticAnswer[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SyntheticAnswer);
}

/** resourceUsage().maxRSS is in KiB. */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

async function childEngine(file: string): Promise<Measurement> {
  const rows = readAnswers(file);
  // `lang` is left out on purpose: the engine then detects it, the costlier (conservative) path.
  const answers: AnalysisAnswer[] = rows.map((r) => ({ id: r.id, question: r.question, text: r.text, respondent: r.respondent, segments: r.segments }));
  // Imported at run time so this harness typechecks and runs its baseline half before the engine exists.
  const mod = (await import(pathToFileURL(path.join(repoRoot, 'src/analysis/index.ts')).href)) as {
    analyze: (a: AnalysisAnswer[], o?: AnalyzeOptions) => { answers: unknown[]; clusters: unknown[] } | Promise<{ answers: unknown[]; clusters: unknown[] }>;
  };
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const result = await mod.analyze(answers, { seed: 42 });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, maxRssBytes: peakRss(), rssBeforeBytes: rssBefore, detail: `${result.answers.length} answers, ${result.clusters.length} clusters` };
}

/** The TypeScript stand-in for scikit-learn: same pipeline shape as sklearn_baseline.py's speed mode. */
function childTsBaseline(file: string): Measurement {
  const rows = readAnswers(file);
  const k = codebookSizes(DEFAULT_CODEBOOK);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  for (const q of ['q1', 'q2', 'q3', 'q4']) {
    const sub = rows.filter((r) => r.question === q);
    if (sub.length === 0) continue;
    const vec = new Tfidf().fit(sub.map((r) => r.text));
    const X = vec.transform(sub.map((r) => r.text));
    predictOneVsRest(trainOneVsRest(X, sub.map((r) => r.codes), vec.size), X);
    if (q === 'q3') {
      const m = trainLogReg(X, sub.map((r) => r.challenge_type === 'technical'), vec.size);
      X.forEach((x) => predictProba(m, x));
    }
    kmeansSparse(X, vec.size, k[q], SEED, 1);
  }
  return { seconds: (performance.now() - t0) / 1000, maxRssBytes: peakRss(), rssBeforeBytes: rssBefore };
}

const hasTaskset = existsSync('/usr/bin/taskset');
const oneCoreEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function runChild(cmd: string[], input?: string): Outcome {
  const argv = hasTaskset ? ['-c', '0', ...cmd] : cmd.slice(1);
  const bin = hasTaskset ? '/usr/bin/taskset' : cmd[0];
  // cwd = repo root: `--import tsx` resolves the tsx package from the working directory.
  const res = spawnSync(bin, argv, { cwd: repoRoot, input, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', env: oneCoreEnv, maxBuffer: 16 * 1024 * 1024 });
  if (res.error || res.status !== 0) {
    const why = res.error?.message ?? `exit ${res.status ?? res.signal}`;
    const tail = (res.stderr ?? '').trim().split('\n').slice(-3).join(' / ');
    return { error: `${why}${tail ? `: ${tail}` : ''}`.slice(0, 300) };
  }
  const line = res.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT ') || l.startsWith('{'));
  if (!line) return { error: 'no result from child' };
  return JSON.parse(line.replace(/^RESULT /, '')) as Measurement;
}

const nodeChild = (mode: string, file: string): string[] => [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, file];

function machine(): Record<string, string> {
  const lscpu = spawnSync('lscpu', { encoding: 'utf8' }).stdout ?? '';
  const model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const sklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, sys; print(sklearn.__version__, sys.version.split()[0])'], { encoding: 'utf8' });
  return {
    nproc: String(os.availableParallelism()),
    cpu: model,
    ram: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    sklearn: sklearn.status === 0 ? `scikit-learn ${sklearn.stdout.trim().replace(' ', ', python ')}` : 'not installed',
    date: new Date().toISOString().slice(0, 10),
    engine: engineRevision(),
  };
}

/** Which engine was measured: last commit touching src/analysis, "+dirty" with uncommitted edits. */
export function engineRevision(): string {
  const git = (...a: string[]): string => spawnSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const rev = git('log', '-1', '--format=%h', '--', 'src/analysis') || 'unknown';
  return git('status', '--porcelain', '--', 'src/analysis') ? `${rev}+dirty` : rev;
}

const secs = (o: Outcome | undefined): string => (!o ? '—' : 'error' in o ? 'error' : `${o.seconds.toFixed(2)} s`);
const mib = (o: Outcome | undefined): string => (!o ? '—' : 'error' in o ? 'error' : `${Math.round(o.maxRssBytes / 1024 ** 2)} MiB`);

async function parent(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const sizes = (opt('--sizes') ?? '1000,10000,100000').split(',').map(Number);
  const jsonOut = opt('--json');
  const unique = args.includes('--unique');
  const useSklearn = sklearnAvailable();
  const info = machine();
  console.log(`machine: ${info.cpu}, nproc ${info.nproc}, RAM ${info.ram}, node ${info.node}, ${info.sklearn}; ${info.date}; engine ${info.engine}; load avg ${os.loadavg()[0].toFixed(2)} at start`);
  console.log(`one core: ${hasTaskset ? 'taskset -c 0' : 'NOT pinned (no taskset)'}, single process, no workers; seed ${SEED}${unique ? '; every answer unique (--unique)' : ''}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'wv-speed-'));
  const results: Array<{ size: number; engine: Outcome; baseline: Outcome }> = [];
  try {
    for (const size of sizes) {
      const file = path.join(dir, `answers-${size}.jsonl`);
      const campaign = generateCampaign(DEFAULT_DATA, size, SEED).map((a, i) => (unique ? { ...a, text: `${a.text} zq${i.toString(36)}x` } : a));
      writeFileSync(file, campaign.map((a) => JSON.stringify(a)).join('\n') + '\n');
      process.stderr.write(`size ${size}: engine … `);
      const engine = runChild(nodeChild('engine', file));
      process.stderr.write(`${secs(engine)}; baseline … `);
      const baseline = useSklearn
        ? runChild(['/usr/bin/python3', path.join(here, 'sklearn_baseline.py'), 'speed'], JSON.stringify({ file, k: codebookSizes(DEFAULT_CODEBOOK), seed: SEED }))
        : runChild(nodeChild('ts-baseline', file));
      process.stderr.write(`${secs(baseline)}\n`);
      results.push({ size, engine, baseline });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const baseName = useSklearn ? 'scikit-learn' : 'TS baseline';
  console.log();
  console.log(`| answers | engine time | engine peak RSS | ${baseName} time | ${baseName} peak RSS | engine ÷ ${baseName} | ≤ ${TARGET_RATIO}× | peak ≤ 1 GiB |`);
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: |');
  for (const r of results) {
    const ratio = 'error' in r.engine || 'error' in r.baseline ? undefined : r.engine.seconds / r.baseline.seconds;
    const ok = ratio === undefined ? 'no' : !TARGET_SIZES.has(r.size) ? '' : ratio <= TARGET_RATIO ? 'yes' : 'NO';
    const mem = 'error' in r.engine ? 'no' : r.engine.maxRssBytes <= PEAK_LIMIT ? 'yes' : 'NO';
    console.log(`| ${r.size.toLocaleString('en')} | ${secs(r.engine)} | ${mib(r.engine)} | ${secs(r.baseline)} | ${mib(r.baseline)} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}×`} | ${ok} | ${mem} |`);
  }
  for (const r of results) {
    if ('error' in r.engine) console.log(`engine @${r.size}: ${r.engine.error}`);
    else if (r.engine.detail) console.log(`engine @${r.size}: ${r.engine.detail}; RSS before analyze ${Math.round((r.engine.rssBeforeBytes ?? 0) / 1024 ** 2)} MiB`);
    if ('error' in r.baseline) console.log(`baseline @${r.size}: ${r.baseline.error}`);
  }

  // Growth check: time ratio between consecutive sizes vs the n and n·log n ratios.
  console.log();
  console.log('| sizes | size ratio | n·log n ratio | engine time ratio | ≤ n·log n | baseline time ratio |');
  console.log('| --- | ---: | ---: | ---: | :---: | ---: |');
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1];
    const b = results[i];
    const sizeRatio = b.size / a.size;
    const nlogn = (b.size * Math.log(b.size)) / (a.size * Math.log(a.size));
    const ratio = (x: Outcome, y: Outcome): number | undefined => ('error' in x || 'error' in y ? undefined : y.seconds / x.seconds);
    const er = ratio(a.engine, b.engine);
    const br = ratio(a.baseline, b.baseline);
    console.log(
      `| ${a.size}→${b.size} | ${sizeRatio.toFixed(1)} | ${nlogn.toFixed(1)} | ${er?.toFixed(1) ?? '—'} | ${er === undefined ? '—' : er <= nlogn ? 'yes' : 'NO'} | ${br?.toFixed(1) ?? '—'} |`,
    );
  }
  console.log(`load avg ${os.loadavg()[0].toFixed(2)} at the end`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: info, seed: SEED, baseline: baseName, results }, null, 2));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const out = args[1] === 'engine' ? await childEngine(args[2]) : childTsBaseline(args[2]);
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
    return;
  }
  await parent();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
