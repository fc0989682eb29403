import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `<name>.js` (compiled, next to `callerUrl` in `dist/`) or, when the
 * caller runs from source under tsx (tests, `tsx src/server.ts`), `<name>.ts`. Node 20 does not
 * apply loader hooks given as a worker's `execArgv` (`--import tsx`) to the worker's entry module
 * (ERR_UNKNOWN_FILE_EXTENSION, tried), so from source the worker starts from a one-line ESM
 * bootstrap that registers tsx in the worker first, then imports the `.ts` entry.
 * Used by the analysis runs (src/analysis-runs/run-in-worker.ts) and the dashboard build
 * (src/dashboard/build-in-worker.ts).
 */
export function startModuleWorker(callerUrl: string, name: string, options: Pick<WorkerOptions, 'workerData' | 'transferList'>): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}

/**
 * URL of tsx's ESM register API, from its package.json `exports` (import condition).
 * `import.meta.resolve` is not usable here: mocha loads this file through tsx's CommonJS
 * transform, where it does not exist; `require.resolve` would pick the CommonJS build, whose
 * `register()` fails when imported as ESM.
 */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}
