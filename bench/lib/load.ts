import { createRequire } from 'node:module';
import net from 'node:net';

/** The part of autocannon's programmatic API the benchmarks use (autocannon ships no types). */
export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: LoadRequest, context: Record<string, unknown>) => LoadRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: LoadRequest[];
  /** Close and reopen each connection after this many requests (autocannon's reconnectRate). */
  reconnectRate?: number;
  /** Requests per second per connection (autocannon's connectionRate); unset: as fast as answered. */
  connectionRate?: number;
}

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p2_5: number;
  p97_5: number;
}

export interface LoadResult {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  start: Date;
  finish: Date;
  statusCodeStats: Record<string, { count: number }>;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}

type Autocannon = (opts: LoadOptions) => Promise<LoadResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

/**
 * Loopback source addresses 127.<a>.<b>.<c> (Linux routes all of 127.0.0.0/8 to lo), never the
 * same one twice in a process: every connection (and every prepared device) gets its own client
 * address, as distinct respondents would, so per-address rate limits see what they would see in
 * production. Ranges: 127.1.0.0 upwards; octets 0 and 255 skipped.
 */
let nextAddress = 0;
export function freshSourceAddress(): string {
  const n = nextAddress++;
  const c = 1 + (n % 254);
  const b = 1 + (Math.floor(n / 254) % 254);
  const a = 1 + Math.floor(n / (254 * 254));
  if (a > 254) throw new Error('out of loopback source addresses');
  return `127.${a}.${b}.${c}`;
}

/**
 * Runs autocannon; the promise resolves when the duration is over.
 * `distinctSources`: each connection connects from its own fresh loopback address (autocannon
 * itself has no option for that, so `net.connect` is wrapped while this run lasts; autocannon
 * calls it as `net.connect(port, host)` for plain HTTP).
 */
export async function runLoad(opts: LoadOptions & { distinctSources?: boolean }): Promise<LoadResult> {
  const { distinctSources, ...rest } = opts;
  if (!distinctSources) return autocannon({ timeout: 10, ...rest });
  // Reference-counted, so several runs at once (the staggered groups of a paced phase) share one
  // wrapper and the last one to finish restores the original.
  if (wrapped++ === 0) {
    (net as { connect: unknown }).connect = (...args: unknown[]) =>
      typeof args[0] === 'number' && typeof args[1] === 'string'
        ? originalConnect({ port: args[0], host: args[1], localAddress: freshSourceAddress() })
        : (originalConnect as (...a: unknown[]) => net.Socket)(...args);
  }
  try {
    return await autocannon({ timeout: 10, ...rest });
  } finally {
    if (--wrapped === 0) (net as { connect: unknown }).connect = originalConnect;
  }
}

const originalConnect = net.connect;
let wrapped = 0;

/**
 * A paced run whose connections do NOT all fire in the same millisecond: autocannon's
 * `connectionRate` ticks every connection from one shared start, so 200 paced connections send
 * 200 requests at once every second — a thundering herd, not 200 people typing independently.
 * Here the connections are split into `groups` runs started `1 / (rate · groups)` s apart, which
 * spreads the arrivals evenly over each second. Results are summed (counts, req/s); latency
 * fields are the worst group's (callers that need exact percentiles measure per request).
 */
export async function runStaggered(opts: LoadOptions & { distinctSources?: boolean; connectionRate: number }, groups = 20): Promise<LoadResult> {
  const g = Math.max(1, Math.min(groups, opts.connections));
  const sizes = Array.from({ length: g }, (_, i) => Math.floor(opts.connections / g) + (i < opts.connections % g ? 1 : 0));
  const step = 1000 / (opts.connectionRate * g);
  const results = await Promise.all(
    sizes.map(async (connections, i) => {
      await new Promise((r) => setTimeout(r, i * step));
      return runLoad({ ...opts, connections });
    }),
  );
  const sum = (f: (r: LoadResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const worst = results.reduce((a, r) => (r.latency.p99 > a.latency.p99 ? r : a));
  const statusCodeStats: Record<string, { count: number }> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCodeStats[k] = { count: (statusCodeStats[k]?.count ?? 0) + v.count };
  return {
    ...worst,
    requests: { ...worst.requests, average: sum((r) => r.requests.average), mean: sum((r) => r.requests.mean), total: sum((r) => r.requests.total), sent: sum((r) => r.requests.sent) },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    statusCodeStats,
    '2xx': sum((r) => r['2xx']),
    '3xx': sum((r) => r['3xx']),
    '4xx': sum((r) => r['4xx']),
    '5xx': sum((r) => r['5xx']),
  };
}
