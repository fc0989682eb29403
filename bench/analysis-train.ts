/**
 * Training time of the coder on the corpus plus a campaign's corrections (issue 13: ≤ 5 s for a
 * 2,000-answer campaign). A synthetic campaign of N answers (bench/synthetic-campaign.ts, the
 * answers' inherited codes as the lead's corrections) is corrected completely — the worst case: every
 * answer of the campaign is a correction — and the time to retrain all four code groups is measured
 * in a fresh child process (no cached model), pinned to one CPU like bench:analysis.
 *
 *   npx tsx bench/analysis-train.ts [--sizes 500,2000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Correction } from '../src/analysis/types.js';
import { DEFAULT_DATA } from './analysis-baseline.js';
import { generateCampaign, type SyntheticAnswer } from './synthetic-campaign.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

async function child(file: string): Promise<void> {
  const rows = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as SyntheticAnswer);
  const mod = (await import(pathToFileURL(path.join(repoRoot, 'src/analysis/index.ts')).href)) as typeof import('../src/analysis/index.js');
  const coder = (await import(pathToFileURL(path.join(repoRoot, 'src/analysis/coding/coder.ts')).href)) as typeof import('../src/analysis/coding/coder.js');
  const groupOf: Record<string, 'channels' | 'themes' | 'features'> = { q1: 'channels', q2: 'themes', q3: 'themes', q4: 'features' };
  const corrections: Correction[] = rows.map((r) => {
    const c: Correction = { text: r.text, question: r.question, lang: r.lang };
    const out = groupOf[r.question];
    // The synthetic answer inherits the codes of all its source sentences; keep those of its group.
    const ids = new Set(mod.BUILTIN_CODEBOOK.groups.find((g) => g.output === out && mod.roleOfQuestion(r.question) === g.role)?.codes.map((x) => x.id) ?? []);
    c[out] = r.codes.filter((x) => ids.has(x));
    if (r.question === 'q3' && (r.challenge_type === 'technical' || r.challenge_type === 'cultural')) c.challenge_type = r.challenge_type;
    return c;
  });
  const t0 = performance.now();
  for (const g of mod.BUILTIN_CODEBOOK.groups) coder.modelFor(g, corrections);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`RESULT ${JSON.stringify({ seconds, corrections: corrections.length, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

function parent(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const sizes = (opt('--sizes') ?? '500,2000').split(',').map(Number);
  const runs = Number(opt('--runs') ?? '3');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wv-train-'));
  const taskset = existsSync('/usr/bin/taskset');
  console.log(`training on corpus + corrections; ${os.cpus()[0]?.model ?? 'cpu'}, load avg ${os.loadavg()[0].toFixed(2)}; one core: ${taskset ? 'taskset -c 0' : 'not pinned'}`);
  console.log('| campaign answers (all corrected) | retrain, 4 groups (best of runs) | all runs | target |');
  console.log('| ---: | ---: | --- | --- |');
  try {
    for (const size of sizes) {
      const file = path.join(dir, `c-${size}.jsonl`);
      writeFileSync(file, generateCampaign(DEFAULT_DATA, size, 20240611).map((a) => JSON.stringify(a)).join('\n') + '\n');
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const cmd = [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', file];
        const res = taskset ? spawnSync('/usr/bin/taskset', ['-c', '0', ...cmd], { cwd: repoRoot, encoding: 'utf8' }) : spawnSync(cmd[0], cmd.slice(1), { cwd: repoRoot, encoding: 'utf8' });
        const line = (res.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
        if (!line) throw new Error(`child failed: ${(res.stderr ?? '').slice(-500)}`);
        times.push((JSON.parse(line.slice(7)) as { seconds: number }).seconds);
      }
      const best = Math.min(...times);
      console.log(`| ${size.toLocaleString('en')} | ${best.toFixed(2)} s | ${times.map((t) => t.toFixed(2)).join(' / ')} s | ≤ 5 s: ${best <= 5 ? 'met' : 'NOT met'} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3]).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  parent();
}
