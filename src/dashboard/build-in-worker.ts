import { startModuleWorker } from '../shared/worker-thread.js';
import type { BuildReply, BuildRequest } from './build-protocol.js';

/**
 * Runs src/dashboard/build.worker.ts in a worker thread and resolves with the encoded compact
 * form. Started like the analysis worker (src/shared/worker-thread.ts: the compiled `.js`, or under
 * tsx a bootstrap that registers tsx in the worker).
 */
export function buildInWorker(req: BuildRequest): Promise<{ meta: Buffer; arrays: Buffer }> {
  const worker = startModuleWorker(import.meta.url, 'build.worker', { workerData: req, transferList: req.raws.map((r) => r.buffer as ArrayBuffer) });
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
