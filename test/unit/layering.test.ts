import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/*
 * The import rules of docs/architecture.md, checked on every `npm test` (issue 16):
 *  1. a feature imports only features on lower layers (no import runs back up, no loops);
 *  2. no file imports another feature's model (`*.model.ts`) — features read each other's data
 *     through small query functions (`*.queries.ts`); `import type` of a record type is fine;
 *  3. the analysis engine stays pure: it imports nothing of the app and no I/O module.
 * The layer list below is the same as the picture in docs/architecture.md.
 */

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Bottom to top. A folder may import its own files and folders on a lower layer only. */
const LAYERS: string[][] = [
  ['shared', 'analysis'],
  ['db'],
  ['http'],
  ['media'],
  ['auth'],
  ['campaigns'],
  ['participants'],
  ['responses'],
  ['analysis-runs'],
  ['board'],
  ['dashboard'],
  ['series'],
  ['reports'],
  ['exports'],
  ['privacy'],
  ['demo'],
  // Composition: builds the app from the features (files directly in src/, the CLI, the eval tool).
  ['<root>', 'cli', 'evaluation'],
];
const levelOf = new Map<string, number>();
LAYERS.forEach((names, level) => names.forEach((n) => levelOf.set(n, level)));

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The folder under src/ a path belongs to (`<root>` for files directly in src/). */
function featureOf(file: string): string {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? '<root>' : rel[0];
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm)) out.push({ file, target: m[2], typeOnly: Boolean(m[1]) });
  return out;
}

const files = tsFiles(src);
const all = files.flatMap(importsOf);
const relative = all.filter((i) => i.target.startsWith('.')).map((i) => ({ ...i, resolved: path.resolve(path.dirname(i.file), i.target.replace(/\.js$/, '.ts')) }));
const rel = (p: string) => path.relative(src, p);

describe('layering (docs/architecture.md)', () => {
  it('knows every folder under src/', () => {
    const folders = new Set(files.map(featureOf));
    const unknown = [...folders].filter((f) => !levelOf.has(f));
    expect(unknown, 'add new folders to LAYERS here and to the picture in docs/architecture.md').to.deep.equal([]);
    expect(relative.length).to.be.greaterThan(300);
  });

  it('no import runs back up a layer (and so no feature depends on a feature above it)', () => {
    const wrong = relative
      .filter((i) => featureOf(i.file) !== featureOf(i.resolved))
      .filter((i) => levelOf.get(featureOf(i.resolved))! >= levelOf.get(featureOf(i.file))! && !(LAYERS.at(-1)!.includes(featureOf(i.file)) && LAYERS.at(-1)!.includes(featureOf(i.resolved))))
      .map((i) => `${rel(i.file)} → ${rel(i.resolved)}`);
    expect(wrong).to.deep.equal([]);
  });

  it("no file imports another feature's model (read through its query functions)", () => {
    const wrong = relative
      .filter((i) => !i.typeOnly && /\.model\.ts$/.test(i.resolved) && featureOf(i.resolved) !== featureOf(i.file))
      .map((i) => `${rel(i.file)} → ${rel(i.resolved)}`);
    expect(wrong).to.deep.equal([]);
  });

  it('the analysis engine is pure: nothing of the app, no database, web or file I/O', () => {
    const engine = all.filter((i) => featureOf(i.file) === 'analysis');
    const outside = engine.filter((i) => i.target.startsWith('.') && featureOf(path.resolve(path.dirname(i.file), i.target)) !== 'analysis');
    expect(outside.map((i) => `${rel(i.file)} → ${i.target}`)).to.deep.equal([]);
    const io = engine.filter((i) => /^(express|mongoose|mongodb|node:(fs|http|https|net|child_process|worker_threads))(\/|$)/.test(i.target));
    expect(io.map((i) => `${rel(i.file)} → ${i.target}`)).to.deep.equal([]);
  });

  it('the rules can fail: an upward import and a foreign model import are caught', () => {
    // The same checks on two made-up imports, so the tests above cannot pass vacuously.
    const fake = [
      { file: path.join(src, 'campaigns', 'x.ts'), resolved: path.join(src, 'reports', 'report.service.ts') },
      { file: path.join(src, 'dashboard', 'x.ts'), resolved: path.join(src, 'responses', 'response.model.ts') },
    ];
    expect(levelOf.get(featureOf(fake[0].resolved))! >= levelOf.get(featureOf(fake[0].file))!).to.equal(true);
    expect(/\.model\.ts$/.test(fake[1].resolved) && featureOf(fake[1].resolved) !== featureOf(fake[1].file)).to.equal(true);
  });
});
