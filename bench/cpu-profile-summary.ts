/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench:submit -- --cpu-prof`):
 * self time by package / source file and the hottest functions.
 *
 *   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const topIdx = process.argv.indexOf('--top');
const TOP = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** `node_modules/<pkg>`, `src/<file>`, `node:<internal>` or a V8 pseudo-frame such as (garbage collector). */
function bucket(n: Node): string {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  const src = /\/(src|bench|test)\/(.+)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url.replace(/^(node:[^/]+).*/, '$1');
  return url;
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const groups = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  const b = bucket(n);
  groups.set(b, (groups.get(b) ?? 0) + t);
  const fn = `${n.callFrame.functionName || '(anonymous)'} ${b}:${n.callFrame.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + t);
}
const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
process.stdout.write(`${file}\nwall ${ms(profile.endTime - profile.startTime)} ms, busy ${ms(busy)} ms, idle ${ms(idle)} ms\n\nself time by package / file (of busy):\n`);
for (const [k, v] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, TOP)) process.stdout.write(`${ms(v)} ms ${pct(v)}  ${k}\n`);
process.stdout.write(`\nhottest functions (self):\n`);
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, TOP)) process.stdout.write(`${ms(v)} ms ${pct(v)}  ${k}\n`);
