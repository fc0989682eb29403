import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuildReply, BuildRequest } from './build-protocol.js';

/**
 * Runs src/dashboard/build.worker.ts in a worker thread and resolves with the encoded compact
 * form. Started the same way as the analysis worker (src/analysis-runs/run-in-worker.ts): the
 * compiled `.js` next to this file, or under tsx a bootstrap that registers tsx in the worker.
 */
export function buildInWorker(req: BuildRequest): Promise<{ meta: Buffer; arrays: Buffer }> {
  const fromSource = import.meta.url.endsWith('.ts');
  const transfer = [req.raw.buffer as ArrayBuffer];
  const worker = fromSource
    ? new Worker(
        `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./build.worker.ts', import.meta.url).href)}); });`,
        { eval: true, workerData: req, transferList: transfer, execArgv: [] },
      )
    : new Worker(new URL('./build.worker.js', import.meta.url), { workerData: req, transferList: transfer });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: BuildReply) =>
      settle(() => (m.type === 'done' ? resolve({ meta: Buffer.from(m.meta.buffer, m.meta.byteOffset, m.meta.byteLength), arrays: Buffer.from(m.arrays.buffer, m.arrays.byteOffset, m.arrays.byteLength) }) : reject(new Error(m.message)))),
    );
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`dashboard build worker exited with code ${code}`))));
  });
}

/** URL of tsx's ESM register API (see run-in-worker.ts for why not import.meta.resolve). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}
