import { performance } from 'node:perf_hooks';
import { createLogger } from '../../src/shared/logger.js';
import { staffClient, testApp } from '../../test/helpers/app.js';

/**
 * The app in-process (createApp over supertest) with a signed-in lead, and the server time of the
 * last request: from entering the app to the response's `finish` — what the page benches report.
 */
export async function timedLeadApp(): Promise<{ lead: Awaited<ReturnType<typeof staffClient>>; lastMs: () => number }> {
  const inner = testApp({ logger: createLogger('warn') });
  let last = NaN;
  const timed = ((req, res) => {
    const t0 = performance.now();
    res.on('finish', () => (last = performance.now() - t0));
    inner(req, res);
  }) as typeof inner;
  timed.app = inner.app;
  const lead = await staffClient(timed, 'lead');
  return { lead, lastMs: () => last };
}

/** Where the scale-out benches (bench:cluster, bench:lead-pages) write in docs/PERFORMANCE.md. */
export const SCALE_OUT_SECTION = {
  heading: '## Scale-out: the cluster (issue 18)',
  intro: '`npm run cluster` (deploy/cluster.ts) under load and faults; scripts in `bench/` and `test/faults/cluster.test.ts`, all on 127.0.0.1.',
};
