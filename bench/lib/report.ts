import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PERFORMANCE_MD = path.join(repoRoot, 'docs', 'PERFORMANCE.md');
const SECTION = '## Walking skeleton (issue 2)';
const INTRO = '# Performance\n\nMeasured figures of Workplace Voice: each section names its machine, date, commands and a baseline measured in the same run.\n';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return '';
  }
}

/** nproc, CPU model, RAM, OS, node and FerretDB versions: printed with every result. */
export function machineInfo(ferretdbBinary?: string): string {
  const model = /Model name:\s*(.+)/.exec(run('lscpu', []))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const nproc = run('nproc', []) || String(os.availableParallelism());
  const ram = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const ferret = ferretdbBinary ? /version:\s*(\S+)/.exec(run(ferretdbBinary, ['--version']))?.[1] : undefined;
  return [
    `- Machine: ${nproc} CPUs (\`nproc\`), ${model} (\`lscpu\` model name), ${ram} RAM, ${os.type()} ${os.release()} ${os.arch()}`,
    `- Node ${process.version}${ferret ? `; FerretDB ${ferret} with its SQLite backend (${ferretdbBinary})` : ''}`,
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min; the machine is shared, other work running alongside moves these figures)`,
  ].join('\n');
}

/**
 * Writes `body` as the `### title` subsection of this issue's section in docs/PERFORMANCE.md,
 * replacing an earlier run of the same subsection and leaving everybody else's sections alone.
 */
export function upsertPerformanceSubsection(
  title: string,
  body: string,
  file = PERFORMANCE_MD,
  /** Another issue's `## …` section (created at the end of the file when missing). */
  where: { heading: string; intro: string } = { heading: SECTION, intro: 'Benchmarks of the walking skeleton (issue 2); scripts in `bench/`, all on 127.0.0.1.' },
): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  if (!text.endsWith('\n')) text += '\n';
  const lines = text.split('\n');
  let start = lines.findIndex((l) => l.trim() === where.heading);
  if (start < 0) {
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push('', where.heading, '', where.intro, '');
    start = lines.findIndex((l) => l.trim() === where.heading);
  }
  let end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  if (end < 0) end = lines.length;
  const section = lines.slice(start, end);
  const heading = `### ${title}`;
  const subStart = section.findIndex((l) => l.trim() === heading);
  const block = [heading, '', ...body.trimEnd().split('\n'), ''];
  if (subStart >= 0) {
    let subEnd = section.findIndex((l, i) => i > subStart && /^#{2,3}\s/.test(l));
    if (subEnd < 0) subEnd = section.length;
    section.splice(subStart, subEnd - subStart, ...block);
  } else {
    while (section.length && section[section.length - 1] === '') section.pop();
    section.push('', ...block);
  }
  lines.splice(start, end - start, ...section);
  let out = lines.join('\n').replace(/\n{3,}/g, '\n\n');
  if (!out.endsWith('\n')) out += '\n';
  writeFileSync(file, out);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Runs a benchmark's `main()` and exits: 0 when it finished, 1 with the error's stack otherwise. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
